public import JetStream
import NATS
import Synchronization

/// Durable request/response over JetStream, the design the shipped topology is for:
///
///     producers ──publish (Nats-Msg-Id)──▶ REQUESTS (work queue) ──pull──▶ workers
///     workers ──answer (Nats-Msg-Id)──▶ RESPONSES.<run>-<id> ──pull──▶ producers, then ack the request
///
/// Latency is request publish → answer received by a producer.
///
/// **Expired** (reported apart from lost): an acknowledged request that was never answered, that
/// no worker reported answering, that is older than the requests stream's `max_age` when the run
/// ends, and that the stream no longer holds (its sequence is below the stream's first sequence, or
/// the stream is empty). Only the stream's age limit removes a request nobody acknowledged, so such
/// a request was expired, not lost.
///
/// **Stale**: requests and answers of earlier runs (another run id in the payload or subject) still
/// in the streams or redelivered from them; workers and producers acknowledge and count them.
public struct DurableScenario: Sendable {
    public var requestsStream: String
    public var requestsConsumer: String
    public var responsesStream: String
    public var responsesConsumer: String
    public var requestSubject: String
    /// `users.responses.`: the answer subject is this plus `<run id>-<id>`.
    public var responsePrefix: String
    public var count: Int
    public var producers: Int
    public var workers: Int
    /// Requests out (published, unanswered) at most, over all producers.
    public var inFlight: Int
    /// Per-worker delay (index = worker); missing entries mean no delay.
    public var workerDelays: [Duration]
    /// Fault injection: run while the scenario runs (e.g. killing a worker); its checks join the report.
    public var fault: (any DurableFault)?
    /// Offered load in requests per second over all producers (nil: as fast as the window allows).
    /// Latency at a fixed load is what a service sees; the unbounded run measures capacity.
    public var rate: Double?

    public init(requestsStream: String, requestsConsumer: String, responsesStream: String, responsesConsumer: String,
                requestSubject: String, responsePrefix: String, count: Int = 1000, producers: Int = 1, workers: Int = 2,
                inFlight: Int = 100, workerDelays: [Duration] = [], fault: (any DurableFault)? = nil, rate: Double? = nil) {
        self.requestsStream = requestsStream
        self.requestsConsumer = requestsConsumer
        self.responsesStream = responsesStream
        self.responsesConsumer = responsesConsumer
        self.requestSubject = requestSubject
        self.responsePrefix = responsePrefix
        self.count = max(0, count)
        self.producers = max(1, producers)
        self.workers = max(1, workers)
        self.inFlight = max(1, inFlight)
        self.workerDelays = workerDelays
        self.fault = fault
        self.rate = rate.flatMap { $0 > 0 ? $0 : nil }
    }

    public var flow: String { "\(requestsStream) → \(requestsConsumer) → \(responsesStream) → \(responsesConsumer)" }

    /// What the cluster says about the streams and consumers the scenario uses.
    public struct Setup: Sendable {
        public var maxAge: Duration?
        public var ackWait: Duration
        public var staleRequests: UInt64
        public var staleResponses: UInt64
    }

    /// Checks the streams and consumers exist and reads `max_age` and `ack_wait`.
    public func inspect(_ js: JetStreamContext) async throws -> Setup {
        func need<T>(_ what: String, _ body: () async throws(JetStreamError) -> T) async throws -> T {
            do { return try await body() } catch {
                if error.errCode == .streamNotFound || error.errCode == .consumerNotFound {
                    throw SmokeError.missingOnCluster("\(what) does not exist on the cluster")
                }
                throw error
            }
        }
        let requests = try await need("stream \(requestsStream)") { () async throws(JetStreamError) in try await js.streamInfo(requestsStream) }
        let responses = try await need("stream \(responsesStream)") { () async throws(JetStreamError) in try await js.streamInfo(responsesStream) }
        let workerConsumer = try await need("consumer \(requestsStream) > \(requestsConsumer)") { () async throws(JetStreamError) in
            try await js.consumerInfo(stream: requestsStream, name: requestsConsumer)
        }
        _ = try await need("consumer \(responsesStream) > \(responsesConsumer)") { () async throws(JetStreamError) in
            try await js.consumerInfo(stream: responsesStream, name: responsesConsumer)
        }
        let maxAge = requests.config.maxAge.flatMap { $0.nanoseconds > 0 ? Duration.nanoseconds($0.nanoseconds) : nil }
        let ackWait = workerConsumer.config?.ackWait.map { Duration.nanoseconds($0.nanoseconds) } ?? .seconds(30)
        return Setup(maxAge: maxAge, ackWait: ackWait, staleRequests: requests.state.messages ?? 0, staleResponses: responses.state.messages ?? 0)
    }

    public func run(_ env: SmokeEnvironment, recorder observe: (@Sendable (SmokeRecorder) -> Void)? = nil) async -> ScenarioReport {
        var clients: [NATSClient] = []
        do {
            let admin = try await env.connect("durable-admin")
            clients.append(admin)
            let js = JetStreamContext(client: admin, domain: env.jetStreamDomain)
            let setup = try await inspect(js)
            let recorder = SmokeRecorder(count: count, fanOut: 1, workers: workers)
            observe?(recorder)
            let sequences = Mutex([UInt64](repeating: 0, count: count))
            let window = InFlightWindow(limit: inFlight, maxAge: setup.maxAge)
            let runId = env.runId
            var configured = SmokeProducer(requestSubject: requestSubject, responsesStream: responsesStream,
                                           responsesConsumer: responsesConsumer, runId: runId)
            configured.jetStreamDomain = env.jetStreamDomain
            let producer = configured
            let onProducerEvent: @Sendable (ProducerEvent) -> Void = { event in
                switch event {
                case .sent(let id): recorder.sent(id)
                case .acked(let id, let seq):
                    recorder.acknowledged(id)
                    if id >= 0 && id < sequences.withLock({ $0.count }) { sequences.withLock { $0[id] = seq } }
                case .publishFailed(let id, _): recorder.publishFailed(id)
                case .answered(let id): recorder.answered(id)
                case .stale: recorder.staleSeen()
                }
            }
            let workerEvents: @Sendable (Int, WorkerEvent) -> Void = { index, event in
                switch event {
                case .handled(let id, let delivery): recorder.handled(id, by: index, delivery: delivery)
                case .completed(let id): recorder.workerCompleted(id)
                case .stale: recorder.staleSeen()
                case .failed: break
                }
            }

            // Workers: in-process tasks, or whatever the fault runs instead (child processes).
            var background: [Task<Void, Never>] = []
            let workerBatch = max(1, min(64, inFlight / workers))
            let faultHandle = try await fault?.start(env: env, scenario: self, setup: setup, recorder: recorder, workerEvents: workerEvents,
                                                     producerEvents: onProducerEvent)
            if fault?.replacesWorkers != true {
                for i in 0..<workers {
                    let client = try await env.connect("durable-worker\(i + 1)")
                    clients.append(client)
                    let delay = i < workerDelays.count ? workerDelays[i] : nil
                    var batch = workerBatch
                    if let delay, delay > .zero {
                        // Hold no more than half the ack wait's worth of work.
                        batch = max(1, min(batch, Int(Wait.seconds(setup.ackWait) / 2 / Wait.seconds(delay)) * 2 / 3))
                    }
                    var configured = SmokeWorker(requestsStream: requestsStream, requestsConsumer: requestsConsumer,
                                                 responsePrefix: responsePrefix, runId: runId, delay: delay, batch: batch)
                    configured.jetStreamDomain = env.jetStreamDomain
                    let worker = configured
                    background.append(Task { try? await worker.run(client: client) { workerEvents(i, $0) } })
                }
            }
            // Collectors: one per producer, all on the shared responses consumer.
            var producerClients: [NATSClient] = []
            for p in 0..<producers {
                let client = try await env.connect("durable-producer\(p + 1)")
                clients.append(client)
                producerClients.append(client)
                if p >= (fault?.externalProducers ?? 0) {
                    background.append(Task { try? await producer.collect(client: client, window: window, onEvent: onProducerEvent) })
                }
            }
            let ticker = Task {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: .milliseconds(100)) } catch { return }
                    window.tick()
                }
            }

            let clock = ContinuousClock()
            let started = clock.now
            let count = count, producers = producers
            let producerRate = rate.map { $0 / Double(producers) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for p in (fault?.externalProducers ?? 0)..<producers {
                    let client = producerClients[p]
                    let ids = stride(from: p, to: count, by: producers)
                    group.addTask {
                        try await producer.publish(ids: ids, client: client, window: window, rate: producerRate, onEvent: onProducerEvent)
                    }
                }
                try await group.waitForAll()
            }
            await faultHandle?.waitForProducers()
            // Redelivery after a dead worker takes the ack wait; wait at least that long for progress.
            let idle = max(env.idleTimeout, setup.ackWait + .seconds(2))
            await Wait.untilSettled(recorder, idle: idle)
            let elapsed = clock.now - started
            let faultChecks = await faultHandle?.finish(recorder.snapshot) ?? []
            try? await Task.sleep(for: .milliseconds(100))
            ticker.cancel()
            for t in background { t.cancel() }
            for t in background { _ = await t.value }

            var notes: [String] = []
            if let maxAge = setup.maxAge {
                let expired = try await expiredIds(js: js, recorder: recorder, sequences: sequences.withLock { $0 }, maxAge: maxAge)
                recorder.markExpired(expired)
            }
            if setup.staleRequests > 0 || setup.staleResponses > 0 {
                notes.append("before the run \(requestsStream) held \(setup.staleRequests) and \(responsesStream) \(setup.staleResponses) messages (earlier runs count as stale)")
            }
            if let rate { notes.append("offered load: \(Int(rate.rounded())) requests/s") }
            if window.agedOut > 0 { notes.append("\(window.agedOut) requests left the in-flight window unanswered after max age") }
            for c in clients { await c.close() }
            var names = (0..<workers).map { "w\($0 + 1)" }
            if let faultNames = faultHandle?.workerNames { names = faultNames }
            var report = ScenarioReport(scenario: .durable, flow: flow, checker: recorder.snapshot, workerNames: names,
                                        durationSeconds: Wait.seconds(elapsed), checks: faultChecks, notes: notes)
            // Per-request records kept beside the checker's: each request's stream sequence (for expiry).
            report.recordBytes += count * MemoryLayout<UInt64>.stride
            return report
        } catch {
            for c in clients { await c.close() }
            return .failed(.durable, flow: flow, error: "\(error)")
        }
    }

    /// Unanswered requests that the stream's max age removed (see the type's documentation).
    func expiredIds(js: JetStreamContext, recorder: SmokeRecorder, sequences: [UInt64], maxAge: Duration) async throws -> [Int] {
        let unanswered = recorder.read { c in c.unansweredIds.filter { !c.isWorkerCompleted($0) } }
        guard !unanswered.isEmpty else { return [] }
        let info = try await js.streamInfo(requestsStream)
        let firstSeq = info.state.firstSeq ?? 0
        let empty = (info.state.messages ?? 0) == 0
        let now = recorder.now()
        let age = SmokeRecorder.nanoseconds(maxAge)
        return unanswered.filter { id in
            guard let sentAt = recorder.read({ $0.sentTime(of: id) }), now - sentAt >= age else { return false }
            return empty || (sequences[id] != 0 && sequences[id] < firstSeq)
        }
    }
}

/// A fault injected into the durable scenario (killing a worker, a producer, a server).
public protocol DurableFault: Sendable {
    /// True when the fault runs the workers itself (as child processes) instead of in-process tasks.
    var replacesWorkers: Bool { get }
    /// How many of the producers the fault runs itself (as child processes); they publish the ids
    /// `stride(from: p, to: count, by: producers)` for `p` below this number.
    var externalProducers: Int { get }
    /// Starts the fault's processes/timers. Events from its workers and producers go to the closures.
    func start(env: SmokeEnvironment, scenario: DurableScenario, setup: DurableScenario.Setup, recorder: SmokeRecorder,
               workerEvents: @escaping @Sendable (Int, WorkerEvent) -> Void,
               producerEvents: @escaping @Sendable (ProducerEvent) -> Void) async throws -> any DurableFaultHandle
}

/// A running fault.
public protocol DurableFaultHandle: Sendable {
    /// Worker names for the per-worker split, if the fault runs the workers.
    var workerNames: [String]? { get }
    /// Returns once the fault's own producers are done publishing (or were killed).
    func waitForProducers() async
    /// Stops what the fault started and returns its checks (e.g. time to redelivery), given the records so far.
    func finish(_ records: Checker) async -> [ScenarioCheck]
}

extension DurableFault {
    public var externalProducers: Int { 0 }
    public var replacesWorkers: Bool { false }
}

extension DurableFaultHandle {
    public func waitForProducers() async {}
}
