public import NIOCore

/// One operation sent by the server, as decoded by ``ServerOpDecoder``.
public enum ServerOp: Sendable, Equatable {
    /// `INFO {json}`: sent on connect and, with protocol 1, whenever the cluster changes.
    case info(ServerInfo)
    /// `MSG` or `HMSG`: a message delivered to one of our subscriptions.
    case message(InboundMessage)
    case ping
    case pong
    case ok
    /// `-ERR 'text'`: the text without the quotes.
    case error(String)
}

/// A message delivered by the server to a subscription (`MSG` or `HMSG`).
public struct InboundMessage: Sendable, Equatable {
    public var subject: String
    public var sid: UInt64
    public var replyTo: String?
    /// Present for `HMSG` only.
    public var headers: NATSHeaders?
    public var payload: ByteBuffer
    /// Why the header block could not be read, when it could not (then `headers` is nil). The server
    /// forwards header blocks unchecked, so another client's bad block must not cost us the connection:
    /// the message is delivered and the problem is told here, as nats.go does.
    public var headerError: String?

    public init(subject: String, sid: UInt64, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: ByteBuffer, headerError: String? = nil) {
        self.subject = subject
        self.sid = sid
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
        self.headerError = headerError
    }

    /// The status carried in the header line (`NATS/1.0 503`), if any.
    public var status: NATSStatus? { headers?.status }
}
