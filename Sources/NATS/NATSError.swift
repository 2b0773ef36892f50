/// Errors raised by the NATS client. Each description says what happened and, where it can, what to do.
/// None of them carries a password, token or seed.
public enum NATSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A server URL that cannot be parsed.
    case invalidURL(String, reason: String)
    /// A subject that cannot be used for this operation (wildcards in a publish, empty tokens, spaces).
    case invalidSubject(String)
    /// A header name or value that cannot be sent (CR/LF in it, or a colon in the name).
    case invalidHeader(String)
    /// No server in the pool could be reached. Each entry is `server: reason`.
    case noServersAvailable([String])
    /// The server refused our credentials.
    case authorizationViolation(server: String, message: String)
    /// The server needs TLS (or we asked for it and the server has none).
    case tlsMismatch(server: String, message: String)
    /// The server sent `-ERR` with this text.
    case serverError(String)
    /// The input from the server broke the protocol.
    case protocolViolation(NATSProtocolError)
    /// A request had no subscriber on its subject (status 503).
    case noResponders(subject: String)
    /// An operation did not complete in time.
    case timeout(operation: String, after: Duration)
    /// The payload is larger than the server's `max_payload`.
    case payloadTooLarge(size: Int, max: Int)
    /// Publishes buffered while reconnecting exceeded the limit.
    case reconnectBufferFull(limit: Int)
    /// Not connected right now (reconnecting); the operation needs a live connection.
    case disconnected
    /// The connection was closed (by `close()`, `drain()`, or after reconnect attempts ran out).
    case connectionClosed
    /// The server does not support headers and the message has some.
    case headersNotSupported
    /// Credentials or nkey files that cannot be used.
    case invalidCredentials(String)
    /// TLS configuration files that cannot be loaded.
    case tlsConfiguration(String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            return "invalid server URL '\(url)': \(reason)"
        case .invalidSubject(let subject):
            return "\(subject) — subjects are dot-separated tokens without spaces; wildcards (*, >) only in subscriptions"
        case .invalidHeader(let detail):
            return "invalid header: \(detail)"
        case .noServersAvailable(let failures):
            return "cannot connect to " + failures.joined(separator: ", ")
                + " — is nats-server running? (`jetform cluster up` starts a local cluster; --server or NATS_URL name another)"
        case .authorizationViolation(let server, let message):
            return "\(server) refused the credentials (\(message)) — check the user/password, token, nkey or creds of the context"
        case .tlsMismatch(let server, let message):
            return "TLS mismatch with \(server): \(message)"
        case .serverError(let text):
            return "server error: \(text)"
        case .protocolViolation(let error):
            return error.description
        case .noResponders(let subject):
            return "no responders are listening on '\(subject)'"
        case .timeout(let operation, let after):
            return "\(operation) timed out after \(after.formattedForHumans)"
        case .payloadTooLarge(let size, let max):
            return "message of \(size) bytes is larger than the server's max_payload of \(max) bytes"
        case .reconnectBufferFull(let limit):
            return "disconnected, and the buffer for publishes while reconnecting (\(limit) bytes) is full"
        case .disconnected:
            return "not connected to a server right now (reconnecting)"
        case .connectionClosed:
            return "the connection is closed"
        case .headersNotSupported:
            return "the server does not support message headers"
        case .invalidCredentials(let detail):
            return "invalid credentials: \(detail)"
        case .tlsConfiguration(let detail):
            return "TLS configuration: \(detail)"
        }
    }
}

extension Duration {
    /// `250ms`, `2s`, `1.5s`: short and readable.
    var formattedForHumans: String {
        let (seconds, attoseconds) = components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if ms < 1000 { return "\(ms)ms" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(Double(ms) / 1000)s"
    }
}

extension NATSError {
    /// The client-facing error for an operation the encoder refused to write.
    init(_ error: NATSEncodingError) {
        switch error.kind {
        case .invalidHeader: self = .invalidHeader(error.detail)
        case .invalidSubject, .invalidReplyTo, .invalidSubscription, .invalidQueueGroup: self = .invalidSubject(error.detail)
        }
    }
}
