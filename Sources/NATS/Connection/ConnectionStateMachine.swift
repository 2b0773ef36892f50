/// The life of a client connection as a pure value: each method takes an event and returns what to do.
///
/// The channel handler and ``NATSClient`` only feed events in and carry out the returned actions, so every
/// transition (handshake, TLS upgrade, liveness, reconnect through the pool, close) is tested without sockets.
struct ConnectionStateMachine: Sendable {
    enum State: Sendable, Equatable {
        case initial
        /// Opening a TCP connection (and, with TLS-first, the TLS handshake) to this server.
        case connecting(ServerAddress)
        /// Connected; waiting for the server's INFO.
        case awaitingInfo(ServerAddress)
        /// Upgrading to TLS after INFO.
        case upgradingTLS(ServerAddress, ServerInfo)
        /// CONNECT and PING sent; the PONG completes the handshake.
        case awaitingPong(ServerAddress, ServerInfo)
        case connected(ServerAddress, ServerInfo, pingsOutstanding: Int)
        /// Between attempts; a timer or an immediate attempt follows.
        case waitingToReconnect
        /// `close()` was called while a channel was open; waiting for it to close.
        case closing
        case closed
    }

    /// Why the connection failed, as told to the user.
    enum Failure: Sendable, Equatable {
        case unreachable(server: ServerAddress, reason: String)
        case authorization(server: ServerAddress, message: String)
        case tls(server: ServerAddress, message: String)
        case serverError(server: ServerAddress, message: String)
        case stale(server: ServerAddress)
    }

    enum Action: Sendable, Equatable {
        case none
        /// Open a connection to this server, after waiting `pause` if set.
        case connect(ServerAddress, pause: Bool)
        /// Add the TLS handler to the open channel and start the handshake.
        case startTLS(ServerAddress)
        /// Send `CONNECT {…}` then `PING`.
        case sendConnect(ServerAddress, ServerInfo)
        /// The handshake finished: resend subscriptions, then the buffered publishes, then tell listeners.
        case connectionReady(ServerInfo, isReconnect: Bool)
        /// A PONG answered a PING of ours: complete the oldest flush waiter, if any.
        case pongReceived
        case sendPong
        case sendPing
        /// An async INFO changed what we know about the server or cluster.
        case infoUpdated(ServerInfo)
        /// Close the open channel; `channelClosed` follows.
        case closeChannel(Failure?)
        /// The connection to a server was lost after it had been ready: tell listeners, then connect again.
        case disconnected(Failure?, then: Next)
        /// The first connection could not be made to any server: fail `connect()` with these reasons.
        case failInitialConnect([Failure])
        /// The server reported an error that does not close the connection (e.g. a permissions violation).
        case reportError(String)
        /// Everything is closed: fail what is pending and tell listeners.
        case finishClose(Failure?)
    }

    enum Next: Sendable, Equatable {
        case connect(ServerAddress, pause: Bool)
        case close
    }

    private(set) var state: State = .initial {
        // Kept as flags: the publish path asks on every message, and matching `state` copies its payload.
        didSet {
            if case .connected = state { isConnected = true } else { isConnected = false }
            isClosed = state == .closed || state == .closing
        }
    }
    private(set) var isConnected = false
    private(set) var isClosed = false
    private(set) var pool: ServerPool
    private let allowReconnect: Bool
    private let wantsTLS: Bool
    private let tlsFirst: Bool
    private let maxPingsOutstanding: Int
    private(set) var hasConnected = false
    /// Failures of the current run of attempts, for the error thrown by the first `connect()`.
    private var failures: [Failure] = []
    /// A failure learned before the channel closed (an `-ERR` during the handshake), used when it does.
    private var pendingFailure: Failure?
    /// Attempts left for the first connect: every server once.
    private var initialAttemptsLeft: Int

    init(pool: ServerPool, allowReconnect: Bool, wantsTLS: Bool, tlsFirst: Bool, maxPingsOutstanding: Int) {
        self.pool = pool
        self.allowReconnect = allowReconnect
        self.wantsTLS = wantsTLS
        self.tlsFirst = tlsFirst
        self.maxPingsOutstanding = maxPingsOutstanding
        self.initialAttemptsLeft = pool.entries.count
    }


    var connectedServer: ServerAddress? {
        if case .connected(let address, _, _) = state { return address }
        return nil
    }

    var serverInfo: ServerInfo? {
        switch state {
        case .connected(_, let info, _), .awaitingPong(_, let info), .upgradingTLS(_, let info): return info
        default: return nil
        }
    }

    // MARK: - Events

    mutating func start() -> Action {
        guard case .initial = state else { return .none }
        return nextAttempt()
    }

    mutating func receivedInfo(_ info: ServerInfo) -> Action {
        switch state {
        case .awaitingInfo(let address):
            pool.addDiscovered(info.connectURLs, wantsTLS: address.wantsTLS, user: address.user, password: address.password)
            let wantTLS = wantsTLS || address.wantsTLS || info.tlsRequired
            if tlsFirst {
                state = .awaitingPong(address, info)
                return .sendConnect(address, info)
            }
            if wantTLS {
                guard info.tlsRequired || info.tlsAvailable else {
                    pendingFailure = .tls(server: address, message: "TLS was requested but the server does not offer it")
                    return .closeChannel(pendingFailure)
                }
                state = .upgradingTLS(address, info)
                return .startTLS(address)
            }
            state = .awaitingPong(address, info)
            return .sendConnect(address, info)
        case .connected(let address, _, let pings):
            pool.addDiscovered(info.connectURLs, wantsTLS: address.wantsTLS, user: address.user, password: address.password)
            state = .connected(address, info, pingsOutstanding: pings)
            return .infoUpdated(info)
        default:
            return .none
        }
    }

    mutating func tlsEstablished() -> Action {
        guard case .upgradingTLS(let address, let info) = state else { return .none }
        state = .awaitingPong(address, info)
        return .sendConnect(address, info)
    }

    mutating func receivedPong() -> Action {
        switch state {
        case .awaitingPong(let address, let info):
            let isReconnect = hasConnected
            hasConnected = true
            failures = []
            pool.markConnected()
            state = .connected(address, info, pingsOutstanding: 0)
            return .connectionReady(info, isReconnect: isReconnect)
        case .connected(let address, let info, _):
            state = .connected(address, info, pingsOutstanding: 0)
            return .pongReceived
        default:
            return .none
        }
    }

    mutating func receivedPing() -> Action {
        switch state {
        case .connected, .awaitingPong: return .sendPong
        default: return .none
        }
    }

    mutating func receivedError(_ error: ServerError) -> Action {
        let text = error.description
        switch state {
        case .awaitingInfo, .upgradingTLS, .awaitingPong:
            guard let address = currentAddress else { return .none }
            switch error {
            case .authorization: pendingFailure = .authorization(server: address, message: text)
            case .tlsRequired: pendingFailure = .tls(server: address, message: text)
            default: pendingFailure = .serverError(server: address, message: text)
            }
            return .closeChannel(pendingFailure)
        case .connected(let address, _, _):
            // The server closes the connection after all but these.
            if error.keepsConnection { return .reportError(text) }
            switch error {
            case .staleConnection: pendingFailure = .stale(server: address)
            case .authorization: pendingFailure = .authorization(server: address, message: text)
            default: pendingFailure = .serverError(server: address, message: text)
            }
            return .reportError(text)
        default:
            return .none
        }
    }

    /// Our side of the handshake failed (the TLS handler could not be made, the credentials could not
    /// sign the server's nonce): the attempt ends with `failure` for this server.
    mutating func handshakeFailed(_ failure: (ServerAddress) -> Failure) -> Action {
        switch state {
        case .awaitingInfo, .upgradingTLS, .awaitingPong:
            guard let address = currentAddress else { return .none }
            pendingFailure = failure(address)
            return .closeChannel(pendingFailure)
        default:
            return .none
        }
    }

    mutating func pingTimerFired() -> Action {
        guard case .connected(let address, let info, let pings) = state else { return .none }
        if pings >= maxPingsOutstanding {
            pendingFailure = .stale(server: address)
            return .closeChannel(pendingFailure)
        }
        state = .connected(address, info, pingsOutstanding: pings + 1)
        return .sendPing
    }

    /// The channel closed (or the connection attempt failed) for any reason.
    mutating func channelClosed(reason: String?) -> Action {
        switch state {
        case .connecting(let address), .awaitingInfo(let address), .upgradingTLS(let address, _), .awaitingPong(let address, _):
            let failure = takePendingFailure() ?? .unreachable(server: address, reason: reason ?? "connection closed during the handshake")
            failures.append(failure)
            pool.markFailed()
            if !hasConnected {
                initialAttemptsLeft -= 1
                if initialAttemptsLeft <= 0 {
                    state = .closed
                    return .failInitialConnect(failures)
                }
            }
            return nextAttempt()
        case .connected(let address, _, _):
            let failure = takePendingFailure() ?? .unreachable(server: address, reason: reason ?? "connection lost")
            guard allowReconnect else {
                state = .closed
                return .disconnected(failure, then: .close)
            }
            switch nextAttempt() {
            case .connect(let next, let pause):
                return .disconnected(failure, then: .connect(next, pause: pause))
            default:
                state = .closed
                return .disconnected(failure, then: .close)
            }
        case .closing:
            state = .closed
            return .finishClose(nil)
        case .initial, .waitingToReconnect, .closed:
            return .none
        }
    }

    /// The TCP connection (or TLS-first handshake) is up.
    mutating func channelActive() -> Action {
        guard case .connecting(let address) = state else { return .none }
        state = .awaitingInfo(address)
        return .none
    }

    /// The pause before an attempt is over.
    mutating func reconnectTimerFired(_ address: ServerAddress) -> Action {
        guard case .waitingToReconnect = state else { return .none }
        state = .connecting(address)
        return .connect(address, pause: false)
    }

    /// `close()` or the end of `drain()`.
    mutating func closeRequested() -> Action {
        switch state {
        case .closed, .closing:
            return .none
        case .initial, .waitingToReconnect:
            state = .closed
            return .finishClose(nil)
        case .connecting, .awaitingInfo, .upgradingTLS, .awaitingPong, .connected:
            state = .closing
            return .closeChannel(nil)
        }
    }

    // MARK: - Helpers

    private var currentAddress: ServerAddress? {
        switch state {
        case .connecting(let a), .awaitingInfo(let a), .upgradingTLS(let a, _), .awaitingPong(let a, _), .connected(let a, _, _): return a
        default: return nil
        }
    }

    private mutating func takePendingFailure() -> Failure? {
        defer { pendingFailure = nil }
        return pendingFailure
    }

    /// Picks the next server. With a pause, the state waits for `reconnectTimerFired`.
    private mutating func nextAttempt() -> Action {
        guard let (address, pause) = pool.next() else {
            state = .closed
            return hasConnected ? .finishClose(failures.last) : .failInitialConnect(failures)
        }
        if pause && hasConnected {
            state = .waitingToReconnect
            return .connect(address, pause: true)
        }
        state = .connecting(address)
        return .connect(address, pause: false)
    }
}

extension ConnectionStateMachine.Failure {
    var server: ServerAddress {
        switch self {
        case .unreachable(let s, _), .authorization(let s, _), .tls(let s, _), .serverError(let s, _), .stale(let s): return s
        }
    }

    var message: String {
        switch self {
        case .unreachable(let s, let reason): return "\(s) (\(reason))"
        case .authorization(let s, let message): return "\(s): authorization failed (\(message))"
        case .tls(let s, let message): return "\(s): TLS: \(message)"
        case .serverError(let s, let message): return "\(s): \(message)"
        case .stale(let s): return "\(s): stale connection (no PONG to our PINGs)"
        }
    }

    /// The error `connect()` throws when every server failed: an authorization problem is the most useful to show.
    static func initialConnectError(_ failures: [Self]) -> NATSError {
        for failure in failures {
            if case .authorization(let server, let message) = failure {
                return .authorizationViolation(server: server.description, message: message)
            }
        }
        for failure in failures {
            if case .tls(let server, let message) = failure {
                return .tlsMismatch(server: server.description, message: message)
            }
        }
        return .noServersAvailable(failures.map(\.message))
    }
}
