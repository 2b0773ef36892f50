import ArgumentParser
import Foundation
import JetStream
import NATS
import Reconcile
import Topology

/// `jetform status`: cluster health through the system account — servers, versions, JetStream API
/// level, the meta leader and whether its followers are current.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show cluster health through the topology's system context.",
        discussion: """
        Servers come from the system account's replies (JSZ, HEALTHZ); a server the JetStream meta group \
        lists but that does not answer is reported down by name. A meta leader that does not answer is no \
        leader.

        Exit codes: 0 healthy; 1 anything wrong (a server down or missing, unhealthy, no meta leader, \
        followers behind) or an error.
        """
    )

    @OptionGroup var topologyFile: TopologyFileArguments

    @Option(help: "How many servers the cluster should have (reported as a problem when fewer answer).")
    var expect: Int?

    @Flag(help: "Print the health summary as JSON (same exit codes).")
    var json = false

    @OptionGroup var connection: ConnectionFlags

    func run() async throws {
        let file = topologyFile.path
        var topology: TopologySpec?
        if topologyFile.exists { topology = try topologyFile.load() }
        let resolved = try connection.resolve(topology: topology, file: file, defaultContext: topology.map { $0.systemContext ?? $0.context })
        let settings = resolved.settings
        let client: NATSClient
        do {
            client = try await NATSClient.connect(try settings.clientOptions(name: "jetform status"))
        } catch let error as NATSError {
            if case .noServersAvailable = error { throw CommandFailure.error("\(error)") }
            throw CommandFailure.error("cannot connect (\(settings)): \(error)")
        }
        if let mismatch = ClusterGuard.check(topology?.environment, info: client.serverInfo) {
            await client.close()
            throw CommandFailure.error("\(mismatch)")
        }
        let health: ClusterHealth
        do {
            health = try await SystemClient(client: client).clusterHealth(expectedServers: expect)
            await client.close()
        } catch {
            await client.close()
            throw CommandFailure("error: cluster health through the system account failed: \(error) — is '\(settings)' a system account user?")
        }
        guard !health.servers.isEmpty else {
            throw CommandFailure("error: no server answered the system account's health requests — '\(settings)' must be a user of the system account (the topology's `system_context`)")
        }
        if json {
            try printJSON(health, snakeCase: true)
        } else {
            print(Self.render(health))
        }
        if !health.isHealthy { throw ExitCode.failure }
    }

    static func render(_ health: ClusterHealth) -> String {
        var rows = [["SERVER", "VERSION", "JETSTREAM", "API", "HEALTH", ""]]
        for server in health.servers.sorted(by: { $0.name < $1.name }) {
            rows.append([
                server.name, server.version ?? "?", server.jetStreamEnabled ? "enabled" : "disabled",
                server.apiLevel.map(String.init) ?? "-", server.healthy ? "ok" : (server.healthDetail ?? "unhealthy"),
                server.name == health.metaLeader ? "meta leader" : "",
            ])
        }
        for server in health.missing {
            rows.append([server.name, "-", "-", "-", server.offline ? "down (offline)" : "down (no reply)", ""])
        }
        let routes = health.unansweredRoutes.count >= health.unnamedMissing + health.missing.count
            ? Array(health.unansweredRoutes.suffix(health.unnamedMissing)) : []
        for i in 0..<health.unnamedMissing {
            let name = i < routes.count ? "? (route \(routes[i]))" : "?"
            rows.append([name, "-", "-", "-", "down (no reply; not named by the meta group yet)", ""])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
        lines.append("")
        lines.append("JetStream meta leader: \(health.metaLeader ?? "none")")
        if !health.metaReplicasLagging.isEmpty {
            lines.append("Meta followers lagging: \(health.metaReplicasLagging.joined(separator: ", "))")
        }
        if let level = health.apiLevel { lines.append("JetStream API level (lowest): \(level)") }
        lines.append(health.problems.isEmpty ? "Healthy." : "Problems:\n" + health.problems.map { "  - \($0)" }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }
}
