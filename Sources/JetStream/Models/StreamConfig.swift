public import JetStreamSchema

/// A stream's configuration: every field of nats-server 2.10 through 2.15.
///
/// All fields but `name` are optional: nil means "not sent" (the server applies its default), and a
/// value read from the server keeps exactly the fields the server sent. Keys these models do not know
/// are kept in ``extra`` and sent back unchanged. Durations are ``NanoDuration`` (integer ns on the wire).
public struct StreamConfig: Hashable, Sendable, Codable {
    public var name: String
    public var description: String?
    public var subjects: [String]?
    public var retention: RetentionPolicy?
    public var maxConsumers: Int?
    public var maxMsgs: Int64?
    public var maxBytes: Int64?
    public var maxAge: NanoDuration?
    public var maxMsgsPerSubject: Int64?
    public var maxMsgSize: Int32?
    public var discard: DiscardPolicy?
    public var storage: StorageType?
    public var numReplicas: Int?
    public var noAck: Bool?
    /// 2.10 only (stream templates were removed in 2.11).
    public var templateOwner: String?
    public var duplicateWindow: NanoDuration?
    public var placement: Placement?
    public var mirror: StreamSource?
    public var sources: [StreamSource]?
    public var compression: StoreCompression?
    public var firstSeq: UInt64?
    public var subjectTransform: SubjectTransform?
    public var republish: RePublish?
    public var allowDirect: Bool?
    public var mirrorDirect: Bool?
    public var discardNewPerSubject: Bool?
    public var sealed: Bool?
    public var denyDelete: Bool?
    public var denyPurge: Bool?
    public var allowRollupHeaders: Bool?
    public var consumerLimits: StreamConsumerLimits?
    /// 2.11+.
    public var allowMsgTTL: Bool?
    /// 2.11+.
    public var subjectDeleteMarkerTTL: NanoDuration?
    /// 2.12+.
    public var allowMsgCounter: Bool?
    /// 2.12+.
    public var allowAtomic: Bool?
    /// 2.12+.
    public var allowMsgSchedules: Bool?
    /// 2.12+.
    public var persistMode: PersistMode?
    /// 2.14+.
    public var allowBatched: Bool?
    public var metadata: [String: String]?
    /// Keys the models do not know (from a newer server), sent back unchanged.
    public var extra: [String: JSONValue] = [:]

    public init(name: String, subjects: [String]? = nil) {
        self.name = name
        self.subjects = subjects
    }

    static let schema = ModelSchema<StreamConfig>(extra: \.extra, [
        .required("name", \.name),
        .field("description", \.description),
        .field("subjects", \.subjects),
        .field("retention", \.retention),
        .field("max_consumers", \.maxConsumers),
        .field("max_msgs", \.maxMsgs),
        .field("max_bytes", \.maxBytes),
        .field("max_age", \.maxAge),
        .field("max_msgs_per_subject", \.maxMsgsPerSubject),
        .field("max_msg_size", \.maxMsgSize),
        .field("discard", \.discard),
        .field("storage", \.storage),
        .field("num_replicas", \.numReplicas),
        .field("no_ack", \.noAck),
        .field("template_owner", \.templateOwner),
        .field("duplicate_window", \.duplicateWindow),
        .field("placement", \.placement),
        .field("mirror", \.mirror),
        .field("sources", \.sources),
        .field("compression", \.compression),
        .field("first_seq", \.firstSeq),
        .field("subject_transform", \.subjectTransform),
        .field("republish", \.republish),
        .field("allow_direct", \.allowDirect),
        .field("mirror_direct", \.mirrorDirect),
        .field("discard_new_per_subject", \.discardNewPerSubject),
        .field("sealed", \.sealed),
        .field("deny_delete", \.denyDelete),
        .field("deny_purge", \.denyPurge),
        .field("allow_rollup_hdrs", \.allowRollupHeaders),
        .field("consumer_limits", \.consumerLimits),
        .field("allow_msg_ttl", \.allowMsgTTL),
        .field("subject_delete_marker_ttl", \.subjectDeleteMarkerTTL),
        .field("allow_msg_counter", \.allowMsgCounter),
        .field("allow_atomic", \.allowAtomic),
        .field("allow_msg_schedules", \.allowMsgSchedules),
        .field("persist_mode", \.persistMode),
        .field("allow_batched", \.allowBatched),
        .field("metadata", \.metadata),
    ])

    /// The JSON keys this model knows, for tools that list fields per release.
    public static var knownKeys: Set<String> { schema.known }

    public init(from decoder: any Decoder) throws {
        self.init(name: "")
        try Self.schema.decode(into: &self, from: decoder)
    }

    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// Where a stream's replicas go: `placement`.
public struct Placement: Hashable, Sendable, Codable {
    public var cluster: String?
    public var tags: [String]?
    public var preferred: String?
    public var extra: [String: JSONValue] = [:]

    public init(cluster: String? = nil, tags: [String]? = nil, preferred: String? = nil) {
        self.cluster = cluster
        self.tags = tags
        self.preferred = preferred
    }

    static let schema = ModelSchema<Placement>(extra: \.extra, [
        .field("cluster", \.cluster), .field("tags", \.tags), .field("preferred", \.preferred),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// A stream's `mirror` or one of its `sources`.
public struct StreamSource: Hashable, Sendable, Codable {
    public var name: String
    public var optStartSeq: UInt64?
    public var optStartTime: Timestamp?
    public var filterSubject: String?
    public var subjectTransforms: [SubjectTransform]?
    public var external: ExternalStream?
    /// 2.14+: source through a named consumer.
    public var consumer: StreamConsumerSource?
    public var extra: [String: JSONValue] = [:]

    public init(name: String, filterSubject: String? = nil) {
        self.name = name
        self.filterSubject = filterSubject
    }

    static let schema = ModelSchema<StreamSource>(extra: \.extra, [
        .required("name", \.name),
        .field("opt_start_seq", \.optStartSeq),
        .field("opt_start_time", \.optStartTime),
        .field("filter_subject", \.filterSubject),
        .field("subject_transforms", \.subjectTransforms),
        .field("external", \.external),
        .field("consumer", \.consumer),
    ])
    public init(from decoder: any Decoder) throws { self.init(name: ""); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// A source in another account or domain: `external`.
public struct ExternalStream: Hashable, Sendable, Codable {
    /// `api`: the API prefix, e.g. `$JS.hub.API`.
    public var apiPrefix: String?
    /// `deliver`: the delivery prefix.
    public var deliverPrefix: String?
    public var extra: [String: JSONValue] = [:]

    public init(apiPrefix: String? = nil, deliverPrefix: String? = nil) {
        self.apiPrefix = apiPrefix
        self.deliverPrefix = deliverPrefix
    }

    static let schema = ModelSchema<ExternalStream>(extra: \.extra, [
        .field("api", \.apiPrefix), .field("deliver", \.deliverPrefix),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// `subject_transform` / `subject_transforms` entries: `{src, dest}`.
public struct SubjectTransform: Hashable, Sendable, Codable {
    public var source: String?
    public var destination: String?
    public var extra: [String: JSONValue] = [:]

    public init(source: String? = nil, destination: String? = nil) {
        self.source = source
        self.destination = destination
    }

    static let schema = ModelSchema<SubjectTransform>(extra: \.extra, [
        .field("src", \.source), .field("dest", \.destination),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// `republish`: copy each stored message to another subject.
public struct RePublish: Hashable, Sendable, Codable {
    public var source: String?
    public var destination: String?
    public var headersOnly: Bool?
    public var extra: [String: JSONValue] = [:]

    public init(source: String? = nil, destination: String? = nil, headersOnly: Bool? = nil) {
        self.source = source
        self.destination = destination
        self.headersOnly = headersOnly
    }

    static let schema = ModelSchema<RePublish>(extra: \.extra, [
        .field("src", \.source), .field("dest", \.destination), .field("headers_only", \.headersOnly),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// `consumer_limits`: defaults and caps for the stream's consumers.
public struct StreamConsumerLimits: Hashable, Sendable, Codable {
    public var inactiveThreshold: NanoDuration?
    public var maxAckPending: Int?
    public var extra: [String: JSONValue] = [:]

    public init(inactiveThreshold: NanoDuration? = nil, maxAckPending: Int? = nil) {
        self.inactiveThreshold = inactiveThreshold
        self.maxAckPending = maxAckPending
    }

    static let schema = ModelSchema<StreamConsumerLimits>(extra: \.extra, [
        .field("inactive_threshold", \.inactiveThreshold), .field("max_ack_pending", \.maxAckPending),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// A source's `consumer` (2.14+).
public struct StreamConsumerSource: Hashable, Sendable, Codable {
    public var name: String?
    public var deliverSubject: String?
    public var extra: [String: JSONValue] = [:]

    public init(name: String? = nil, deliverSubject: String? = nil) {
        self.name = name
        self.deliverSubject = deliverSubject
    }

    static let schema = ModelSchema<StreamConsumerSource>(extra: \.extra, [
        .field("name", \.name), .field("deliver_subject", \.deliverSubject),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}
