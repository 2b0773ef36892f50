/// Input from the server that does not follow the protocol. The connection is closed when one is raised.
public struct NATSProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A control line longer than the limit (4096 bytes) without CRLF.
        case controlLineTooLong
        /// A payload larger than the server's advertised `max_payload`.
        case payloadTooLarge
        /// An operation name we do not know.
        case unknownOperation
        /// A known operation whose arguments are wrong (count, numbers, lengths).
        case malformedOperation
        /// A header block that does not start with `NATS/1.0` or has a bad line.
        case malformedHeaders
        /// The payload was not followed by CRLF.
        case missingTerminator
    }

    public var kind: Kind
    /// What was seen, shortened and printable, for the error message.
    public var detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "NATS protocol error (\(kind)): \(detail)" }
}
