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

    public init(servers: [ServerSpec], configDir: URL, stateDir: URL) {
        self.servers = servers
        self.configDir = configDir
        self.stateDir = stateDir
    }

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
        let routes = servers.map { "nats-route://127.0.0.1:\($0.clusterPort)" }.joined(separator: ", ")
        return [
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
    }

    public func server(named name: String) throws(LocalClusterError) -> ServerSpec {
        guard let server = servers.first(where: { $0.name == name }) else {
            throw .unknownServer(name, known: names)
        }
        return server
    }
}
