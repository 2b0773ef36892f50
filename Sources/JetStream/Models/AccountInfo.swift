public import JetStreamSchema

/// `$JS.API.INFO`: the account's JetStream usage, limits and API statistics.
public struct AccountInfo: Hashable, Sendable, Codable {
    public var memory: UInt64?
    public var storage: UInt64?
    public var reservedMemory: UInt64?
    public var reservedStorage: UInt64?
    public var streams: Int?
    public var consumers: Int?
    public var limits: AccountLimits?
    public var domain: String?
    public var api: APIStats?
    public var tiers: [String: AccountTier]?
    public var extra: [String: JSONValue] = [:]

    public init() {}

    static let schema = ModelSchema<AccountInfo>(extra: \.extra, [
        .field("memory", \.memory),
        .field("storage", \.storage),
        .field("reserved_memory", \.reservedMemory),
        .field("reserved_storage", \.reservedStorage),
        .field("streams", \.streams),
        .field("consumers", \.consumers),
        .field("limits", \.limits),
        .field("domain", \.domain),
        .field("api", \.api),
        .field("tiers", \.tiers),
    ])
    public init(from decoder: any Decoder) throws {
        self.init()
        try Self.schema.decode(into: &self, from: decoder)
        for key in StreamInfo.envelopeKeys { extra[key] = nil }
    }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// Usage and limits of one tier (`R1`, `R3`) of an account.
public struct AccountTier: Hashable, Sendable, Codable {
    public var memory: UInt64?
    public var storage: UInt64?
    public var reservedMemory: UInt64?
    public var reservedStorage: UInt64?
    public var streams: Int?
    public var consumers: Int?
    public var limits: AccountLimits?
    public var extra: [String: JSONValue] = [:]

    public init() {}

    static let schema = ModelSchema<AccountTier>(extra: \.extra, [
        .field("memory", \.memory),
        .field("storage", \.storage),
        .field("reserved_memory", \.reservedMemory),
        .field("reserved_storage", \.reservedStorage),
        .field("streams", \.streams),
        .field("consumers", \.consumers),
        .field("limits", \.limits),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// An account's JetStream limits (−1 = unlimited).
public struct AccountLimits: Hashable, Sendable, Codable {
    public var maxMemory: Int64?
    public var maxStorage: Int64?
    public var maxStreams: Int?
    public var maxConsumers: Int?
    public var maxAckPending: Int?
    public var memoryMaxStreamBytes: Int64?
    public var storageMaxStreamBytes: Int64?
    public var maxBytesRequired: Bool?
    public var extra: [String: JSONValue] = [:]

    public init() {}

    static let schema = ModelSchema<AccountLimits>(extra: \.extra, [
        .field("max_memory", \.maxMemory),
        .field("max_storage", \.maxStorage),
        .field("max_streams", \.maxStreams),
        .field("max_consumers", \.maxConsumers),
        .field("max_ack_pending", \.maxAckPending),
        .field("memory_max_stream_bytes", \.memoryMaxStreamBytes),
        .field("storage_max_stream_bytes", \.storageMaxStreamBytes),
        .field("max_bytes_required", \.maxBytesRequired),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// The `api` block: the server's JetStream API level (2.11+) and request counters.
public struct APIStats: Hashable, Sendable, Codable {
    /// The API level this server implements (absent before 2.11, i.e. level 0).
    public var level: Int?
    public var total: UInt64?
    public var errors: UInt64?
    public var inflight: UInt64?
    public var extra: [String: JSONValue] = [:]

    public init() {}

    static let schema = ModelSchema<APIStats>(extra: \.extra, [
        .field("level", \.level), .field("total", \.total), .field("errors", \.errors), .field("inflight", \.inflight),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}
