import ArgumentParser
import Foundation
import LocalCluster

/// `jetform cluster up|down|status|kill|start`: the local 3-node cluster for people (inst-1…3 on
/// 4222–4224, as in docker-compose.yml). The work is done by `LocalCluster`.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Run a local 3-node JetStream cluster (inst-1…3 on ports 4222–4224).",
        discussion: "Exit codes: 0 done, 1 error (and for `cluster status`: a server is down).",
        subcommands: [Up.self, Down.self, Status.self, Kill.self, Start.self, Relay.self]
    )
}

struct ClusterLocation: ParsableArguments {
    @Option(help: "Directory with server.conf and accounts.conf (default: cluster/ here or in a parent directory, else built-in copies).")
    var configDir: String?

    @Option(help: "Directory for JetStream stores, logs and pid files.")
    var stateDir: String = ".jetform/cluster"

    func layout() throws -> ClusterLayout {
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let state = URL(fileURLWithPath: stateDir, relativeTo: current).standardizedFileURL
        let config = try ClusterConfig.resolveDirectory(
            explicit: configDir.map { URL(fileURLWithPath: $0, relativeTo: current) },
            searchFrom: current,
            fallback: state.appendingPathComponent("config"))
        // A cluster started with --partitionable recorded its route relays.
        return ClusterLayout.standard(configDir: config, stateDir: state).withRecordedRelays().withRecordedLeaf()
    }

    /// For commands that only stop or inspect servers, a missing binary doesn't matter.
    func cluster(requireBinary: Bool, layout: ClusterLayout? = nil) throws -> LocalCluster {
        let binary = requireBinary
            ? try LocalCluster.locateServer()
            : (try? LocalCluster.locateServer()) ?? URL(fileURLWithPath: "nats-server")
        let layout = try layout ?? self.layout()
        return LocalCluster(layout: layout, serverBinary: binary, mode: .detached, relayCommand: Self.relayCommand(layout))
    }

    /// `jetform cluster relay --state-dir …`, run by `LocalCluster` for a partitionable cluster.
    static func relayCommand(_ layout: ClusterLayout) -> [String] {
        let executable = Bundle.main.executableURL?.path ?? CommandLine.arguments[0]
        return [executable, "cluster", "relay", "--state-dir", layout.stateDir.path]
    }
}

extension ClusterCommand {
    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the servers in the background and wait for a JetStream meta leader.",
            discussion: "Exit codes: 0 the cluster is up, 1 error (nats-server missing, a port taken, no meta leader in time).")

        @OptionGroup var location: ClusterLocation

        @Option(help: "Seconds to wait for the cluster to become ready.")
        var timeout: Int = 30

        @Flag(help: "Route the servers through relays on ports 7222–7227, so that `jetform smoke --partition-server` can cut one off.")
        var partitionable = false

        @Flag(name: .customLong("with-leaf"),
              help: "Also start leaf-1 (port 4225, JetStream domain leaf) joined to the cluster, which then runs as domain hub.")
        var withLeaf = false

        func run() async throws {
            var layout = try location.layout()
            let running = await !LocalCluster(layout: layout, serverBinary: URL(fileURLWithPath: "nats-server"), mode: .detached)
                .status().upServers.isEmpty
            if partitionable && !layout.isPartitionable {
                if running {
                    throw CommandFailure.error("the cluster is up with direct routes; run `jetform cluster down` first, then `jetform cluster up --partitionable`")
                }
                layout = layout.relayingRoutes(ports: ClusterLayout.standardRelayPorts)
            }
            if withLeaf && layout.leaf == nil {
                if running {
                    throw CommandFailure.error("the cluster is up without a leaf (and without a JetStream domain); run `jetform cluster down` first, then `jetform cluster up --with-leaf`")
                }
                layout = layout.withStandardLeaf()
            }
            let cluster = try location.cluster(requireBinary: true, layout: layout)
            let version = (try? ServerBinary.version(of: cluster.serverBinary)) ?? "unknown version"
            print("nats-server \(version) (\(cluster.serverBinary.path))")
            let began = ContinuousClock.now
            let started = try await cluster.start(timeout: .seconds(timeout))
            let status = await cluster.status()
            if started.isEmpty {
                print("The cluster is already up.")
            } else {
                let elapsed = ContinuousClock.now - began
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                print("Started \(started.joined(separator: ", ")) in \(String(format: "%.1f", seconds)) s.")
            }
            print(ClusterReport.table(status))
            let urls = cluster.clientURLs.joined(separator: ",")
            print("""

                Servers:  \(urls)
                Contexts: user  user "\(ClusterUser.app.user)" in account \(ClusterUser.app.account) (JetStream)
                          sys   user "\(ClusterUser.system.user)" in the system account \(ClusterUser.system.account)
                          (passwords: see cluster/accounts.conf; `jetform context export` writes natscli contexts)
                State:    \(cluster.layout.stateDir.path) (stores, logs, pid files)\(cluster.layout.isPartitionable ? "\nRoutes:   through relays on ports \(cluster.layout.routeLinks.map { String($0.port) }.joined(separator: ", ")) (partitionable)" : "")\(cluster.layout.leaf.map { "\nLeaf:     \($0.name) \($0.clientURL), JetStream domain \($0.domain); the cluster is domain \($0.hubDomain): a context on the leaf with jetstream_domain: \($0.hubDomain) reaches the cluster's streams" } ?? "")
                Stop it with `jetform cluster down`.
                """)
        }
    }

    struct Down: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the servers started by `cluster up` (SIGTERM, then SIGKILL).",
            discussion: "Exit codes: 0 stopped (or nothing was running), 1 error.")

        @OptionGroup var location: ClusterLocation

        @Flag(help: "Also remove the state directory (JetStream data and logs).")
        var purge = false

        @Option(help: "Seconds to wait after SIGTERM before SIGKILL.")
        var timeout: Int = 10

        func run() async throws {
            let cluster = try location.cluster(requireBinary: false)
            let stopped = await cluster.stop(timeout: .seconds(timeout))
            if stopped.isEmpty {
                print("No servers started by `jetform cluster up` are running (state: \(cluster.layout.stateDir.path)).")
                let others = await cluster.status().upServers
                if !others.isEmpty {
                    print("Something else answers on \(others.map(\.monitorURL).joined(separator: ", ")) (docker compose?).")
                }
            } else {
                print("Stopped \(stopped.joined(separator: ", ")).")
            }
            if purge {
                try? FileManager.default.removeItem(at: cluster.layout.stateDir)
                print("Removed \(cluster.layout.stateDir.path).")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each server, its version and the JetStream meta leader; exit 1 if one is down.",
            discussion: "Exit codes: 0 every server is up, 1 a server is down or an error.")

        @OptionGroup var location: ClusterLocation

        @Flag(help: "Print the servers as JSON (same exit codes).")
        var json = false

        func run() async throws {
            let cluster = try location.cluster(requireBinary: false)
            let status = await cluster.status()
            if json { try printJSON(status, snakeCase: true) } else { print(ClusterReport.table(status)) }
            if !status.allUp { throw ExitCode(1) }
        }
    }

    struct Kill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kill one server abruptly (SIGKILL), as a crash would.",
            discussion: "Exit codes: 0 killed, 1 error (no such server).")

        @OptionGroup var location: ClusterLocation

        @Argument(help: "inst-1, inst-2 or inst-3")
        var server: String

        func run() async throws {
            try await location.cluster(requireBinary: false).kill(server: server)
            print("Killed \(server).")
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start one server again (after `kill`), with its JetStream store.",
            discussion: "Exit codes: 0 started, 1 error.")

        @OptionGroup var location: ClusterLocation

        @Argument(help: "inst-1, inst-2 or inst-3")
        var server: String

        @Option(help: "Seconds to wait for the cluster to become ready.")
        var timeout: Int = 30

        func run() async throws {
            let cluster = try location.cluster(requireBinary: true)
            try await cluster.start(server: server, timeout: .seconds(timeout))
            print(ClusterReport.table(await cluster.status()))
        }
    }
}

extension ClusterCommand {
    /// Hosts the route relays of a cluster started with `up --partitionable`; started by `up`, stopped by `down`.
    struct Relay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the route relays of a partitionable local cluster (started by `cluster up --partitionable`).",
            shouldDisplay: false)

        @OptionGroup var location: ClusterLocation

        func run() throws {
            let layout = try location.layout()
            guard let record = RelayRecord.read(from: layout.relayFile) else {
                throw CommandFailure.error("no route relays recorded in \(layout.relayFile.path)")
            }
            let relays = RouteRelays(links: record.links, clusterPorts: record.clusterPorts)
            try relays.start()
            relays.follow(control: layout.partitionFile, applied: layout.partitionAppliedFile)
        }
    }
}

enum ClusterReport {
    static func table(_ status: ClusterStatus) -> String {
        let leader = status.metaLeader
        var rows = [["SERVER", "URL", "VERSION", "STATE", "CONNS", ""]]
        let marked = status.servers.map { ($0, $0.name == leader ? "meta leader" : "") } + [status.leaf].compactMap { $0 }.map { ($0, "leaf") }
        for (server, mark) in marked {
            let state = !server.isUp ? "down" : server.isHealthy ? "up" : "up, \(server.healthDetail ?? "unhealthy")"
            rows.append([server.name, server.clientURL, server.version ?? "-", state, server.connections.map(String.init) ?? "-", mark])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        lines.append("JetStream meta leader: \(leader ?? "none (election in progress or no quorum)")")
        return lines.joined(separator: "\n")
    }
}
