public import JetStreamSchema

/// The Raft group of a stream, a consumer or the meta layer: `cluster`.
public struct ClusterInfo: Hashable, Sendable, Codable {
    public var name: String?
    public var raftGroup: String?
    /// The leader's server name; nil while there is none (during an election).
    public var leader: String?
    /// 2.12+.
    public var leaderSince: Timestamp?
    /// 2.12+.
    public var systemAccount: Bool?
    /// 2.12+.
    public var trafficAccount: String?
    /// The other members (the leader is not listed).
    public var replicas: [PeerInfo]?
    /// 2.15+: the placement a move or scale is heading for (kept as raw JSON).
    public var desired: JSONValue?
    public var extra: [String: JSONValue] = [:]

    public init(name: String? = nil, leader: String? = nil, replicas: [PeerInfo]? = nil) {
        self.name = name
        self.leader = leader
        self.replicas = replicas
    }

    static let schema = ModelSchema<ClusterInfo>(extra: \.extra, [
        .field("name", \.name),
        .field("raft_group", \.raftGroup),
        .field("leader", \.leader),
        .field("leader_since", \.leaderSince),
        .field("system_account", \.systemAccount),
        .field("traffic_account", \.trafficAccount),
        .field("replicas", \.replicas),
        .field("desired", \.desired),
    ])
    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }

    /// Replicas that are caught up and online.
    public var currentReplicas: [PeerInfo] { (replicas ?? []).filter { $0.current == true && $0.offline != true } }
    /// Replicas that are behind or offline.
    public var laggingReplicas: [PeerInfo] { (replicas ?? []).filter { $0.current != true || $0.offline == true } }
}

/// One member of a Raft group.
public struct PeerInfo: Hashable, Sendable, Codable {
    public var name: String
    /// Seen recently and fully caught up.
    public var current: Bool?
    public var offline: Bool?
    /// Time since last seen.
    public var active: NanoDuration?
    /// Operations behind the leader.
    public var lag: UInt64?
    public var peer: String?
    /// 2.15+: in the assignment but not yet in the Raft group.
    public var pending: Bool?
    public var extra: [String: JSONValue] = [:]

    public init(name: String, current: Bool? = nil, lag: UInt64? = nil) {
        self.name = name
        self.current = current
        self.lag = lag
    }

    static let schema = ModelSchema<PeerInfo>(extra: \.extra, [
        .required("name", \.name),
        .field("current", \.current),
        .field("offline", \.offline),
        .field("active", \.active),
        .field("lag", \.lag),
        .field("peer", \.peer),
        .field("pending", \.pending),
    ])
    public init(from decoder: any Decoder) throws { self.init(name: ""); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}
