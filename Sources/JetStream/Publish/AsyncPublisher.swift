public import NATS
public import NIOCore
import Synchronization

/// Publishes with many acknowledgements outstanding at once: the fast path for bulk traffic.
///
/// One wildcard reply subscription serves every publish; each message's reply subject is the
/// publisher's prefix plus a counter token, so an ack is matched by a dictionary lookup. At most
/// `maxInFlight` messages wait for an ack; ``publish(subject:payload:headers:options:)`` suspends
/// while the window is full. Acks that do not come within `ackTimeout` fail their future with a timeout.
///
/// ```swift
/// let publisher = try await AsyncPublisher(context: js, maxInFlight: 4096)
/// for i in 0..<100_000 { try await publisher.publish(subject: "orders.new", payload: body) }
/// let summary = try await publisher.waitForAcks()
/// ```
public final class AsyncPublisher: Sendable {
    public let context: JetStreamContext
    public let maxInFlight: Int
    public let ackTimeout: Duration
    /// In-flight count at which waiting publishers are woken.
    private let lowWater: Int
    private let prefix: String
    private let subscription: NATSSubscription
    private let state: Mutex<State>
    private let tasks: Mutex<[Task<Void, Never>]> = Mutex([])

    /// Counts since the publisher started.
    public struct Summary: Sendable, Hashable {
        public var acked: Int
        public var duplicates: Int
        public var failed: Int
        /// The first few failures, for the report.
        public var errors: [String]
    }

    struct Entry {
        var future: PubAckFuture?
        var deadline: ContinuousClock.Instant
    }

    struct State {
        var pending: [UInt64: Entry] = [:]
        var nextToken: UInt64 = 0
        var windowWaiters: [CheckedContinuation<Void, any Error>] = []
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
        var summary = Summary(acked: 0, duplicates: 0, failed: 0, errors: [])
        var closed = false
    }

    public init(context: JetStreamContext, maxInFlight: Int = 4096, ackTimeout: Duration = .seconds(10)) async throws {
        self.context = context
        self.maxInFlight = max(1, maxInFlight)
        self.lowWater = max(0, self.maxInFlight - max(1, self.maxInFlight / 4))
        self.ackTimeout = ackTimeout
        self.prefix = context.client.newInbox() + "."
        self.subscription = try await context.client.subscribe(to: prefix + "*")
        self.state = Mutex(State())
        let reader = Task { [weak self, subscription] in
            for await message in subscription {
                guard let self else { return }
                self.received(message)
            }
        }
        let sweeper = Task { [weak self, ackTimeout] in
            let period = min(ackTimeout / 4, .seconds(1))
            while !Task.isCancelled {
                do { try await Task.sleep(for: period) } catch { return }
                guard let self else { return }
                self.expire()
            }
        }
        tasks.withLock { $0 = [reader, sweeper] }
    }

    deinit {
        for task in tasks.withLock({ $0 }) { task.cancel() }
        subscription.unsubscribe()
    }

    /// Number of publishes waiting for an ack.
    public var inFlight: Int { state.withLock { $0.pending.count } }

    /// Counts so far.
    public var summary: Summary { state.withLock { $0.summary } }

    /// Sends a message once the window has room; returns a future for its ack.
    @discardableResult
    public func publish(subject: String, payload: ByteBuffer, headers: NATSHeaders? = nil, options: PublishOptions = .none) async throws -> PubAckFuture {
        let future = PubAckFuture()
        try await send(subject: subject, payload: payload, headers: headers, options: options, future: future)
        return future
    }

    /// Like ``publish(subject:payload:headers:options:)`` without a future: the outcome only counts in
    /// ``summary``. The cheapest way to push bulk traffic.
    public func publishCounted(subject: String, payload: ByteBuffer, headers: NATSHeaders? = nil, options: PublishOptions = .none) async throws {
        try await send(subject: subject, payload: payload, headers: headers, options: options, future: nil)
    }

    private func send(subject: String, payload: ByteBuffer, headers: NATSHeaders?, options: PublishOptions, future: PubAckFuture?) async throws {
        let token = try await acquire(future: future)
        do {
            try await context.client.publish(payload, to: subject, replyTo: prefix + String(token), headers: options.apply(to: headers))
        } catch {
            complete(token: token, with: .failure(error as? JetStreamError ?? .transport(String(describing: error))))
            throw error
        }
    }

    /// Takes a window slot and registers the token (waits while the window is full).
    private func acquire(future: PubAckFuture?) async throws -> UInt64 {
        while true {
            let deadline = ContinuousClock.now.advanced(by: ackTimeout)
            let token = try state.withLock { s throws -> UInt64? in
                if s.closed { throw JetStreamError.transport("publisher closed") }
                guard s.pending.count < maxInFlight else { return nil }
                s.nextToken += 1
                s.pending[s.nextToken] = Entry(future: future, deadline: deadline)
                return s.nextToken
            }
            if let token { return token }
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let ready = state.withLock { s -> Bool in
                    if s.closed || s.pending.count < maxInFlight { return true }
                    s.windowWaiters.append(continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    private func received(_ message: InboundMessage) {
        guard let token = Self.token(message.subject, prefixLength: prefix.utf8.count) else { return }
        let result: Result<PubAck, JetStreamError>
        if message.status?.code == NATSStatus.noRespondersCode {
            result = .failure(.noResponders(operation: "publish"))
        } else {
            do throws(JetStreamError) {
                result = .success(try PubAckParser.parse(message.payload, operation: "publish"))
            } catch {
                result = .failure(error)
            }
        }
        complete(token: token, with: result)
    }

    static func token(_ subject: String, prefixLength: Int) -> UInt64? {
        UInt64(Substring(subject.utf8.dropFirst(prefixLength)))
    }

    private func complete(token: UInt64, with result: Result<PubAck, JetStreamError>) {
        let (entry, waiters, drained) = state.withLock { s -> (Entry?, [CheckedContinuation<Void, any Error>], [CheckedContinuation<Void, Never>]) in
            guard let entry = s.pending.removeValue(forKey: token) else { return (nil, [], []) }
            switch result {
            case .success(let ack):
                s.summary.acked += 1
                if ack.duplicate == true { s.summary.duplicates += 1 }
            case .failure(let error):
                s.summary.failed += 1
                if s.summary.errors.count < 10 { s.summary.errors.append(error.description) }
            }
            // Wake publishers only once a quarter of the window is free: waking them per ack would
            // cost a task switch per message.
            var waiters: [CheckedContinuation<Void, any Error>] = []
            if !s.windowWaiters.isEmpty && s.pending.count <= lowWater {
                waiters = s.windowWaiters
                s.windowWaiters = []
            }
            var drained: [CheckedContinuation<Void, Never>] = []
            if s.pending.isEmpty {
                drained = s.drainWaiters
                s.drainWaiters = []
            }
            return (entry, waiters, drained)
        }
        entry?.future?.complete(result)
        for w in waiters { w.resume() }
        for d in drained { d.resume() }
    }

    private func expire() {
        let now = ContinuousClock.now
        let expired = state.withLock { s in s.pending.filter { $0.value.deadline < now }.map(\.key) }
        for token in expired {
            complete(token: token, with: .failure(.timeout(operation: "publish ack", after: ackTimeout)))
        }
    }

    /// Waits until every publish so far has its ack (or failed), then returns the counts.
    public func waitForAcks() async -> Summary {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.pending.isEmpty { return true }
                s.drainWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        return summary
    }

    /// Stops the reply subscription; publishes still waiting for an ack fail.
    public func close() {
        let (entries, waiters, drains) = state.withLock { s -> ([Entry], [CheckedContinuation<Void, any Error>], [CheckedContinuation<Void, Never>]) in
            s.closed = true
            defer { s.pending = [:]; s.windowWaiters = []; s.drainWaiters = [] }
            return (Array(s.pending.values), s.windowWaiters, s.drainWaiters)
        }
        for e in entries { e.future?.complete(.failure(.transport("publisher closed"))) }
        for w in waiters { w.resume(throwing: JetStreamError.transport("publisher closed")) }
        for d in drains { d.resume() }
        subscription.unsubscribe()
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }
}

/// The acknowledgement of one ``AsyncPublisher`` publish, available once the stream answers.
public final class PubAckFuture: Sendable {
    private enum State {
        case waiting([CheckedContinuation<PubAck, any Error>])
        case done(Result<PubAck, JetStreamError>)
    }
    private let state = Mutex(State.waiting([]))

    init() {}

    func complete(_ result: Result<PubAck, JetStreamError>) {
        let waiters = state.withLock { s -> [CheckedContinuation<PubAck, any Error>] in
            guard case .waiting(let w) = s else { return [] }
            s = .done(result)
            return w
        }
        for w in waiters { w.resume(with: result.mapError { $0 as any Error }) }
    }

    /// The ack, waiting for it if needed.
    public func value() async throws -> PubAck {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { s -> Result<PubAck, JetStreamError>? in
                switch s {
                case .done(let r): return r
                case .waiting(var w):
                    w.append(continuation)
                    s = .waiting(w)
                    return nil
                }
            }
            if let ready { continuation.resume(with: ready.mapError { $0 as any Error }) }
        }
    }

    /// The outcome if known already.
    public var result: Result<PubAck, JetStreamError>? {
        state.withLock { s in if case .done(let r) = s { return r }; return nil }
    }
}
