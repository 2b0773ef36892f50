import NATS
import NIOCore
import Synchronization

/// The messages of a continuous pull (see ``PullConsumer/messages(batch:expires:idleHeartbeat:)``).
/// One task at a time may iterate it.
///
/// The iterator reads the pull inbox directly (no extra hop per message) and tops up the pull
/// requests as messages are taken. A watchdog task covers the silent cases: no heartbeat for twice
/// the interval (request lost with a server or a reconnect), and "no responders" back-off, by
/// issuing a fresh request itself.
public final class PullMessages: AsyncSequence, Sendable {
    public typealias Element = JetStreamMessage

    struct State {
        /// Messages requested and not yet received.
        var pending = 0
        var lastActivity = ContinuousClock.now
        var retryAfter: ContinuousClock.Instant?
    }

    let consumer: PullConsumer
    let inbox: String
    let batch: Int
    let expires: Duration
    let idleHeartbeat: Duration
    private let subscription: NATSSubscription
    private let state = Mutex(State())
    private let watchdog: Mutex<Task<Void, Never>?> = Mutex(nil)

    init(consumer: PullConsumer, inbox: String, subscription: NATSSubscription, batch: Int, expires: Duration, idleHeartbeat: Duration) {
        self.consumer = consumer
        self.inbox = inbox
        self.subscription = subscription
        self.batch = batch
        self.expires = expires
        self.idleHeartbeat = idleHeartbeat
        let period = Swift.min(idleHeartbeat / 2, .seconds(1))
        let task = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: period) } catch { return }
                guard let self else { return }
                await self.checkSilence()
            }
        }
        watchdog.withLock { $0 = task }
    }

    deinit { stop() }

    /// Ends the sequence: the iterator returns nil once buffered messages are taken.
    public func stop() {
        subscription.unsubscribe()
        watchdog.withLock { $0?.cancel() }
    }

    public func makeAsyncIterator() -> Iterator { Iterator(owner: self, messages: subscription.makeAsyncIterator()) }

    /// Reserves and returns how many messages to ask for now (0: enough are on the way).
    func reserve(force: Bool = false) -> Int {
        state.withLock { s in
            let now = ContinuousClock.now
            if force {
                s.pending = 0
                s.lastActivity = now
            }
            guard s.pending <= batch / 2 else { return 0 }
            if let retryAfter = s.retryAfter, now < retryAfter { return 0 }
            s.retryAfter = nil
            let want = batch - s.pending
            s.pending += want
            return want
        }
    }

    /// Sends a pull request for `count` messages.
    func pull(_ count: Int) async {
        guard count > 0 else { return }
        let request = PullRequest(
            batch: count, expires: NanoDuration(expires).nanoseconds, noWait: nil, maxBytes: nil,
            idleHeartbeat: NanoDuration(idleHeartbeat).nanoseconds
        )
        do {
            try await consumer.context.client.publish(JetStreamContext.encode(request), to: consumer.nextSubject, replyTo: inbox)
        } catch {
            // Not sent (reconnect buffer full, closed): give the reservation back and retry shortly.
            state.withLock { s in
                s.pending = Swift.max(0, s.pending - count)
                s.retryAfter = ContinuousClock.now.advanced(by: .milliseconds(250))
            }
        }
    }

    /// Watchdog: after twice the heartbeat interval of silence the request is gone; ask again.
    /// Also re-pulls after a "no responders" back-off, when no message will wake the iterator.
    private func checkSilence() async {
        let silent = state.withLock { s in ContinuousClock.now - s.lastActivity > idleHeartbeat * 2 }
        await pull(reserve(force: silent))
    }

    /// Bookkeeping for one message from the inbox; returns what the iterator should do with it.
    func received(_ message: InboundMessage) -> (deliver: Bool, fatal: JetStreamError?, pull: Int) {
        state.withLock { s in
            s.lastActivity = ContinuousClock.now
            guard let status = message.status else {
                s.pending = Swift.max(0, s.pending - 1)
                return (true, nil, 0)
            }
            switch PullStatus(status, headers: message.headers) {
            case .heartbeat:
                return (false, nil, 0)
            case .requestEnded(let unfilled), .requestLost(let unfilled):
                s.pending = unfilled.map { Swift.max(0, s.pending - $0) } ?? 0
            case .noResponders:
                // No consumer leader right now: the watchdog asks again after a short back-off.
                s.pending = 0
                s.retryAfter = ContinuousClock.now.advanced(by: .milliseconds(250))
                return (false, nil, 0)
            case .fatal(let code, let text):
                return (false, .pullTerminated(stream: consumer.stream, consumer: consumer.name, status: code, description: text), 0)
            }
            return (false, nil, 0)
        }
    }

    public struct Iterator: AsyncIteratorProtocol {
        let owner: PullMessages
        var messages: NATSSubscription.AsyncIterator

        public mutating func next() async throws -> JetStreamMessage? {
            while true {
                await owner.pull(owner.reserve())
                guard let message = await messages.next() else { return nil }
                let outcome = owner.received(message)
                if let fatal = outcome.fatal {
                    owner.stop()
                    throw fatal
                }
                if outcome.deliver { return JetStreamMessage(message, client: owner.consumer.context.client) }
            }
        }
    }
}
