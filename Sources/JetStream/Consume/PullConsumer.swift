import NATS
import NIOCore
import Synchronization

/// A pull consumer of a stream: fetch batches, or consume continuously.
///
/// Status messages on the pull inbox are handled here: 100 idle heartbeats keep a missed-heartbeat
/// watchdog quiet; 404/408 end a request; 409 "Leadership Change"/"Server Shutdown" mean the request
/// was lost (``messages(batch:expires:idleHeartbeat:)`` re-pulls, ``fetch(batch:expires:idleHeartbeat:noWait:maxBytes:)``
/// returns what it has); 409 "Consumer Deleted", "Exceeded MaxWaiting" and similar end with
/// ``JetStreamError/pullTerminated(stream:consumer:status:description:)``.
public struct PullConsumer: Sendable {
    public let context: JetStreamContext
    public let stream: String
    public let name: String

    public init(context: JetStreamContext, stream: String, name: String) {
        self.context = context
        self.stream = stream
        self.name = name
    }

    var nextSubject: String { "\(context.apiPrefix).CONSUMER.MSG.NEXT.\(stream).\(name)" }

    /// `CONSUMER.INFO` of this consumer.
    public func info() async throws(JetStreamError) -> ConsumerInfo {
        try await context.consumerInfo(stream: stream, name: name)
    }

    /// Asks for up to `batch` messages and returns those that arrive before the request ends.
    ///
    /// The request ends when the batch is full, when `expires` passes (408), at once if nothing is
    /// pending and `noWait` is set (404), when the consumer leader changes (409; the messages so far
    /// are returned), or when no heartbeat came for twice `idleHeartbeat`: then what arrived is
    /// returned, or ``JetStreamError/missedHeartbeats(stream:consumer:)`` is thrown if nothing did.
    public func fetch(batch: Int, expires: Duration = .seconds(5), idleHeartbeat: Duration? = nil, noWait: Bool = false, maxBytes: Int? = nil) async throws(JetStreamError) -> [JetStreamMessage] {
        let client = context.client
        let inbox = client.newInbox()
        let subscription: NATSSubscription
        do { subscription = try await client.subscribe(to: inbox) } catch { throw Self.map(error, "fetch") }
        defer { subscription.unsubscribe() }

        let heartbeat = idleHeartbeat.map { min($0, expires / 2) }
        let request = PullRequest(
            batch: batch,
            expires: noWait ? nil : NanoDuration(expires).nanoseconds,
            noWait: noWait ? true : nil,
            maxBytes: maxBytes,
            idleHeartbeat: heartbeat.map { NanoDuration($0).nanoseconds }
        )
        do {
            try await client.publish(JetStreamContext.encode(request), to: nextSubject, replyTo: inbox)
        } catch {
            throw Self.map(error, "fetch")
        }

        let activity = Watch()
        let outcome = await withTaskGroup(of: FetchOutcome?.self) { group -> FetchOutcome in
            group.addTask {
                var messages: [JetStreamMessage] = []
                for await message in subscription {
                    activity.touch()
                    if let status = message.status {
                        switch PullStatus(status, headers: message.headers) {
                        case .heartbeat: continue
                        case .requestEnded, .requestLost: return .done(messages)
                        case .noResponders: return .failed(messages, .noResponders(operation: "fetch from \(stream) > \(name)"))
                        case .fatal(let code, let text):
                            return .failed(messages, .pullTerminated(stream: stream, consumer: name, status: code, description: text))
                        }
                    }
                    messages.append(JetStreamMessage(message, client: client))
                    if messages.count >= batch { return .done(messages) }
                }
                return .done(messages)
            }
            group.addTask {
                // Watchdog: ends the iteration by unsubscribing when the request should be over.
                let clock = ContinuousClock()
                let hardDeadline = clock.now.advanced(by: (noWait ? .seconds(5) : expires) + .seconds(2))
                while clock.now < hardDeadline {
                    do { try await Task.sleep(for: .milliseconds(100)) } catch { return nil }
                    if let heartbeat, activity.idle(clock.now) > heartbeat * 2 {
                        activity.missed = true
                        break
                    }
                }
                subscription.unsubscribe()
                return nil
            }
            var result = FetchOutcome.done([])
            for await outcome in group {
                if let outcome {
                    result = outcome
                    group.cancelAll()
                }
            }
            return result
        }
        switch outcome {
        case .done(let messages):
            if messages.isEmpty && activity.missed { throw .missedHeartbeats(stream: stream, consumer: name) }
            return messages
        case .failed(let messages, let error):
            if messages.isEmpty { throw error }
            return messages
        }
    }

    /// Consumes continuously, keeping pull requests outstanding so messages keep flowing.
    ///
    /// Up to `batch` messages are requested at a time and more are asked for once half of them have
    /// been taken, so at most 1.5 × `batch` are buffered. A request is re-issued when it expires,
    /// when the consumer leader changes (409), and when no heartbeat arrived for twice
    /// `idleHeartbeat` (connection lost, server killed); "no responders" (no consumer leader yet) is
    /// retried every 250 ms. Iteration throws on 409 consumer deleted and other fatal statuses.
    /// Call ``PullMessages/stop()`` (or drop the sequence) to end it.
    public func messages(batch: Int = 256, expires: Duration = .seconds(30), idleHeartbeat: Duration = .seconds(5)) async throws(JetStreamError) -> PullMessages {
        let subscription: NATSSubscription
        let inbox = context.client.newInbox()
        do { subscription = try await context.client.subscribe(to: inbox) } catch { throw Self.map(error, "consume") }
        return PullMessages(consumer: self, inbox: inbox, subscription: subscription, batch: max(1, batch), expires: expires, idleHeartbeat: min(idleHeartbeat, expires / 2))
    }

    static func map(_ error: any Error, _ operation: String) -> JetStreamError {
        if let e = error as? JetStreamError { return e }
        if let e = error as? NATSError { return JetStreamError(e, operation: operation) }
        if error is CancellationError { return .cancelled(operation: operation) }
        return .transport(String(describing: error))
    }
}

enum FetchOutcome: Sendable {
    case done([JetStreamMessage])
    case failed([JetStreamMessage], JetStreamError)
}

/// When something last arrived on a pull inbox.
final class Watch: Sendable {
    private let last = Mutex(ContinuousClock.now)
    private let missedFlag = Atomic<Bool>(false)
    private let counter = Atomic<Int>(0)
    /// A count the watched task publishes for the watchdog (replies so far).
    var count: Int {
        get { counter.load(ordering: .relaxed) }
        set { counter.store(newValue, ordering: .relaxed) }
    }
    func touch() { last.withLock { $0 = ContinuousClock.now } }
    func idle(_ now: ContinuousClock.Instant) -> Duration { now - last.withLock { $0 } }
    var missed: Bool {
        get { missedFlag.load(ordering: .relaxed) }
        set { missedFlag.store(newValue, ordering: .relaxed) }
    }
}
