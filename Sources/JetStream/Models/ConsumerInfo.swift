public import JetStreamSchema

/// `CONSUMER.INFO` / `CONSUMER.CREATE` / `CONSUMER.LIST` entries.
public struct ConsumerInfo: Hashable, Sendable, Codable {
    public var streamName: String
    public var name: String
    public var created: Timestamp?
    public var config: ConsumerConfig?
    public var delivered: SequenceInfo?
    public var ackFloor: SequenceInfo?
    public var numAckPending: Int?
    public var numRedelivered: Int?
    public var numWaiting: Int?
    public var numPending: UInt64?
    public var cluster: ClusterInfo?
    public var pushBound: Bool?
    /// 2.11+.
    public var paused: Bool?
    /// 2.11+.
    public var pauseRemaining: NanoDuration?
    public var ts: Timestamp?
    /// 2.11+.
    public var priorityGroups: [PriorityGroupState]?
    public var extra: [String: JSONValue] = [:]

    public init(streamName: String, name: String) {
        self.streamName = streamName
        self.name = name
    }

    static let schema = ModelSchema<ConsumerInfo>(extra: \.extra, [
        .required("stream_name", \.streamName),
        .required("name", \.name),
        .field("created", \.created),
        .field("config", \.config),
        .field("delivered", \.delivered),
        .field("ack_floor", \.ackFloor),
        .field("num_ack_pending", \.numAckPending),
        .field("num_redelivered", \.numRedelivered),
        .field("num_waiting", \.numWaiting),
        .field("num_pending", \.numPending),
        .field("cluster", \.cluster),
        .field("push_bound", \.pushBound),
        .field("paused", \.paused),
        .field("pause_remaining", \.pauseRemaining),
        .field("ts", \.ts),
        .field("priority_groups", \.priorityGroups),
    ])
    public init(from decoder: any Decoder) throws {
        self.init(streamName: "", name: "")
        try Self.schema.decode(into: &self, from: decoder)
        for key in StreamInfo.envelopeKeys { extra[key] = nil }
    }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// `delivered` / `ack_floor`.
public struct SequenceInfo: Hashable, Sendable, Codable {
    public var consumerSeq: UInt64?
    public var streamSeq: UInt64?
    public var lastActive: Timestamp?
    public var extra: [String: JSONValue] = [:]

    public init(consumerSeq: UInt64? = nil, streamSeq: UInt64? = nil) {
        self.consumerSeq = consumerSeq
        self.streamSeq = streamSeq
    }

    static let schema = ModelSchema<SequenceInfo>(extra: \.extra, [
        .field("consumer_seq", \.consumerSeq), .field("stream_seq", \.streamSeq), .field("last_active", \.lastActive),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// `priority_groups[]` in consumer info (2.11+).
public struct PriorityGroupState: Hashable, Sendable, Codable {
    public var group: String
    public var pinnedClientID: String?
    public var pinnedTs: Timestamp?
    public var extra: [String: JSONValue] = [:]

    public init(group: String) { self.group = group }

    static let schema = ModelSchema<PriorityGroupState>(extra: \.extra, [
        .required("group", \.group), .field("pinned_client_id", \.pinnedClientID), .field("pinned_ts", \.pinnedTs),
    ])
    public init(from decoder: any Decoder) throws { self.init(group: ""); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}
