import NIOCore

/// Everything a ``NATSClient`` keeps between events, guarded by one lock.
struct ClientState {
    struct SubscriptionEntry {
        var subject: String
        var queueGroup: String?
        var buffer: SubscriptionBuffer
        /// Auto-unsubscribe after this many messages in total.
        var max: Int?
        var delivered = 0
    }

    struct PongWaiter {
        var continuation: CheckedContinuation<Void, any Error>
        var timeout: Scheduled<Void>?
    }

    struct ResponseWaiter {
        var continuation: CheckedContinuation<InboundMessage, any Error>
        var subject: String
        var deadline: NIODeadline
        var timeout: Duration
    }

    var machine: ConnectionStateMachine
    var channel: (any Channel)?
    /// Protocol bytes not yet handed to the channel: SUB/UNSUB/PUB/PING in the order they were asked for.
    var pending: ByteBuffer
    /// PINGs inside `pending`; the rest of `pongWaiters` belong to PINGs already sent.
    var pendingPings = 0
    var flushScheduled = false
    var writable = true
    /// Every PING after the handshake gets the next number; PONGs come back in the same order.
    var nextPingSeq: UInt64 = 0
    var nextPongSeq: UInt64 = 0
    /// Flushes waiting for the PONG of their PING, by PING number (the liveness timer's PINGs have none).
    var pongWaiters: [UInt64: PongWaiter] = [:]
    /// Publishers waiting for `pending` to drain below the high-water mark.
    var drainWaiters: [CheckedContinuation<Void, any Error>] = []
    var subscriptions: [UInt64: SubscriptionEntry] = [:]
    var nextSID: UInt64 = 1
    /// The one wildcard subscription that receives every reply to our requests.
    var responseSID: UInt64?
    var responses: [Substring: ResponseWaiter] = [:]
    /// One timer for all requests, due at the earliest deadline it was armed for (see `NATSClient.expireRequests`).
    var requestTimer: (deadline: NIODeadline, task: Scheduled<Void>)?
    var nextRequest: UInt64 = 0
    var connectWaiter: CheckedContinuation<Void, any Error>?
    var closeWaiters: [CheckedContinuation<Void, Never>] = []
    var pingTask: RepeatedTask?
    var maxPayload = 1_048_576
    var serverInfo: ServerInfo?
    var headersSupported = true
    /// The last publish subject that passed validation (see `writePublishPrevalidated`).
    var lastValidSubject = ""

    /// Queues a PING and returns its number.
    mutating func queuePing() -> UInt64 {
        pending.writePing()
        pendingPings += 1
        defer { nextPingSeq += 1 }
        return nextPingSeq
    }

    init(machine: ConnectionStateMachine, pending: ByteBuffer) {
        self.machine = machine
        self.pending = pending
    }
}
