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

    public init(subject: String, sid: UInt64, replyTo: String? = nil, headers: NATSHeaders? = nil, payload: ByteBuffer) {
        self.subject = subject
        self.sid = sid
        self.replyTo = replyTo
        self.headers = headers
        self.payload = payload
    }

    /// The status carried in the header line (`NATS/1.0 503`), if any.
    public var status: NATSStatus? { headers?.status }
}
