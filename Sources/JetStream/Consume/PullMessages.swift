import NATS
import NIOCore
import Synchronization

/// The messages of a continuous pull (see ``PullConsumer/messages(batch:expires:idleHeartbeat:)``).
/// One task at a time may iterate it.
public final class PullMessages: AsyncSequence, Sendable {
    public typealias Element = JetStreamMessage

    enum Event: Sendable {
        case message(InboundMessage)
        case tick
    }

    let consumer: PullConsumer
    let inbox: String
    let batch: Int
    let expires: Duration
    let idleHeartbeat: Duration
    private let subscription: NATSSubscription
    private let events: AsyncStream<Event>
    private let tasks: Mutex<[Task<Void, Never>]> = Mutex([])

    init(consumer: PullConsumer, inbox: String, subscription: NATSSubscription, batch: Int, expires: Duration, idleHeartbeat: Duration) {
        self.consumer = consumer
        self.inbox = inbox
        self.subscription = subscription
        self.batch = batch
        self.expires = expires
        self.idleHeartbeat = idleHeartbeat
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        self.events = events
        let reader = Task {
            for await message in subscription { continuation.yield(.message(message)) }
            continuation.finish()
        }
        // Ticks let the iterator notice silence (missed heartbeats) without a timer per message.
        let period = Swift.min(idleHeartbeat / 2, .seconds(1))
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: period)
                continuation.yield(.tick)
            }
        }
        tasks.withLock { $0 = [reader, ticker] }
    }

    deinit { stop() }

    /// Ends the sequence: the iterator returns nil once buffered messages are taken.
    public func stop() {
        subscription.unsubscribe()
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }

    public func makeAsyncIterator() -> Iterator { Iterator(owner: self, events: events.makeAsyncIterator()) }

    public struct Iterator: AsyncIteratorProtocol {
        let owner: PullMessages
        var events: AsyncStream<Event>.Iterator
        /// Messages requested and not yet received.
        var pending = 0
        var lastActivity = ContinuousClock.now
        var retryAfter: ContinuousClock.Instant?

        public mutating func next() async throws -> JetStreamMessage? {
            let consumer = owner.consumer
            while true {
                try await refillIfNeeded()
                guard let event = await events.next() else { return nil }
                switch event {
                case .tick:
                    if ContinuousClock.now - lastActivity > owner.idleHeartbeat * 2 {
                        // Silence: the request (or the server holding it) is gone. Ask again.
                        pending = 0
                        lastActivity = ContinuousClock.now
                    }
                case .message(let message):
                    lastActivity = ContinuousClock.now
                    guard let status = message.status else {
                        pending = Swift.max(0, pending - 1)
                        return JetStreamMessage(message, client: consumer.context.client)
                    }
                    switch PullStatus(status, headers: message.headers) {
                    case .heartbeat:
                        continue
                    case .requestEnded(let unfilled), .requestLost(let unfilled):
                        pending = unfilled.map { Swift.max(0, pending - $0) } ?? 0
                    case .noResponders:
                        pending = 0
                        retryAfter = ContinuousClock.now.advanced(by: .milliseconds(250))
                    case .fatal(let code, let text):
                        owner.stop()
                        throw JetStreamError.pullTerminated(stream: consumer.stream, consumer: consumer.name, status: code, description: text)
                    }
                }
            }
        }

        private mutating func refillIfNeeded() async throws {
            guard pending <= owner.batch / 2 else { return }
            if let retryAfter, ContinuousClock.now < retryAfter { return }
            retryAfter = nil
            let want = owner.batch - pending
            let request = PullRequest(
                batch: want,
                expires: NanoDuration(owner.expires).nanoseconds,
                noWait: nil,
                maxBytes: nil,
                idleHeartbeat: NanoDuration(owner.idleHeartbeat).nanoseconds
            )
            do {
                try await owner.consumer.context.client.publish(JetStreamContext.encode(request), to: owner.consumer.nextSubject, replyTo: owner.inbox)
                pending += want
            } catch let error as NATSError {
                switch error {
                case .disconnected, .reconnectBufferFull:
                    // Reconnecting: try again shortly.
                    retryAfter = ContinuousClock.now.advanced(by: .milliseconds(250))
                default:
                    throw JetStreamError(error, operation: "pull from \(owner.consumer.stream) > \(owner.consumer.name)")
                }
            }
        }
    }
}
