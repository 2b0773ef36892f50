public import Foundation

/// One member of a local cluster: its name and ports on 127.0.0.1.
public struct ServerSpec: Sendable, Hashable {
    public var name: String
    public var clientPort: Int
    public var clusterPort: Int
    public var monitorPort: Int

    public init(name: String, clientPort: Int, clusterPort: Int, monitorPort: Int) {
        self.name = name
        self.clientPort = clientPort
        self.clusterPort = clusterPort
        self.monitorPort = monitorPort
    }

    /// `nats://127.0.0.1:<client port>`
    public var clientURL: String { "nats://127.0.0.1:\(clientPort)" }
    /// `http://127.0.0.1:<monitor port>`
    public var monitorURL: String { "http://127.0.0.1:\(monitorPort)" }
}

/// A leaf server beside a local cluster (`jetform cluster up --with-leaf`): a JetStream server of its own
/// domain whose application account is joined to the cluster's over leafnode connections, as at an edge
/// site. The cluster then runs as JetStream domain `hubDomain`; a client of the leaf reaches it through
/// `$JS.<hubDomain>.API` (a context's `jetstream_domain`).
public struct LeafSpec: Sendable, Hashable, Codable {
    public var name: String
    public var clientPort: Int
    public var monitorPort: Int
    public var domain: String
    public var hubDomain: String
    /// Where each cluster server accepts leafnode connections, in the order of `servers`.
    public var hubLeafnodePorts: [Int]

    public init(name: String = "leaf-1", clientPort: Int, monitorPort: Int, domain: String = "leaf", hubDomain: String = "hub",
                hubLeafnodePorts: [Int]) {
        self.name = name
        self.clientPort = clientPort
        self.monitorPort = monitorPort
        self.domain = domain
        self.hubDomain = hubDomain
        self.hubLeafnodePorts = hubLeafnodePorts
    }

    public var clientURL: String { "nats://127.0.0.1:\(clientPort)" }
    public var monitorURL: String { "http://127.0.0.1:\(monitorPort)" }
}

/// Where a local cluster lives: its servers and ports, the shared config files, and the state
/// directory holding each server's JetStream store, pid file and log.
///
/// `standard` is the cluster people run (`jetform cluster up`, `docker compose up`): servers
/// inst-1…3 on client ports 4222–4224. Tests use `freePorts` with a temporary state directory.
public struct ClusterLayout: Sendable, Hashable {
    public var servers: [ServerSpec]
    /// Holds `server.conf` (started with `-c`) and `accounts.conf` (included by it).
    public var configDir: URL
    /// Per server `<stateDir>/<name>/`: `store/` (JetStream), `nats-server.pid`, `nats-server.log`.
    public var stateDir: URL
    /// Routes through relays, one per ordered pair of servers (see `RouteRelays`); empty: the servers
    /// route to each other directly, as in docker-compose.yml.
    public var routeLinks: [RouteLink] = []
    /// A leaf server beside the cluster; nil: none.
    public var leaf: LeafSpec?

    public init(servers: [ServerSpec], configDir: URL, stateDir: URL) {
        self.servers = servers
        self.configDir = configDir
        self.stateDir = stateDir
    }

    /// Whether one server can be cut off from the others (`LocalCluster.partition(server:)`).
    public var isPartitionable: Bool { !routeLinks.isEmpty }

    /// The same cluster with its routes through relays on `ports` (one per ordered pair of servers:
    /// n × (n − 1) of them, taken in order).
    public func relayingRoutes(ports: [Int]) -> ClusterLayout {
        precondition(ports.count >= servers.count * (servers.count - 1), "one relay port per ordered pair of servers")
        var layout = self
        var free = ports.makeIterator()
        layout.routeLinks = servers.flatMap { from in
            servers.filter { $0.name != from.name }.map { to in RouteLink(from: from.name, to: to.name, port: free.next()!) }
        }
        return layout
    }

    /// The relay ports of the standard layout's partitionable cluster: 7222–7227.
    public static let standardRelayPorts = Array(7222...7227)

    /// The standard layout's leaf: leaf-1 on client port 4225, monitoring 8225; the cluster's servers
    /// accept leafnode connections on 7422–7424.
    public func withStandardLeaf() -> ClusterLayout {
        var layout = self
        layout.leaf = LeafSpec(clientPort: 4225, monitorPort: 8225, hubLeafnodePorts: servers.indices.map { 7422 + $0 })
        return layout
    }

    /// With a leaf on free ports.
    public func withLeafOnFreePorts() throws(LocalClusterError) -> ClusterLayout {
        let ports = try Sockets.freePorts(count: 2 + servers.count)
        var layout = self
        layout.leaf = LeafSpec(clientPort: ports[0], monitorPort: ports[1], hubLeafnodePorts: Array(ports[2...]))
        return layout
    }

    /// Written while a detached cluster's leaf runs, so that a later command knows of it.
    public var leafFile: URL { stateDir.appendingPathComponent("leaf.json") }
    public var leafDirectory: URL? { leaf.map { stateDir.appendingPathComponent($0.name) } }

    /// With the leaf a detached cluster recorded in `leafFile` (unchanged without one).
    public func withRecordedLeaf() -> ClusterLayout {
        guard let data = try? Data(contentsOf: leafFile), let leaf = try? JSONDecoder().decode(LeafSpec.self, from: data) else { return self }
        var layout = self
        layout.leaf = leaf
        return layout
    }

    /// With the relays a detached cluster recorded in `relayFile` when it started (unchanged without one).
    public func withRecordedRelays() -> ClusterLayout {
        guard let record = RelayRecord.read(from: relayFile) else { return self }
        var layout = self
        layout.routeLinks = record.links
        return layout
    }

    /// With a free port for each relay.
    public func relayingRoutesOnFreePorts() throws(LocalClusterError) -> ClusterLayout {
        relayingRoutes(ports: try Sockets.freePorts(count: servers.count * (servers.count - 1)))
    }

    /// Written beside the servers' directories while relays run for a detached cluster: the links, so
    /// that a later command knows the cluster is partitionable (see `LocalCluster`).
    public var relayFile: URL { stateDir.appendingPathComponent("route-relays.json") }
    public var relayPIDFile: URL { stateDir.appendingPathComponent("route-relays.pid") }
    public var relayLogFile: URL { stateDir.appendingPathComponent("route-relays.log") }
    /// The servers to cut off, one per line, as `partition(server:)` asks the relay process…
    public var partitionFile: URL { stateDir.appendingPathComponent("partition") }
    /// …and as the relay process has done it.
    public var partitionAppliedFile: URL { stateDir.appendingPathComponent("partition.applied") }

    /// Server names inst-1…inst-n.
    public static func serverNames(count: Int) -> [String] {
        (1...max(count, 1)).map { "inst-\($0)" }
    }

    /// inst-1…3: clients 4222–4224, routes 6222–6224, monitoring 8222–8224 (as in docker-compose.yml).
    public static func standard(configDir: URL, stateDir: URL) -> ClusterLayout {
        let servers = serverNames(count: 3).enumerated().map { index, name in
            ServerSpec(name: name, clientPort: 4222 + index, clusterPort: 6222 + index, monitorPort: 8222 + index)
        }
        return ClusterLayout(servers: servers, configDir: configDir, stateDir: stateDir)
    }

    /// `size` servers on ports that are free now.
    public static func freePorts(
        size: Int = 3,
        configDir: URL = ClusterConfig.sourceTreeDirectory,
        stateDir: URL
    ) throws(LocalClusterError) -> ClusterLayout {
        let ports = try Sockets.freePorts(count: 3 * size)
        let servers = serverNames(count: size).enumerated().map { index, name in
            ServerSpec(
                name: name,
                clientPort: ports[3 * index],
                clusterPort: ports[3 * index + 1],
                monitorPort: ports[3 * index + 2]
            )
        }
        return ClusterLayout(servers: servers, configDir: configDir, stateDir: stateDir)
    }

    public var names: [String] { servers.map(\.name) }
    public var clientPorts: [Int] { servers.map(\.clientPort) }
    public var clusterPorts: [Int] { servers.map(\.clusterPort) }
    public var monitorPorts: [Int] { servers.map(\.monitorPort) }
    /// `nats://127.0.0.1:<port>` for every server, in order.
    public var clientURLs: [String] { servers.map(\.clientURL) }

    /// The file every server is started with (`nats-server -c`).
    public var serverConfigFile: URL { configDir.appendingPathComponent(ClusterConfig.serverFileName) }
    public func serverDirectory(_ server: ServerSpec) -> URL { stateDir.appendingPathComponent(server.name) }
    public func storeDirectory(_ server: ServerSpec) -> URL { serverDirectory(server).appendingPathComponent("store") }
    public func pidFile(_ server: ServerSpec) -> URL { serverDirectory(server).appendingPathComponent("nats-server.pid") }
    public func logFile(_ server: ServerSpec) -> URL { serverDirectory(server).appendingPathComponent("nats-server.log") }

    /// The variables `server.conf` reads for `server` (docker-compose.yml sets the same ones).
    public func environment(for server: ServerSpec) -> [String: String] {
        let ports = isPartitionable
            ? routeLinks.filter { $0.from == server.name }.map(\.port)
            : servers.map(\.clusterPort)
        let routes = ports.map { "nats-route://127.0.0.1:\($0)" }.joined(separator: ", ")
        var environment = [
            "NATS_SERVER_NAME": server.name,
            "NATS_HOST": "127.0.0.1",
            "NATS_CLIENT_PORT": String(server.clientPort),
            "NATS_CLIENT_ADVERTISE": "127.0.0.1:\(server.clientPort)",
            "NATS_CLUSTER_PORT": String(server.clusterPort),
            "NATS_MONITOR_PORT": String(server.monitorPort),
            "NATS_ROUTES": "[\(routes)]",
            // Quoted: nats-server parses the value as config text, where a bare path could break at a space.
            "NATS_STORE_DIR": ConfigText.quoted(storeDirectory(server).path),
        ]
        // Read by LocalCluster's hub block (`--with-leaf`), not by server.conf.
        if let leaf, let index = servers.firstIndex(of: server) { environment["NATS_LEAFNODE_PORT"] = String(leaf.hubLeafnodePorts[index]) }
        return environment
    }

    public func server(named name: String) throws(LocalClusterError) -> ServerSpec {
        guard let server = servers.first(where: { $0.name == name }) else {
            throw .unknownServer(name, known: names)
        }
        return server
    }
}
