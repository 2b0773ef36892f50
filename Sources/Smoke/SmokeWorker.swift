import JetStream
public import NATS
import NIOCore

/// What a worker did with one message; the durable scenario and `jetform worker --json-events` report these.
public enum WorkerEvent: Sendable, Hashable, Codable {
    /// Took request `id` (delivery count from the consumer; above 1 is a redelivery).
    case handled(id: Int, delivery: Int)
    /// Stored the answer to `id` and acknowledged the request.
    case completed(id: Int)
    /// Took a request of another run and acknowledged it without answering.
    case stale
    /// Something failed (the request will be redelivered).
    case failed(String)
}

/// One worker of the durable scenario: pulls requests through the durable pull consumer (explicit
/// acks), stores an answer on `<responses prefix><run id>-<id>` with `Nats-Msg-Id` (so a retried or
/// redelivered answer is stored once), and only after the answer's pub ack acknowledges the request.
public struct SmokeWorker: Sendable {
    public var requestsStream: String
    public var requestsConsumer: String
    public var responsePrefix: String
    /// This run's id; other runs' requests are acknowledged as stale. Nil answers requests of any run.
    public var runId: String?
    /// Time spent on each request before answering (a slow worker).
    public var delay: Duration?
    /// Requests pulled at a time; small keeps a slow worker from hoarding.
    public var batch: Int
    /// The JetStream domain of the context (`$JS.<domain>.API`), if any.
    public var jetStreamDomain: String?

    public init(requestsStream: String, requestsConsumer: String, responsePrefix: String, runId: String?, delay: Duration? = nil, batch: Int = 16) {
        self.requestsStream = requestsStream
        self.requestsConsumer = requestsConsumer
        self.responsePrefix = responsePrefix
        self.runId = runId
        self.delay = delay
        self.batch = max(1, batch)
    }

    /// Works until the task is cancelled or the consumer goes away. `onEvent` is called for every
    /// request (from two tasks: handling and completion).
    public func run(client: NATSClient, onEvent: @escaping @Sendable (WorkerEvent) -> Void) async throws {
        let js = JetStreamContext(client: client, domain: jetStreamDomain)
        let consumer = PullConsumer(context: js, stream: requestsStream, name: requestsConsumer)
        let messages = try await consumer.messages(batch: batch, expires: .seconds(5), idleHeartbeat: .seconds(1))
        let publisher = try await AsyncPublisher(context: js, maxInFlight: max(64, batch * 2), ackTimeout: .seconds(5))
        let (pending, sink) = AsyncStream.makeStream(of: (PubAckFuture, JetStreamMessage, Int).self)
        // Acks requests in order once their answers are stored; a failed answer is nak'ed (redelivered).
        let acker = Task {
            for await (future, message, id) in pending {
                do {
                    _ = try await future.value()
                    try await message.ack()
                    onEvent(.completed(id: id))
                } catch {
                    // Not at once: while the responses stream elects a leader every answer fails in
                    // microseconds, and an immediate redelivery would spin through the election.
                    try? await message.nak(delay: SmokeWorker.redeliveryDelay(afterDelivery: Int(message.metadata?.numDelivered ?? 1)))
                    onEvent(.failed("answer to request \(id) not stored: \(error)"))
                }
            }
        }
        defer {
            messages.stop()
            sink.finish()
            acker.cancel()
            publisher.close()
        }
        try await withTaskCancellationHandler {
            for try await message in messages {
                let decoded: SmokePayload.Decoded
                var run = runId ?? ""
                if runId == nil, let any = SmokePayload.parseAnyRun(message.payload) {
                    run = any.runId
                    decoded = .request(any.id)
                } else {
                    decoded = SmokePayload.decode(message.payload, runId: run)
                }
                switch decoded {
                case .request(let id):
                    onEvent(.handled(id: id, delivery: Int(message.metadata?.numDelivered ?? 1)))
                    if let delay { try await Task.sleep(for: delay) }
                    let token = SmokePayload.token(runId: run, id: id)
                    let future = try await publisher.publish(subject: responsePrefix + token, payload: message.payload,
                                                             options: PublishOptions(msgId: token))
                    sink.yield((future, message, id))
                case .stale, .malformed, .probe:
                    try? await message.ack()
                    onEvent(.stale)
                }
            }
        } onCancel: {
            messages.stop()
        }
        sink.finish()
        _ = await acker.value
    }
}

extension SmokeWorker {
    /// How long a request whose answer could not be stored waits before it is delivered again:
    /// 200 ms after its first delivery, doubling up to 1 s (well inside the shipped 5 s `max_age`).
    public static func redeliveryDelay(afterDelivery delivery: Int) -> Duration {
        .milliseconds(min(1000, 200 << min(max(delivery - 1, 0), 3)))
    }
}
