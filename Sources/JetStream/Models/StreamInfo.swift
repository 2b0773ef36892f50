public import JetStreamSchema

/// `STREAM.INFO` / `STREAM.CREATE` / `STREAM.LIST` entries: a stream's config, state and cluster.
public struct StreamInfo: Hashable, Sendable, Codable {
    public var config: StreamConfig
    public var created: Timestamp?
    public var state: StreamState
    public var domain: String?
    public var cluster: ClusterInfo?
    public var mirror: StreamSourceInfo?
    public var sources: [StreamSourceInfo]?
    public var alternates: [StreamAlternate]?
    /// The server's time when it answered (2.10+).
    public var ts: Timestamp?
    public var extra: [String: JSONValue] = [:]

    public init(config: StreamConfig, state: StreamState = StreamState()) {
        self.config = config
        self.state = state
    }

    /// Keys of the API envelope that are not part of the info itself.
    static let envelopeKeys: Set<String> = ["type", "error", "total", "offset", "limit", "did_create"]

    static let schema = ModelSchema<StreamInfo>(extra: \.extra, [
        .required("config", \.config),
        .field("created", \.created),
        .required("state", \.state),
        .field("domain", \.domain),
        .field("cluster", \.cluster),
        .field("mirror", \.mirror),
        .field("sources", \.sources),
        .field("alternates", \.alternates),
        .field("ts", \.ts),
    ])
    public init(from decoder: any Decoder) throws {
        self.init(config: StreamConfig(name: ""))
        try Self.schema.decode(into: &self, from: decoder)
        for key in Self.envelopeKeys { extra[key] = nil }
    }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// A stream's `state`.
public struct StreamState: Hashable, Sendable, Codable {
    public var messages: UInt64?
    public var bytes: UInt64?
    public var firstSeq: UInt64?
    public var firstTs: Timestamp?
    public var lastSeq: UInt64?
    public var lastTs: Timestamp?
    public var numSubjects: Int?
    public var subjects: [String: UInt64]?
    public var numDeleted: Int?
    public var deleted: [UInt64]?
    public var lost: LostStreamData?
    public var consumerCount: Int?
    public var extra: [String: JSONValue] = [:]

    public init() {}

    static let schema = ModelSchema<StreamState>(extra: \.extra, [
        .field("messages", \.messages),
        .field("bytes", \.bytes),
        .field("first_seq", \.firstSeq),
        .field("first_ts", \.firstTs),
        .field("last_seq", \.lastSeq),
        .field("last_ts", \.lastTs),
        .field("num_subjects", \.numSubjects),
        .field("subjects", \.subjects),
        .field("num_deleted", \.numDeleted),
        .field("deleted", \.deleted),
        .field("lost", \.lost),
        .field("consumer_count", \.consumerCount),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// Messages a stream lost (e.g. after a crash): `state.lost`.
public struct LostStreamData: Hashable, Sendable, Codable {
    public var msgs: [UInt64]?
    public var bytes: UInt64?
    public var extra: [String: JSONValue] = [:]

    public init() {}

    static let schema = ModelSchema<LostStreamData>(extra: \.extra, [.field("msgs", \.msgs), .field("bytes", \.bytes)])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// The state of a mirror or source: `mirror` / `sources[]` in stream info.
public struct StreamSourceInfo: Hashable, Sendable, Codable {
    public var name: String
    public var external: ExternalStream?
    public var lag: UInt64?
    public var active: NanoDuration?
    public var error: APIError?
    public var filterSubject: String?
    public var subjectTransforms: [SubjectTransform]?
    public var extra: [String: JSONValue] = [:]

    public init(name: String) { self.name = name }

    static let schema = ModelSchema<StreamSourceInfo>(extra: \.extra, [
        .required("name", \.name),
        .field("external", \.external),
        .field("lag", \.lag),
        .field("active", \.active),
        .field("error", \.error),
        .field("filter_subject", \.filterSubject),
        .field("subject_transforms", \.subjectTransforms),
    ])
    public init(from decoder: any Decoder) throws { self.init(name: ""); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// A mirror of the stream in another cluster or domain: `alternates[]`.
public struct StreamAlternate: Hashable, Sendable, Codable {
    public var name: String
    public var domain: String?
    public var cluster: String?
    public var extra: [String: JSONValue] = [:]

    public init(name: String, cluster: String? = nil) {
        self.name = name
        self.cluster = cluster
    }

    static let schema = ModelSchema<StreamAlternate>(extra: \.extra, [
        .required("name", \.name), .field("domain", \.domain), .field("cluster", \.cluster),
    ])
    public init(from decoder: any Decoder) throws { self.init(name: ""); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}
