public import NIOCore
import NIOPosix
import Synchronization

/// A connection to a NATS server or cluster: publish, subscribe, request/reply, flush, drain.
///
/// ```swift
/// let client = try await NATSClient.connect(try NATSClientOptions(urls: "nats://localhost:4222"))
/// let sub = try await client.subscribe(to: "greet.*")
/// try await client.publish("hello", to: "greet.joe")
/// for await message in sub { print(message.subject) }
/// ```
///
/// The client reconnects on its own (to any server of the pool, including those the cluster announces),
/// resubscribes, and sends what was published while it was away. It is safe to use from many tasks.
public final class NATSClient: Sendable {
    public let options: NATSClientOptions
    /// Connection events: connected, disconnected, reconnected, errors, slow consumers, closed.
    public let events: AsyncStream<NATSEvent>

    /// Every connection of this client (the first and each reconnect) lives on this one event loop.
    let eventLoop: any EventLoop
    let state: Mutex<ClientState>
    let eventsContinuation: AsyncStream<NATSEvent>.Continuation
    let auth: AuthMaterial
    let tlsContext: TLSContextBox?
    /// `_INBOX.<unique>.`: replies to our requests arrive on this prefix plus a token.
    let responsePrefix: String

    private init(options: NATSClientOptions, auth: AuthMaterial, tlsContext: TLSContextBox?, eventLoop: any EventLoop) {
        self.options = options
        self.auth = auth
        self.tlsContext = tlsContext
        self.eventLoop = eventLoop
        self.taskExecutor = EventLoopTaskExecutor(eventLoop)
        var pool = ServerPool(options.servers, maxAttemptsPerServer: options.maxReconnectAttempts)
        if options.randomizeServers {
            var rng = SystemRandomNumberGenerator()
            pool.shuffle(using: &rng)
        }
        let machine = ConnectionStateMachine(
            pool: pool,
            allowReconnect: options.allowReconnect,
            wantsTLS: options.tls.isConfigured,
            tlsFirst: options.tls.handshakeFirst,
            maxPingsOutstanding: options.maxPingsOutstanding
        )
        self.state = Mutex(ClientState(machine: machine, pending: ByteBufferAllocator().buffer(capacity: 64 * 1024)))
        (self.events, self.eventsContinuation) = AsyncStream.makeStream(of: NATSEvent.self, bufferingPolicy: .bufferingNewest(256))
        self.responsePrefix = options.inboxPrefix + "." + Inbox.uniqueToken() + "."
    }

    /// Connects to the first server of the pool that answers and completes the handshake.
    ///
    /// Throws ``NATSError/noServersAvailable(_:)`` (each server with its reason) or
    /// ``NATSError/authorizationViolation(server:message:)`` when every server refused.
    public static func connect(_ options: NATSClientOptions) async throws -> NATSClient {
        guard !options.servers.isEmpty else { throw NATSError.noServersAvailable(["no server URL given"]) }
        let auth = try AuthMaterial(options.auth)
        let tls = try TLSContextBox.make(options.tls, anyServerWantsTLS: options.servers.contains(where: \.wantsTLS))
        let client = NATSClient(options: options, auth: auth, tlsContext: tls, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        try await client.start()
        return client
    }

    deinit {
        let channel = state.withLock { $0.channel }
        channel?.close(promise: nil)
    }

    // MARK: - Information

    /// The INFO of the server we are connected to, or nil while disconnected.
    public var serverInfo: ServerInfo? { state.withLock { $0.machine.isConnected ? $0.serverInfo : nil } }

    /// The server we are connected to, or nil while disconnected.
    public var connectedServer: ServerAddress? { state.withLock { $0.machine.connectedServer } }

    public var isConnected: Bool { state.withLock { $0.machine.isConnected } }

    /// A task executor on the event loop this client's connection runs on.
    ///
    /// A task that prefers it (`withTaskExecutorPreference(client.taskExecutor) { … }` or
    /// `Task(executorPreference: client.taskExecutor) { … }`) runs on the same thread as the client's
    /// socket: its publishes reach the socket, and replies and messages reach it, without a thread hop
    /// each way. Use it for latency-bound loops (one request at a time, a responder answering each
    /// message) that do little work per message; CPU-heavy work there would stall the connection's I/O.
    public let taskExecutor: any TaskExecutor

    /// A new unique subject under the inbox prefix, for replies.
    public func newInbox() -> String { options.inboxPrefix + "." + Inbox.uniqueToken() }

    // MARK: - Publish

    /// Publishes a message. Returns once the message is queued for the socket (use ``flush(timeout:)`` to
    /// know the server has it); waits only when more than `writeHighWaterMark` bytes are queued.
    nonisolated(nonsending)
    public func publish(_ payload: ByteBuffer, to subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil) async throws {
        if try enqueuePublish(payload, to: subject, replyTo: replyTo, headers: headers) {
            try await waitForDrain()
        }
    }

    public func publish(_ payload: some Sequence<UInt8>, to subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil) async throws {
        try await publish(ByteBuffer(bytes: payload), to: subject, replyTo: replyTo, headers: headers)
    }

    public func publish(_ payload: String, to subject: String, replyTo: String? = nil, headers: NATSHeaders? = nil) async throws {
        try await publish(ByteBuffer(string: payload), to: subject, replyTo: replyTo, headers: headers)
    }

    /// Queues a publish; true when the caller should wait for the queue to drain.
    func enqueuePublish(_ payload: ByteBuffer, to subject: String, replyTo: String?, headers: NATSHeaders?) throws(NATSError) -> Bool {
        let (channel, wait) = try state.withLock { s throws(NATSError) -> ((any Channel)?, Bool) in
            if s.machine.isClosed { throw .connectionClosed }
            try queuePublishLocked(&s, payload, to: subject, replyTo: replyTo, headers: headers)
            return (Self.scheduleFlushLocked(&s), s.machine.isConnected && s.pending.readableBytes >= options.writeHighWaterMark)
        }
        if let channel { channel.eventLoop.execute { self.flushPending() } }
        return wait
    }

    /// Checks a publish against the server's limits and writes it to `pending`.
    private func queuePublishLocked(_ s: inout ClientState, _ payload: ByteBuffer, to subject: String, replyTo: String?,
                                    headers: NATSHeaders?) throws(NATSError) {
        let size = payload.readableBytes + (headers?.encodedLength ?? 0)
        if size > s.maxPayload { throw .payloadTooLarge(size: size, max: s.maxPayload) }
        if headers != nil && !s.headersSupported { throw .headersNotSupported }
        if !s.machine.isConnected && s.pending.readableBytes + size > options.reconnectBufferSize {
            throw .reconnectBufferFull(limit: options.reconnectBufferSize)
        }
        if replyTo == nil, headers == nil, subject == s.lastValidSubject {
            s.pending.writePublishPrevalidated(subject: subject, payload: payload)
        } else {
            do throws(NATSEncodingError) {
                try s.pending.writePublish(subject: subject, replyTo: replyTo, headers: headers, payload: payload)
            } catch {
                throw NATSError(error)
            }
            s.lastValidSubject = subject
        }
    }

    /// Marks a flush as scheduled and returns the channel to run it on, if one is needed.
    static func scheduleFlushLocked(_ s: inout ClientState) -> (any Channel)? {
        guard s.machine.isConnected, !s.flushScheduled, let channel = s.channel else { return nil }
        s.flushScheduled = true
        return channel
    }

    nonisolated(nonsending)
    private func waitForDrain() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let ready = state.withLock { s -> Bool in
                if !s.machine.isConnected || s.pending.readableBytes < options.writeHighWaterMark { return true }
                s.drainWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Hands everything queued to the socket. Runs on the channel's event loop.
    func flushPending() {
        let (work, waiters) = state.withLock { s -> ((ByteBuffer, any Channel)?, [CheckedContinuation<Void, any Error>]) in
            s.flushScheduled = false
            guard s.machine.isConnected, let channel = s.channel, s.writable, s.pending.readableBytes > 0 else { return (nil, []) }
            let buffer = s.pending
            s.pending = channel.allocator.buffer(capacity: max(64 * 1024, min(buffer.readableBytes, 1 << 20)))
            s.pendingPings = 0
            let waiters = s.drainWaiters
            s.drainWaiters = []
            return ((buffer, channel), waiters)
        }
        if let (buffer, channel) = work { channel.writeAndFlush(buffer, promise: nil) }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until the server has processed everything sent so far (a PING answered by a PONG).
    ///
    /// Cancellation is registered before the PING is queued: a task cancelled before or while it calls
    /// `flush` sends nothing and throws `CancellationError` at once.
    nonisolated(nonsending)
    public func flush(timeout: Duration = .seconds(10)) async throws {
        let token = CancellationToken<UInt64>()
        try await withTaskCancellationHandler {
            if Task.isCancelled { throw CancellationError() }
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let result = state.withLock { s -> Result<(UInt64, any Channel), any Error> in
                    if s.machine.isClosed { return .failure(NATSError.connectionClosed) }
                    guard s.machine.isConnected, let channel = s.channel else { return .failure(NATSError.disconnected) }
                    // Registered under the lock, before the PING is queued: a cancel either comes later
                    // (and finds the waiter) or came already (and nothing is sent).
                    guard token.register(s.nextPingSeq) else { return .failure(CancellationError()) }
                    let seq = s.queuePing()
                    s.pongWaiters[seq] = .init(continuation: continuation)
                    _ = Self.scheduleFlushLocked(&s)
                    return .success((seq, channel))
                }
                switch result {
                case .failure(let error):
                    continuation.resume(throwing: error)
                case .success(let (seq, channel)):
                    let scheduled = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
                        self.failFlush(seq, with: NATSError.timeout(operation: "flush", after: timeout))
                    }
                    let waiting = state.withLock { s -> Bool in
                        guard s.pongWaiters[seq] != nil else { return false }
                        s.pongWaiters[seq]?.timeout = scheduled
                        return true
                    }
                    if !waiting { scheduled.cancel() }
                    channel.eventLoop.execute { self.flushPending() }
                }
            }
        } onCancel: {
            if let seq = token.cancel() { self.failFlush(seq, with: CancellationError()) }
        }
    }

    func failFlush(_ seq: UInt64, with error: any Error) {
        let waiter = state.withLock { s in s.pongWaiters.removeValue(forKey: seq) }
        waiter?.timeout?.cancel()
        waiter?.continuation.resume(throwing: error)
    }

    // MARK: - Subscribe

    /// Subscribes to a subject (wildcards allowed); with a queue group, each message goes to one member.
    public func subscribe(to subject: String, queueGroup: String? = nil) async throws -> NATSSubscription {
        guard Subject.isValidSubscribe(subject) else { throw NATSError.invalidSubject("invalid subscribe subject '\(subject)'") }
        if let queueGroup, !Subject.isValidQueueGroup(queueGroup) { throw NATSError.invalidSubject("invalid queue group '\(queueGroup)'") }
        let buffer = SubscriptionBuffer(limit: options.subscriptionPendingLimit)
        let (sid, channel) = try state.withLock { s throws(NATSError) -> (UInt64, (any Channel)?) in
            if s.machine.isClosed { throw .connectionClosed }
            let sid = s.nextSID
            s.nextSID += 1
            s.subscriptions[sid] = .init(subject: subject, queueGroup: queueGroup, buffer: buffer)
            guard s.machine.isConnected else { return (sid, nil) }  // sent with the others on (re)connect
            try? s.pending.writeSubscribe(subject: subject, queue: queueGroup, sid: sid)
            return (sid, Self.scheduleFlushLocked(&s))
        }
        channel?.eventLoop.execute { self.flushPending() }
        return NATSSubscription(subject: subject, queueGroup: queueGroup, sid: sid, buffer: buffer, client: self)
    }

    func unsubscribe(sid: UInt64, after max: Int?) {
        let (finished, channel) = state.withLock { s -> (SubscriptionBuffer?, (any Channel)?) in
            guard var entry = s.subscriptions[sid] else { return (nil, nil) }
            if let max, entry.delivered < max {
                entry.max = max
                s.subscriptions[sid] = entry
                guard s.machine.isConnected else { return (nil, nil) }
                s.pending.writeUnsubscribe(sid: sid, max: UInt64(max))
                return (nil, Self.scheduleFlushLocked(&s))
            }
            s.subscriptions[sid] = nil
            guard s.machine.isConnected else { return (entry.buffer, nil) }
            s.pending.writeUnsubscribe(sid: sid, max: nil)
            return (entry.buffer, Self.scheduleFlushLocked(&s))
        }
        finished?.finish()
        channel?.eventLoop.execute { self.flushPending() }
    }

    // MARK: - Request/reply

    /// Sends a request and waits for the first reply.
    ///
    /// Throws ``NATSError/noResponders(subject:)`` at once when nobody listens on the subject, and
    /// ``NATSError/timeout(operation:after:)`` when no reply came in time.
    ///
    /// The hot path takes the lock once: it registers the reply waiter, queues the PUB and, only when this
    /// request is due before every other one, arms the single request timer (``expireRequests()``).
    ///
    /// Cancellation is registered before the request can be sent: a task cancelled before or while it
    /// calls `request` sends nothing and throws `CancellationError` at once; one cancelled while waiting
    /// stops waiting (the reply, if any, is dropped).
    nonisolated(nonsending)
    public func request(_ payload: ByteBuffer, to subject: String, headers: NATSHeaders? = nil, timeout: Duration? = nil) async throws -> InboundMessage {
        let timeout = timeout ?? options.requestTimeout
        let token = CancellationToken<Substring>()
        return try await withTaskCancellationHandler {
            if Task.isCancelled { throw CancellationError() }
            return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<InboundMessage, any Error>) in
                let deadline = NIODeadline.now() + TimeAmount(timeout)
                do {
                    let channel = try state.withLock { s throws(any Error) -> (any Channel)? in
                        if s.machine.isClosed { throw NATSError.connectionClosed }
                        if s.responseSID == nil {
                            let sid = s.nextSID
                            s.nextSID += 1
                            s.responseSID = sid
                            if s.machine.isConnected { try? s.pending.writeSubscribe(subject: responsePrefix + "*", queue: nil, sid: sid) }
                        }
                        let key = Substring(Inbox.requestToken(s.nextRequest + 1))
                        // Registered before anything is queued: a cancel that came first sends nothing.
                        guard token.register(key) else { throw CancellationError() }
                        s.nextRequest += 1
                        try queuePublishLocked(&s, payload, to: subject, replyTo: responsePrefix + key, headers: headers)
                        s.responses[key] = .init(continuation: continuation, subject: subject, deadline: deadline, timeout: timeout)
                        if s.requestTimer.map({ deadline < $0.deadline }) ?? true { armRequestTimerLocked(&s, at: deadline) }
                        return Self.scheduleFlushLocked(&s)
                    }
                    channel?.eventLoop.execute { self.flushPending() }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            if let key = token.cancel() { self.failRequest(key, with: CancellationError()) }
        }
    }

    public func request(_ payload: String, to subject: String, headers: NATSHeaders? = nil, timeout: Duration? = nil) async throws -> InboundMessage {
        try await request(ByteBuffer(string: payload), to: subject, headers: headers, timeout: timeout)
    }

    public func request(_ payload: some Sequence<UInt8>, to subject: String, headers: NATSHeaders? = nil, timeout: Duration? = nil) async throws -> InboundMessage {
        try await request(ByteBuffer(bytes: payload), to: subject, headers: headers, timeout: timeout)
    }

    func failRequest(_ key: Substring, with error: any Error) {
        let waiter = state.withLock { s in s.responses.removeValue(forKey: key) }
        waiter?.continuation.resume(throwing: error)
    }

    /// (Re)arms the request timer for `deadline`, replacing a later one.
    private func armRequestTimerLocked(_ s: inout ClientState, at deadline: NIODeadline) {
        s.requestTimer?.task.cancel()
        let task = eventLoop.scheduleTask(deadline: deadline) { [weak self] () -> Void in self?.expireRequests() }
        s.requestTimer = (deadline, task)
    }

    /// Fails the requests whose deadline has passed and arms the timer for the earliest one left.
    ///
    /// One timer serves every request: with equal timeouts each new deadline is later than the armed one,
    /// so a run of requests arms it once per timeout period instead of scheduling and cancelling a timer
    /// on the event loop for each request.
    func expireRequests() {
        let now = NIODeadline.now()
        let expired = state.withLock { s -> [ClientState.ResponseWaiter] in
            s.requestTimer = nil
            var expired: [ClientState.ResponseWaiter] = []
            var next: NIODeadline?
            for (key, waiter) in s.responses {
                if waiter.deadline <= now {
                    expired.append(waiter)
                    s.responses[key] = nil
                } else if next.map({ waiter.deadline < $0 }) ?? true {
                    next = waiter.deadline
                }
            }
            if let next { armRequestTimerLocked(&s, at: next) }
            return expired
        }
        for waiter in expired {
            waiter.continuation.resume(throwing: NATSError.timeout(operation: "request on '\(waiter.subject)'", after: waiter.timeout))
        }
    }

    // MARK: - Close

    /// Closes the connection at once. Subscriptions end; pending requests and flushes fail.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (action, alreadyClosed) = state.withLock { s -> (ConnectionStateMachine.Action, Bool) in
                if s.machine.state == .closed { return (.none, true) }
                s.closeWaiters.append(continuation)
                return (s.machine.closeRequested(), false)
            }
            if alreadyClosed { continuation.resume(); return }
            perform(action)
        }
    }

    /// Stops every subscription, lets the messages already received be read, sends what is queued, then closes.
    public func drain(timeout: Duration = .seconds(30)) async throws {
        let (sids, responseSID) = state.withLock { s in (Array(s.subscriptions.keys), s.responseSID) }
        for sid in sids { unsubscribe(sid: sid, after: nil) }
        if let responseSID {
            let channel = state.withLock { s -> (any Channel)? in
                guard s.machine.isConnected else { return nil }
                s.pending.writeUnsubscribe(sid: responseSID, max: nil)
                return Self.scheduleFlushLocked(&s)
            }
            channel?.eventLoop.execute { self.flushPending() }
        }
        if isConnected { try? await flush(timeout: timeout) }
        await close()
    }
}

/// What cancellation needs to find an operation's waiter: its key (a PING number, a reply token), known
/// once it is registered. Registering after a cancel fails, so the operation is never sent; a cancel
/// after registering returns the key, so the waiter is failed.
final class CancellationToken<Key: Sendable>: Sendable {
    private enum State { case pending, registered(Key), cancelled }
    private let state = Mutex<State>(.pending)

    /// Records `key`; false when the task was cancelled already (send nothing then).
    func register(_ key: Key) -> Bool {
        state.withLock { s in
            if case .cancelled = s { return false }
            s = .registered(key)
            return true
        }
    }

    /// Marks the operation cancelled; returns its key when it was registered.
    func cancel() -> Key? {
        state.withLock { s in
            defer { s = .cancelled }
            if case .registered(let key) = s { return key }
            return nil
        }
    }
}

/// Runs task jobs on a NIO event loop (see ``NATSClient/taskExecutor``).
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
