/// One server in a ``ClusterHealth`` summary.
public struct ServerHealth: Hashable, Sendable, Codable {
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

/// Why there is no meta leader to rely on.
public enum MetaLeaderProblem: Hashable, Sendable, Codable, CustomStringConvertible {
    /// No server names a leader: an election is in progress or quorum is lost.
    case none
    /// The servers name a leader that does not answer (it died; the others have not noticed yet).
    case notAnswering([String])
    /// The servers name different leaders.
    case disagreement([String])

    public var description: String {
        switch self {
        case .none: return "no JetStream meta leader (election in progress or quorum lost)"
        case .notAnswering(let names):
            return "no JetStream meta leader (the others still name \(names.joined(separator: ", ")), which does not answer; an election is due)"
        case .disagreement(let names): return "servers disagree on the meta leader: \(names.joined(separator: ", "))"
        }
    }
}

/// A server the cluster knows (the JetStream meta group lists it) that did not answer.
public struct MissingServer: Hashable, Sendable, Codable {
    public var name: String
    /// The meta group marks it offline.
    public var offline: Bool
    /// How long ago the meta leader last heard from it, when it says.
    public var lastSeen: Duration?

    public init(name: String, offline: Bool, lastSeen: Duration? = nil) {
        self.name = name
        self.offline = offline
        self.lastSeen = lastSeen
    }

    enum CodingKeys: String, CodingKey { case name, offline, lastSeenSeconds = "last_seen_seconds" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        offline = try c.decode(Bool.self, forKey: .offline)
        lastSeen = try c.decodeIfPresent(Double.self, forKey: .lastSeenSeconds).map { .milliseconds(Int64($0 * 1000)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(offline, forKey: .offline)
        try c.encodeIfPresent(lastSeen.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }, forKey: .lastSeenSeconds)
    }
}

/// The cluster as the system account sees it: who answered, their versions and health, the
/// JetStream meta leader and whether its followers are caught up.
public struct ClusterHealth: Hashable, Sendable, Codable {
    /// The servers that answered.
    public var servers: [ServerHealth]
    /// Servers the JetStream meta group lists (it keeps offline peers) that did not answer: down or cut off.
    public var missing: [MissingServer]
    /// Servers the meta group counts (`cluster_size`) that neither answered nor are named by anyone: 2.10
    /// lists a peer only once it has its statistics, so a server killed early is counted but not named.
    public var unnamedMissing: Int
    /// Configured routes (`cluster.routes` of the answering servers, by IP address) that no answering
    /// server listens on or is connected to: where the servers nobody names are, when the meta group does
    /// not count them either (2.10 right after a start). Routes by host name are not judged.
    public var unansweredRoutes: [String] = []
    /// The meta leader, only when it answered itself (a dead leader the others still name is no leader).
    public var metaLeader: String?
    /// What is wrong with the meta leadership, if anything.
    public var metaLeaderProblem: MetaLeaderProblem?
    /// Meta followers (per the leader) that answered and are caught up.
    public var metaReplicasCurrent: [String]
    /// Meta followers that answered but are behind (a follower that does not answer is in ``missing``).
    public var metaReplicasLagging: [String]
    /// The lowest API level of the servers: what a client may rely on across the cluster.
    public var apiLevel: Int?
    /// Everything that is not as it should be, one sentence each. Empty when healthy.
    public var problems: [String]

    public var isHealthy: Bool { problems.isEmpty }

    public init(servers: [ServerHealth], metaLeader: String?, metaReplicasCurrent: [String], metaReplicasLagging: [String], apiLevel: Int?,
                problems: [String], missing: [MissingServer] = [], unnamedMissing: Int = 0, metaLeaderProblem: MetaLeaderProblem? = nil) {
        self.servers = servers
        self.missing = missing
        self.unnamedMissing = unnamedMissing
        self.metaLeaderProblem = metaLeaderProblem
        self.metaLeader = metaLeader
        self.metaReplicasCurrent = metaReplicasCurrent
        self.metaReplicasLagging = metaReplicasLagging
        self.apiLevel = apiLevel
        self.problems = problems
    }

    /// Builds the summary from gathered replies (pure, so it is tested without a cluster). `routes` are the
    /// configured routes no answering server accounts for (`unansweredRoutes(varz:routez:answering:)`).
    public init(jsz: [ServerReply<JSZ>], healthz: [ServerReply<Healthz>], expectedServers: Int?, routes: [String] = []) {
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
        // Every server some answering server's meta group names: the leader's peer list keeps offline
        // peers, so a killed server stays known by name.
        var peers: [String: PeerInfo] = [:]
        var known = Set<String>()
        for reply in jsz {
            guard let meta = reply.data?.metaCluster else { continue }
            if let leader = meta.leader, !leader.isEmpty { known.insert(leader) }
            for peer in meta.replicas ?? [] where !peer.name.isEmpty {
                known.insert(peer.name)
                // The leader's view of a peer wins over a follower's.
                if peers[peer.name] == nil || meta.leader == reply.server.name { peers[peer.name] = peer }
            }
        }
        let missing = known.subtracting(names).sorted().map { name in
            MissingServer(name: name, offline: peers[name]?.offline == true, lastSeen: peers[name]?.active?.duration)
        }
        for server in missing {
            let seen = server.lastSeen.map { ", last seen \(Self.seconds($0)) ago" } ?? ""
            problems.append("\(server.name) is down: it did not answer\(server.offline ? " and the meta group lists it as offline" : "")\(seen)")
        }
        // The meta group's size counts servers nobody names (yet): missing all the same.
        let counted = max(expectedServers ?? 0, jsz.compactMap { $0.data?.metaCluster?.clusterSize }.max() ?? 0)
        // A configured route nobody answers on is a server too, named or not.
        let routed = servers.count + max(missing.count, routes.count)
        let size = max(counted, routed)
        let unnamed = max(0, size - servers.count - missing.count)
        if servers.count < size { problems.append("\(servers.count) of \(size) servers answered") }
        if unnamed > 0 {
            let unnamedRoutes = routes.count > missing.count ? routes : []
            if !unnamedRoutes.isEmpty {
                problems.append("no server answers at configured route\(unnamedRoutes.count == 1 ? "" : "s") \(unnamedRoutes.joined(separator: ", ")): "
                                + "down (the meta group does not name \(unnamed == 1 ? "it" : "them") yet)")
            } else {
                problems.append("\(unnamed) server\(unnamed == 1 ? "" : "s") the meta group counts did not answer and \(unnamed == 1 ? "is" : "are") "
                                + "not named by it yet (down before the leader had its statistics)")
            }
        }
        // Leader per the servers; the leader's own view of its followers is the one that counts. A leader
        // that does not answer is dead (the others have not noticed yet): there is none until an election.
        let claimed = Set(jsz.compactMap { $0.data?.metaCluster?.leader }.filter { !$0.isEmpty })
        let alive = claimed.filter { names.contains($0) }
        var leader: String?
        var leaderProblem: MetaLeaderProblem?
        if claimed.isEmpty {
            leaderProblem = MetaLeaderProblem.none
        } else if alive.isEmpty {
            leaderProblem = .notAnswering(claimed.sorted())
        } else if claimed.count > 1 {
            leaderProblem = .disagreement(claimed.sorted())
            leader = jsz.first { r in r.data?.metaCluster?.leader == r.server.name }?.server.name
        } else {
            leader = alive.first
        }
        if let leaderProblem { problems.append(leaderProblem.description) }
        var current: [String] = []
        var lagging: [String] = []
        if let leader, let view = jsz.first(where: { $0.server.name == leader })?.data?.metaCluster {
            // A server that answers but that the leader does not list yet is neither: 2.10 lists a peer only
            // once it has its statistics, which took over 30 s after a start, while R3 creates already work.
            for peer in view.replicas ?? [] where peer.name != leader && names.contains(peer.name) {
                if peer.current == true && peer.offline != true { current.append(peer.name) } else { lagging.append(peer.name) }
            }
            if !lagging.isEmpty { problems.append("meta followers not current: \(lagging.sorted().joined(separator: ", "))") }
        }
        self.init(
            servers: servers, metaLeader: leader, metaReplicasCurrent: current.sorted(), metaReplicasLagging: lagging.sorted(),
            apiLevel: servers.compactMap(\.apiLevel).min(), problems: problems, missing: missing, unnamedMissing: unnamed,
            metaLeaderProblem: leaderProblem
        )
        unansweredRoutes = routes
    }

    /// Every server that answered or that an answering server's meta group names.
    /// The configured routes of the answering servers that none of them listens on (`cluster.addr` and
    /// `cluster_port` in VARZ) or has dialled and reached (`did_solicit` routes in ROUTEZ, which keep the
    /// configured address and name the server at the other end). Only IP addresses and `localhost` are
    /// judged: a host name may be any of the answering servers, so it never counts as missing.
    public static func unansweredRoutes(varz: [ServerReply<Varz>], routez: [ServerReply<Routez>], answering: Set<String>) -> [String] {
        func normalised(_ url: String) -> (host: String, port: Int)? {
            var address = Substring(url)
            if let scheme = address.range(of: "://") { address = address[scheme.upperBound...] }
            if let at = address.lastIndex(of: "@") { address = address[address.index(after: at)...] }
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
            var host = String(address[..<colon].filter { $0 != "[" && $0 != "]" })
            if host == "localhost" { host = "127.0.0.1" }
            return (host, port)
        }
        func isAddress(_ host: String) -> Bool {
            host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil } || host.contains(":")
        }
        var configured = Set<String>()
        var accounted = Set<String>()
        var anyHostPorts = Set<Int>()
        for reply in varz where answering.contains(reply.server.name) {
            guard let cluster = reply.data?.extra["cluster"] else { continue }
            for url in cluster["urls"]?.arrayValue ?? [] {
                if let (host, port) = url.stringValue.flatMap(normalised), isAddress(host) { configured.insert("\(host):\(port)") }
            }
            if let port = cluster["cluster_port"]?.intValue {
                let addr = cluster["addr"]?.stringValue ?? ""
                if addr.isEmpty || addr == "0.0.0.0" || addr == "::" { anyHostPorts.insert(Int(port)) } else { accounted.insert("\(addr):\(port)") }
            }
        }
        for reply in routez where answering.contains(reply.server.name) {
            for route in reply.data?.routes ?? [] where route.didSolicit == true {
                if let name = route.remoteName, answering.contains(name), let ip = route.ip, let port = route.port { accounted.insert("\(ip):\(port)") }
            }
        }
        return configured.filter { url in
            guard let (_, port) = normalised(url) else { return false }
            return !accounted.contains(url) && !anyHostPorts.contains(port)
        }.sorted()
    }

    public static func knownServers(_ jsz: [ServerReply<JSZ>]) -> Set<String> {
        var known = Set(jsz.map(\.server.name))
        for reply in jsz {
            guard let meta = reply.data?.metaCluster else { continue }
            if let leader = meta.leader, !leader.isEmpty { known.insert(leader) }
            for peer in meta.replicas ?? [] where !peer.name.isEmpty { known.insert(peer.name) }
        }
        return known
    }

    static func seconds(_ d: Duration) -> String {
        let s = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return s < 10 ? String(format: "%.1fs", s) : String(format: "%.0fs", s)
    }
}
