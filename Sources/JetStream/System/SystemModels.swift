public import JetStreamSchema

/// The `server` block every `$SYS.REQ.SERVER.PING.*` reply carries: who answered.
public struct ServerIdentity: Hashable, Sendable, Codable {
    public var name: String
    public var host: String?
    public var id: String?
    public var cluster: String?
    public var domain: String?
    /// `ver`: the nats-server release.
    public var version: String?
    public var jetstream: Bool?
    public var seq: UInt64?
    public var time: Timestamp?
    public var extra: [String: JSONValue] = [:]

    public init(name: String) { self.name = name }

    static let schema = ModelSchema<ServerIdentity>(extra: \.extra, [
        .required("name", \.name), .field("host", \.host), .field("id", \.id), .field("cluster", \.cluster),
        .field("domain", \.domain), .field("ver", \.version), .field("jetstream", \.jetstream),
        .field("seq", \.seq), .field("time", \.time),
    ])
    public init(from decoder: any Decoder) throws { self.init(name: ""); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// One server's reply to a system request: `{"server": …, "data": …}` or `{"server": …, "error": …}`.
public struct ServerReply<Payload: Codable & Hashable & Sendable>: Hashable, Sendable, Codable {
    public var server: ServerIdentity
    public var data: Payload?
    /// `{"code":…, "description":…}` when the server could not answer.
    public var error: JSONValue?
}

/// `JSZ` data: the fields jetform uses; everything else stays in ``extra``.
public struct JSZ: Hashable, Sendable, Codable {
    public var serverID: String?
    public var now: Timestamp?
    public var disabled: Bool?
    public var memory: UInt64?
    public var storage: UInt64?
    public var streams: Int?
    public var consumers: Int?
    public var messages: UInt64?
    public var bytes: UInt64?
    public var api: APIStats?
    public var metaCluster: MetaClusterInfo?
    public var extra: [String: JSONValue] = [:]

    public init() {}

    static let schema = ModelSchema<JSZ>(extra: \.extra, [
        .field("server_id", \.serverID), .field("now", \.now), .field("disabled", \.disabled),
        .field("memory", \.memory), .field("storage", \.storage), .field("streams", \.streams),
        .field("consumers", \.consumers), .field("messages", \.messages), .field("bytes", \.bytes),
        .field("api", \.api), .field("meta_cluster", \.metaCluster),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// `meta_cluster` in JSZ: the JetStream meta layer as one server sees it.
public struct MetaClusterInfo: Hashable, Sendable, Codable {
    public var name: String?
    public var leader: String?
    public var peer: String?
    public var clusterSize: Int?
    /// The other members (not the server that answered). Only the leader's view is authoritative.
    public var replicas: [PeerInfo]?
    public var pending: Int?
    public var extra: [String: JSONValue] = [:]

    public init() {}

    static let schema = ModelSchema<MetaClusterInfo>(extra: \.extra, [
        .field("name", \.name), .field("leader", \.leader), .field("peer", \.peer),
        .field("cluster_size", \.clusterSize), .field("replicas", \.replicas), .field("pending", \.pending),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// `HEALTHZ` data: `{"status":"ok","status_code":200}` or an error with details.
public struct Healthz: Hashable, Sendable, Codable {
    public var status: String?
    public var statusCode: Int?
    public var error: String?
    public var errors: [JSONValue]?
    public var extra: [String: JSONValue] = [:]

    public init() {}

    public var isOK: Bool { status == "ok" }

    static let schema = ModelSchema<Healthz>(extra: \.extra, [
        .field("status", \.status), .field("status_code", \.statusCode), .field("error", \.error), .field("errors", \.errors),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}

/// `VARZ` data: the fields jetform uses; the rest stays in ``extra``.
/// `ROUTEZ` data: each route connection, with the server at the other end and, for routes this server
/// dialled, the configured address it dialled.
public struct Routez: Hashable, Sendable, Codable {
    public struct Route: Hashable, Sendable, Codable {
        public var remoteName: String?
        public var didSolicit: Bool?
        public var ip: String?
        public var port: Int?

        enum CodingKeys: String, CodingKey { case remoteName = "remote_name", didSolicit = "did_solicit", ip, port }
    }

    public var routes: [Route]?
}

public struct Varz: Hashable, Sendable, Codable {
    public var serverID: String?
    public var serverName: String?
    public var version: String?
    public var start: Timestamp?
    public var now: Timestamp?
    public var connections: Int?
    public var jetstream: JSONValue?
    public var extra: [String: JSONValue] = [:]

    public init() {}

    /// `jetstream.stats.api.level` (2.11+).
    public var apiLevel: Int? { jetstream?["stats"]?["api"]?["level"]?.intValue.map { Int($0) } }

    static let schema = ModelSchema<Varz>(extra: \.extra, [
        .field("server_id", \.serverID), .field("server_name", \.serverName), .field("version", \.version),
        .field("start", \.start), .field("now", \.now), .field("connections", \.connections), .field("jetstream", \.jetstream),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}
