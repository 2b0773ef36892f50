/// A server's `-ERR`, classified once where it arrives; nothing later reads the text to decide.
public enum ServerError: Sendable, Equatable, CustomStringConvertible {
    /// `Authorization Violation`, `User Authentication Expired`, `Authentication Timeout`, … — the server
    /// closes the connection.
    case authorization(String)
    /// `Secure Connection - TLS Required` and other TLS refusals — the server closes the connection.
    case tlsRequired(String)
    /// `Stale Connection`: the server stopped hearing our pongs and closes the connection.
    case staleConnection
    /// `Permissions Violation for …`: the connection stays open.
    case permissionsViolation(String)
    /// `Invalid Subject` and the like: the connection stays open.
    case invalidSubject(String)
    /// Anything else; the server closes the connection after it.
    case other(String)

    /// Classifies the text of `-ERR '…'` (as natscli and the Go client do, by its wording).
    public init(_ text: String) {
        let lower = text.lowercased()
        if lower.contains("permissions violation") {
            self = .permissionsViolation(text)
        } else if lower.contains("invalid subject") || lower.contains("invalid publish subject") {
            self = .invalidSubject(text)
        } else if lower.contains("stale connection") {
            self = .staleConnection
        } else if lower.contains("authorization") || lower.contains("authentication") {
            self = .authorization(text)
        } else if lower.contains("tls") || lower.contains("secure connection") {
            self = .tlsRequired(text)
        } else {
            self = .other(text)
        }
    }

    /// Whether the server keeps the connection open after it.
    public var keepsConnection: Bool {
        switch self {
        case .permissionsViolation, .invalidSubject: return true
        default: return false
        }
    }

    /// The server's text.
    public var description: String {
        switch self {
        case .authorization(let t), .tlsRequired(let t), .permissionsViolation(let t), .invalidSubject(let t), .other(let t): return t
        case .staleConnection: return "Stale Connection"
        }
    }
}
