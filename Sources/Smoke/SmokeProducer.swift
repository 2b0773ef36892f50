import JetStream
public import NATS
import NIOCore
import Synchronization

/// What a producer did; the durable scenario and `jetform producer --json-events` report these.
public enum ProducerEvent: Sendable, Hashable, Codable {
    /// Published request `id` (not yet acknowledged).
    case sent(id: Int)
    /// The requests stream stored `id` at stream sequence `seq`.
    case acked(id: Int, seq: UInt64)
    /// The publish of `id` failed; it is not expected to be answered.
    case publishFailed(id: Int, reason: String)
    /// An answer to `id` arrived (from any producer's requests: the responses consumer is shared).
    case answered(id: Int)
    /// An answer of another run, acknowledged and dropped.
    case stale
}

/// One producer of the durable scenario: publishes requests (`Nats-Msg-Id = <run id>-<id>`) within
/// an in-flight window, and collects answers from the responses stream's durable pull consumer,
/// acknowledging each.
public struct SmokeProducer: Sendable {
    public var requestSubject: String
    public var responsesStream: String
    public var responsesConsumer: String
    public var runId: String
    /// The JetStream domain of the context (`$JS.<domain>.API`), if any.
    public var jetStreamDomain: String?

    public init(requestSubject: String, responsesStream: String, responsesConsumer: String, runId: String) {
        self.requestSubject = requestSubject
        self.responsesStream = responsesStream
        self.responsesConsumer = responsesConsumer
        self.runId = runId
    }

    /// Publishes `ids`, waiting for room in `window` before each. Returns when every publish has its
    /// ack or has finally failed. Events come from this task and the ack task.
    ///
    /// A publish that fails transiently (no ack in time, no responders, 10008, reconnecting: the
    /// requests stream is electing a leader) is sent again with the same `Nats-Msg-Id`, so the stream
    /// stores it once, until `retryBudget` has passed since its first send. Only then is it reported
    /// as a publish failure (not expected to be answered).
    ///
    /// With a `rate` (requests per second) the producer offers a fixed load: request n is due at
    /// start + n / rate and is published then (or as soon as the window has room, if it is full);
    /// a producer that fell behind catches up without pausing. Without one it publishes as fast as
    /// the window allows.
    public func publish(ids: some Sequence<Int> & Sendable, client: NATSClient, window: InFlightWindow, rate: Double? = nil,
                        retryBudget: Duration = .seconds(30), onEvent: @escaping @Sendable (ProducerEvent) -> Void) async throws {
        let js = JetStreamContext(client: client, domain: jetStreamDomain)
        let publisher = try await AsyncPublisher(context: js, maxInFlight: window.limit, ackTimeout: .seconds(4))
        let (pending, sink) = AsyncStream.makeStream(of: Attempt.self)
        // Publishes not yet settled (acked or finally failed); the stream ends when the loop is done and none are left.
        let open = Mutex((unsettled: 0, loopDone: false))
        let settle: @Sendable () -> Void = {
            if open.withLock({ $0.unsettled -= 1; return $0.unsettled == 0 && $0.loopDone }) { sink.finish() }
        }
        let runId = runId, requestSubject = requestSubject
        let send: @Sendable (Int) async throws -> PubAckFuture = { id in
            try await publisher.publish(subject: requestSubject, payload: SmokePayload.encode(runId: runId, id: id),
                                        options: PublishOptions(msgId: SmokePayload.token(runId: runId, id: id)))
        }
        let fail: @Sendable (Int, any Error) -> Void = { id, error in
            window.release(id)
            onEvent(.publishFailed(id: id, reason: "\(error)"))
            settle()
        }
        let acks = Task {
            for await attempt in pending {
                do {
                    let ack = try await attempt.future.value()
                    onEvent(.acked(id: attempt.id, seq: ack.seq))
                    settle()
                } catch {
                    let retryable = (error as? JetStreamError)?.isRetryable ?? false
                    guard retryable, ContinuousClock.now < attempt.firstSent.advanced(by: retryBudget) else {
                        fail(attempt.id, error)
                        continue
                    }
                    // Again after a pause, off this task so the other acks keep flowing.
                    Task {
                        do {
                            try await Task.sleep(for: .milliseconds(250))
                            sink.yield(Attempt(id: attempt.id, future: try await send(attempt.id), firstSent: attempt.firstSent))
                        } catch {
                            fail(attempt.id, error)
                        }
                    }
                }
            }
        }
        defer { publisher.close() }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            for (n, id) in ids.enumerated() {
                try Task.checkCancellation()
                if let rate, rate > 0 {
                    let due = start.advanced(by: .nanoseconds(Int64(Double(n) * 1e9 / rate)))
                    if due > clock.now { try await clock.sleep(until: due) }
                }
                await window.acquire(id)
                onEvent(.sent(id: id))
                open.withLock { $0.unsettled += 1 }
                let firstSent = clock.now
                do {
                    sink.yield(Attempt(id: id, future: try await send(id), firstSent: firstSent))
                } catch {
                    fail(id, error)
                }
            }
        } catch {
            sink.finish()
            throw error
        }
        if open.withLock({ $0.loopDone = true; return $0.unsettled == 0 }) { sink.finish() }
        await acks.value
    }

    /// One send of a request and the future of its ack.
    struct Attempt: Sendable {
        var id: Int
        var future: PubAckFuture
        var firstSent: ContinuousClock.Instant
    }

    /// Collects answers until the task is cancelled: each answer is reported, its window place
    /// freed, and then acknowledged.
    public func collect(client: NATSClient, window: InFlightWindow?, onEvent: @escaping @Sendable (ProducerEvent) -> Void) async throws {
        let js = JetStreamContext(client: client, domain: jetStreamDomain)
        let consumer = PullConsumer(context: js, stream: responsesStream, name: responsesConsumer)
        let messages = try await consumer.messages(batch: 256, expires: .seconds(5), idleHeartbeat: .seconds(1))
        defer { messages.stop() }
        try await withTaskCancellationHandler {
            for try await message in messages {
                let subject = message.subject
                let token = subject.lastIndex(of: ".").map { subject[subject.index(after: $0)...] } ?? subject[...]
                switch SmokePayload.decodeToken(token, runId: runId) {
                case .request(let id):
                    onEvent(.answered(id: id))
                    window?.release(id)
                case .stale, .malformed, .probe:
                    onEvent(.stale)
                }
                try? await message.ack()
            }
        } onCancel: {
            messages.stop()
        }
    }
}
