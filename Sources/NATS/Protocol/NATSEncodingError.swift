/// An operation the client was asked to send that cannot be written without breaking the protocol.
/// Raised before anything is written, so the outgoing buffer is left as it was.
public struct NATSEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A publish subject that is empty, has an empty token, whitespace or a wildcard token.
        case invalidSubject
        /// A reply subject that is not a valid publish subject.
        case invalidReplyTo
        /// A subscribe subject that is not valid (`*` tokens and a final `>` are allowed).
        case invalidSubscription
        /// A queue group name that is empty or contains whitespace.
        case invalidQueueGroup
        /// A header name that is empty or has whitespace, control characters or `:`, or a value with CR or LF.
        case invalidHeader
    }

    public var kind: Kind
    /// What was rejected, for the message (header values are not included; they may be secrets).
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "cannot encode NATS operation (\(kind)): \(detail)" }
}
