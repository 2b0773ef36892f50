public import JetStreamSchema

/// The acknowledgement of a message stored by JetStream.
public struct PubAck: Hashable, Sendable, Codable {
    public var stream: String
    public var seq: UInt64
    public var domain: String?
    /// True when `Nats-Msg-Id` matched a message within the duplicate window (nothing new was stored).
    public var duplicate: Bool?
    /// 2.12+: the counter value (`allow_msg_counter` streams).
    public var value: String?
    /// 2.12+: atomic/batched publish id and size.
    public var batch: String?
    public var count: UInt64?
    public var extra: [String: JSONValue] = [:]

    public init(stream: String, seq: UInt64, duplicate: Bool? = nil) {
        self.stream = stream
        self.seq = seq
        self.duplicate = duplicate
    }

    static let schema = ModelSchema<PubAck>(extra: \.extra, [
        .required("stream", \.stream),
        .required("seq", \.seq),
        .field("domain", \.domain),
        .field("duplicate", \.duplicate),
        .field("val", \.value),
        .field("batch", \.batch),
        .field("count", \.count),
    ])
    public init(from decoder: any Decoder) throws {
        self.init(stream: "", seq: 0)
        try Self.schema.decode(into: &self, from: decoder)
        extra["error"] = nil
    }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}
