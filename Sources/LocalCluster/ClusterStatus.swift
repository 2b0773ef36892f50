/// One server as its monitoring endpoint reports it.
public struct ServerStatus: Sendable, Hashable, Encodable {
    public var name: String
    public var clientURL: String
    public var monitorURL: String
    /// From the pid file; nil when there is none.
    public var pid: Int32?
    /// The monitoring endpoint answered.
    public var isUp: Bool
    /// `/healthz` said ok (JetStream included).
    public var isHealthy: Bool
    /// `/healthz`'s reason when not healthy.
    public var healthDetail: String?
    public var version: String?
    public var connections: Int?
    /// The JetStream meta leader as this server sees it.
    public var metaLeader: String?
    /// How many servers' client URLs it announces (its own included): clients, and jetform's planner,
    /// learn the cluster's size from them.
    public var announcedServers: Int?
    /// When this server is the meta leader: the followers it lists as current and online. The leader
    /// places replicas only on those (2.10 lists a follower only once it has its statistics).
    public var currentMetaFollowers: [String]?

    public init(
        name: String, clientURL: String, monitorURL: String, pid: Int32? = nil, isUp: Bool,
        isHealthy: Bool = false, healthDetail: String? = nil, version: String? = nil,
        connections: Int? = nil, metaLeader: String? = nil
    ) {
        self.name = name
        self.clientURL = clientURL
        self.monitorURL = monitorURL
        self.pid = pid
        self.isUp = isUp
        self.isHealthy = isHealthy
        self.healthDetail = healthDetail
        self.version = version
        self.connections = connections
        self.metaLeader = metaLeader
    }
}

/// Every server of a local cluster and the JetStream meta leader they agree on.
public struct ClusterStatus: Sendable, Hashable, Encodable {
    public var servers: [ServerStatus]
    /// The leaf server beside the cluster (`--with-leaf`): counted in `allUp`, not in the meta leader's majority.
    public var leaf: ServerStatus?

    public init(servers: [ServerStatus], leaf: ServerStatus? = nil) {
        self.servers = servers
        self.leaf = leaf
    }

    private enum CodingKeys: String, CodingKey { case servers, leaf, allUp, allHealthy, metaLeader, down }

    /// `servers`, plus what the table says below it: every server up and healthy, the meta leader,
    /// the servers down.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(servers, forKey: .servers)
        try c.encodeIfPresent(leaf, forKey: .leaf)
        try c.encode(allUp, forKey: .allUp)
        try c.encode(allHealthy, forKey: .allHealthy)
        try c.encode(metaLeader, forKey: .metaLeader)
        try c.encode(downServers.map(\.name), forKey: .down)
    }

    public var allUp: Bool { servers.allSatisfy(\.isUp) && leaf?.isUp != false }
    public var allHealthy: Bool { servers.allSatisfy(\.isHealthy) }
    public var upServers: [ServerStatus] { servers.filter(\.isUp) }
    public var downServers: [ServerStatus] { (servers + [leaf].compactMap { $0 }).filter { !$0.isUp } }

    /// The meta leader named by a majority of all servers, nil while there is none: during an
    /// election, when fewer than a quorum are up, or when the one they name is down (followers
    /// keep naming a dead leader until their election timeout).
    public var metaLeader: String? {
        var votes: [String: Int] = [:]
        for server in servers where server.isUp {
            if let leader = server.metaLeader, !leader.isEmpty { votes[leader, default: 0] += 1 }
        }
        guard let (leader, count) = votes.max(by: { $0.value < $1.value }), count * 2 > servers.count,
            servers.first(where: { $0.name == leader })?.isUp != false
        else {
            return nil
        }
        return leader
    }
}
