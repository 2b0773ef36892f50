/// One server in a ``ClusterHealth`` summary.
public struct ServerHealth: Hashable, Sendable {
    public var name: String
    public var version: String?
    public var cluster: String?
    public var jetStreamEnabled: Bool
    /// The JetStream API level (0 for servers before 2.11, which do not report one).
    public var apiLevel: Int?
    /// HEALTHZ said `ok`.
    public var healthy: Bool
    /// HEALTHZ's error text when not healthy, or "no HEALTHZ reply".
    public var healthDetail: String?
}

/// The cluster as the system account sees it: who answered, their versions and health, the
/// JetStream meta leader and whether its followers are caught up.
public struct ClusterHealth: Hashable, Sendable {
    public var servers: [ServerHealth]
    public var metaLeader: String?
    /// Meta followers (per the leader) that are caught up.
    public var metaReplicasCurrent: [String]
    /// Meta followers that are behind or offline.
    public var metaReplicasLagging: [String]
    /// The lowest API level of the servers: what a client may rely on across the cluster.
    public var apiLevel: Int?
    /// Everything that is not as it should be, one sentence each. Empty when healthy.
    public var problems: [String]

    public var isHealthy: Bool { problems.isEmpty }

    public init(servers: [ServerHealth], metaLeader: String?, metaReplicasCurrent: [String], metaReplicasLagging: [String], apiLevel: Int?, problems: [String]) {
        self.servers = servers
        self.metaLeader = metaLeader
        self.metaReplicasCurrent = metaReplicasCurrent
        self.metaReplicasLagging = metaReplicasLagging
        self.apiLevel = apiLevel
        self.problems = problems
    }

    /// Builds the summary from gathered replies (pure, so it is tested without a cluster).
    public init(jsz: [ServerReply<JSZ>], healthz: [ServerReply<Healthz>], expectedServers: Int?) {
        var problems: [String] = []
        let healthByName = Dictionary(healthz.map { ($0.server.name, $0) }, uniquingKeysWith: { a, _ in a })
        var names = Set(jsz.map(\.server.name))
        names.formUnion(healthByName.keys)
        var servers: [ServerHealth] = []
        for name in names.sorted() {
            let j = jsz.first { $0.server.name == name }
            let h = healthByName[name]
            let identity = j?.server ?? h?.server
            let enabled = (identity?.jetstream ?? false) && j?.data?.disabled != true
            let ok = h?.data?.isOK ?? false
            var detail: String?
            if h == nil { detail = "no HEALTHZ reply" } else if !ok { detail = h?.data?.error ?? h?.data?.status ?? "unhealthy" }
            servers.append(ServerHealth(
                name: name, version: identity?.version, cluster: identity?.cluster, jetStreamEnabled: enabled,
                apiLevel: j?.data.map { $0.api?.level ?? 0 }, healthy: ok, healthDetail: detail
            ))
            if !ok { problems.append("\(name) is not healthy: \(detail ?? "unknown")") }
            if !enabled { problems.append("\(name) does not have JetStream enabled") }
        }
        if let expectedServers, servers.count < expectedServers {
            problems.append("\(servers.count) of \(expectedServers) servers answered")
        }
        // Leader per the servers; the leader's own view of its followers is the one that counts.
        let leaders = Set(jsz.compactMap { $0.data?.metaCluster?.leader }.filter { !$0.isEmpty })
        let leader = leaders.count == 1 ? leaders.first : jsz.first { r in r.data?.metaCluster?.leader == r.server.name }?.server.name
        if leaders.isEmpty { problems.append("no JetStream meta leader (election in progress or quorum lost)") }
        if leaders.count > 1 { problems.append("servers disagree on the meta leader: \(leaders.sorted().joined(separator: ", "))") }
        var current: [String] = []
        var lagging: [String] = []
        if let leader, let view = jsz.first(where: { $0.server.name == leader })?.data?.metaCluster {
            // A server that answers but that the leader does not list yet is neither: 2.10 lists a peer only
            // once it has its statistics, which took over 30 s after a start, while R3 creates already work.
            for peer in view.replicas ?? [] where peer.name != leader {
                if peer.current == true && peer.offline != true { current.append(peer.name) } else { lagging.append(peer.name) }
            }
            if !lagging.isEmpty { problems.append("meta followers not current: \(lagging.sorted().joined(separator: ", "))") }
        }
        self.init(
            servers: servers, metaLeader: leader, metaReplicasCurrent: current.sorted(), metaReplicasLagging: lagging.sorted(),
            apiLevel: servers.compactMap(\.apiLevel).min(), problems: problems
        )
    }
}
