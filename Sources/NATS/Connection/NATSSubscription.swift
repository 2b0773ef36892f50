import Synchronization

/// Messages for one subscription, handed from the event loop to the reading task in batches.
///
/// The event loop appends everything one socket read delivered with a single lock; the iterator takes
/// the whole queue at once and then walks its own copy without locking. That keeps the per-message
/// cost of delivery to a few nanoseconds.
final class SubscriptionBuffer: Sendable {
    private struct State {
        var queue: [InboundMessage] = []
        var waiter: CheckedContinuation<[InboundMessage], Never>?
        var finished = false
        var dropped = 0
    }

    private let state = Mutex(State())
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Adds messages; returns how many were dropped because the reader is too slow.
    @discardableResult
    func append(_ messages: [InboundMessage]) -> Int {
        let (waiter, dropped): (CheckedContinuation<[InboundMessage], Never>?, Int) = state.withLock { s in
            if s.finished { return (nil, 0) }
            if let w = s.waiter {
                s.waiter = nil
                return (w, 0)
            }
            let room = limit - s.queue.count
            if room >= messages.count {
                s.queue.append(contentsOf: messages)
                return (nil, 0)
            }
            s.queue.append(contentsOf: messages.prefix(max(room, 0)))
            let lost = messages.count - max(room, 0)
            s.dropped += lost
            return (nil, lost)
        }
        waiter?.resume(returning: messages)
        return dropped
    }

    /// Ends the sequence once the reader has taken what is queued.
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<[InboundMessage], Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: [])
    }

    var droppedCount: Int { state.withLock { $0.dropped } }
    var pendingCount: Int { state.withLock { $0.queue.count } }

    /// The next batch: whatever is queued, or waits for some. Empty means the sequence ended.
    /// Runs on the caller's executor, so a reader on the client's event loop stays there.
    nonisolated(nonsending)
    func nextBatch() async -> [InboundMessage] {
        if let ready = state.withLock({ s -> [InboundMessage]? in
            if !s.queue.isEmpty {
                defer { s.queue = [] }
                return s.queue
            }
            return s.finished ? [] : nil
        }) {
            return ready
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[InboundMessage], Never>) in
                let immediate = state.withLock { s -> [InboundMessage]? in
                    if !s.queue.isEmpty {
                        defer { s.queue = [] }
                        return s.queue
                    }
                    if s.finished || Task.isCancelled { return [] }
                    precondition(s.waiter == nil, "a NATSSubscription can be iterated by one task at a time")
                    s.waiter = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<[InboundMessage], Never>? in
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: [])
        }
    }
}

/// A subscription: an `AsyncSequence` of the messages on its subject, ended by `unsubscribe()`,
/// by reaching the `max` of `unsubscribe(after:)`, by `drain()` or by the client closing.
///
/// One task at a time may iterate it. Messages are buffered up to the client's
/// `subscriptionPendingLimit`; beyond that the newest are dropped and a `.slowConsumer` event is sent.
public final class NATSSubscription: AsyncSequence, Sendable {
    public typealias Element = InboundMessage

    public let subject: String
    public let queueGroup: String?
    public let sid: UInt64
    let buffer: SubscriptionBuffer
    private weak let client: NATSClient?

    init(subject: String, queueGroup: String?, sid: UInt64, buffer: SubscriptionBuffer, client: NATSClient) {
        self.subject = subject
        self.queueGroup = queueGroup
        self.sid = sid
        self.buffer = buffer
        self.client = client
    }

    /// Stops delivery now. Messages already buffered are still returned by the iterator.
    public func unsubscribe() {
        client?.unsubscribe(sid: sid, after: nil)
    }

    /// Stops delivery after `count` messages in total have been delivered.
    public func unsubscribe(after count: Int) {
        client?.unsubscribe(sid: sid, after: count)
    }

    /// Messages dropped because the reader was too slow.
    public var droppedCount: Int { buffer.droppedCount }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: SubscriptionBuffer
        /// The current batch in reverse order: `popLast` moves a message out without copying it.
        var reversedBatch: [InboundMessage] = []

        public mutating func next() async -> InboundMessage? {
            await next(isolation: nil)
        }

        /// What `for await` calls: runs on the caller's executor, so a reader on an actor (for example
        /// one on the client's event loop) gets each batch without a hop to the global pool and back.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> InboundMessage? {
            if let message = reversedBatch.popLast() { return message }
            reversedBatch = await buffer.nextBatch()
            reversedBatch.reverse()
            return reversedBatch.popLast()
        }
    }
}
