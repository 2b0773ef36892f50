public import Topology

/// Runs the scenarios of a topology's `smoke` section and gathers the report: the service behind
/// `jetform smoke`.
public struct SmokeRunner: Sendable {
    /// Command-line overrides of the `smoke` section.
    public struct Overrides: Sendable, Hashable {
        public var scenarios: [ScenarioKind]?
        public var count: Int?
        public var workers: Int?
        public var producers: Int?
        public var inFlight: Int?
        /// Delay of worker 1 (a slow worker) in the durable scenario.
        public var slowWorkerDelay: Duration?
        /// Offered load of the durable scenario, requests per second (nil: as fast as the window allows).
        public var rate: Double?

        public init(scenarios: [ScenarioKind]? = nil, count: Int? = nil, workers: Int? = nil, producers: Int? = nil,
                    inFlight: Int? = nil, slowWorkerDelay: Duration? = nil, rate: Double? = nil) {
            self.scenarios = scenarios
            self.count = count
            self.workers = workers
            self.producers = producers
            self.inFlight = inFlight
            self.slowWorkerDelay = slowWorkerDelay
            self.rate = rate
        }
    }

    public var topology: TopologySpec
    public var spec: SmokeSpec
    public var overrides: Overrides
    /// Fault for the durable scenario.
    public var fault: (any DurableFault)?
    /// Fault for the kv scenario (a server killed, paused or cut off).
    public var kvFault: KillServerFault?

    public init(topology: TopologySpec, overrides: Overrides = Overrides(), fault: (any DurableFault)? = nil,
                kvFault: KillServerFault? = nil) throws(SmokeError) {
        guard let spec = topology.smoke else {
            throw .notConfigured("the topology has no 'smoke' section; add one (see topology.yaml) to run the smoke test")
        }
        self.topology = topology
        self.spec = spec
        self.overrides = overrides
        self.fault = fault
        self.kvFault = kvFault
    }

    /// The context the smoke test connects with.
    public var context: ContextSpec? { topology.context(named: spec.context ?? topology.context) }

    /// The scenarios that will run: those asked for, else every one the section configures.
    public var scenarios: [ScenarioKind] {
        let configured = ScenarioKind.allCases.filter { kind in
            switch kind {
            case .durable: spec.durable != nil
            case .pubsub: spec.pubsub != nil
            case .queue: spec.queue != nil
            case .request: spec.request != nil
            case .kv: spec.kv != nil
            }
        }
        guard let asked = overrides.scenarios else { return configured }
        return asked
    }

    /// Builds the durable scenario from the spec and overrides.
    public func durableScenario() throws(SmokeError) -> DurableScenario {
        guard let d = spec.durable else { throw .notConfigured("the smoke section has no 'durable' scenario") }
        guard let subject = spec.requestSubject(in: topology), let prefix = spec.responseSubjectPrefix(in: topology) else {
            throw .notConfigured("smoke.durable: the requests stream needs a subject and the responses stream a wildcard subject")
        }
        let workers = overrides.workers ?? d.workers ?? 2
        var delays: [Duration] = []
        if let slow = overrides.slowWorkerDelay { delays = [slow] }
        return DurableScenario(
            requestsStream: d.requests.stream, requestsConsumer: d.requests.consumer,
            responsesStream: d.responses.stream, responsesConsumer: d.responses.consumer,
            requestSubject: subject, responsePrefix: prefix, count: overrides.count ?? d.count ?? 1000,
            producers: overrides.producers ?? d.producers ?? 1, workers: workers,
            inFlight: overrides.inFlight ?? d.inFlight ?? 100, workerDelays: delays, fault: fault, rate: overrides.rate
        )
    }

    /// Runs the scenarios one after another. `observe` sees each scenario's recorder when it starts
    /// (for a progress line).
    public func run(_ env: SmokeEnvironment, observe: (@Sendable (ScenarioKind, SmokeRecorder) -> Void)? = nil) async -> SmokeReport {
        var reports: [ScenarioReport] = []
        for kind in scenarios {
            var hook: (@Sendable (SmokeRecorder) -> Void)?
            if let observe {
                hook = { @Sendable recorder in observe(kind, recorder) }
            }
            switch kind {
            case .durable:
                do {
                    let scenario = try durableScenario()
                    reports.append(await scenario.run(env, recorder: hook))
                } catch {
                    reports.append(.failed(.durable, flow: "", error: error.description))
                }
            case .pubsub:
                guard let p = spec.pubsub else {
                    reports.append(.failed(kind, flow: "", error: "the smoke section has no 'pubsub' scenario"))
                    continue
                }
                let s = PubSubScenario(subject: p.subject, subscribers: overrides.workers ?? p.subscribers ?? 3, count: overrides.count ?? p.count ?? 1000)
                reports.append(await s.run(env, recorder: hook))
            case .queue:
                guard let q = spec.queue else {
                    reports.append(.failed(kind, flow: "", error: "the smoke section has no 'queue' scenario"))
                    continue
                }
                let s = QueueScenario(subject: q.subject, group: q.group ?? "smoke-workers", members: overrides.workers ?? q.members ?? 3,
                                      count: overrides.count ?? q.count ?? 1000)
                reports.append(await s.run(env, recorder: hook))
            case .request:
                guard let r = spec.request else {
                    reports.append(.failed(kind, flow: "", error: "the smoke section has no 'request' scenario"))
                    continue
                }
                let s = RequestScenario(subject: r.subject, responders: overrides.workers ?? r.responders ?? 1,
                                        count: overrides.count ?? r.count ?? 1000, inFlight: overrides.inFlight ?? 64)
                reports.append(await s.run(env, recorder: hook))
            case .kv:
                guard let k = spec.kv else {
                    reports.append(.failed(kind, flow: "", error: "the smoke section has no 'kv' scenario"))
                    continue
                }
                let s = KVScenario(bucket: k.bucket, count: overrides.count ?? k.count ?? KVScenario.defaultCount,
                                       keys: k.keys ?? KVScenario.defaultKeys, fault: kvFault)
                reports.append(await s.run(env, recorder: hook))
            }
        }
        return SmokeReport(runId: env.runId, scenarios: reports)
    }
}
