import Foundation
import JetStream
import LocalCluster
import NATS
import Testing

/// `jetform status` against a real 3-node cluster with servers killed.
@Suite("Status against a real cluster", .serialized)
struct StatusIntegrationTests {
    /// The live meta leader per the system account, once the servers agree on one.
    static func leader(_ system: SystemClient, answering: Int) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let health = try await system.clusterHealth(expectedServers: answering)
            if let leader = health.metaLeader, health.servers.count == answering { return leader }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw StatusTestError.noLeader
    }

    enum StatusTestError: Error { case noLeader }

    @Test(arguments: [nil, "2.10.26"] as [String?])
    func aKilledServerIsDownByNameAndADeadLeaderIsNeverNamed(version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let cli = try JetformCLI(cluster: cluster)
            defer { cli.remove() }
            let client = try await systemClient(cluster)
            let system = SystemClient(client: client)
            let healthy = try await cli.run(["status", "topology.yaml"])
            #expect(healthy.status == 0, "\(healthy)")
            #expect(healthy.stdout.contains("Healthy."), "\(healthy)")

            // A follower killed: it is down by name at once and for as long as it stays down, never lagging.
            let leader = try await Self.leader(system, answering: 3)
            let names = cluster.servers.map(\.name)
            let follower = try #require(names.first { $0 != leader })
            try await cluster.kill(server: follower)
            let killedAt = ContinuousClock.now
            for wait in [Duration.zero, .seconds(8) - killedAt.duration(to: .now)] {
                if wait > .zero { try await Task.sleep(for: wait) }
                let asked = ContinuousClock.now
                let status = try await cli.run(["status", "-f", "topology.yaml"])
                print("status (nats-server \(version ?? "current")): with \(follower) down, `jetform status` took \(asked.duration(to: .now))")
                #expect(status.status == 1, "\(status)")
                #expect(!status.stdout.contains("Healthy."), "\(status)")
                // By name from the meta group's peer list; 2.10 lists (and counts) a peer only once the
                // leader has its statistics, so there a server killed before that is not named …
                // … then it is found at its configured route.
                let unnamedOn2_10 = version != nil && status.stdout.contains("no server answers at configured route")
                #expect(status.stdout.contains("\(follower) is down") || unnamedOn2_10, "\(status)")
                #expect(!status.stdout.contains("lagging"), "\(status)")
                #expect(status.stdout.contains("JetStream meta leader: \(leader)"), "\(status)")
                let json = try await cli.run(["status", "--json"])
                #expect(json.status == 1, "\(json)")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
                let missing = (object["missing"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                #expect(missing == [follower] || (version != nil && object["unnamed_missing"] as? Int == 1), "\(json)")
                #expect((object["servers"] as? [[String: Any]])?.count == 2, "\(json)")
            }
            print("status (nats-server \(version ?? "current")): \(follower) killed, reported down at once and \(killedAt.duration(to: .now)) after the kill")

            // Back up: healthy again.
            try await cluster.start(server: follower)
            // A restarted 2.10 follower beside the whole suite on two cores was once still behind the meta
            // leader after 60 s (JSZ current false, the server's own view): it gets longer to catch up.
            let restarted = ContinuousClock.now
            let deadline = restarted + .seconds(version == nil ? 60 : 120)
            var recovered = try await cli.run(["status"])
            while recovered.status != 0 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
                recovered = try await cli.run(["status"])
            }
            #expect(recovered.status == 0, "\(recovered)")
            print("status (nats-server \(version ?? "current")): healthy again \(restarted.duration(to: .now)) after the restart")

            // The leader killed: right after, the survivors still name it, but status never does.
            let next = try await Self.leader(system, answering: 3)
            try await cluster.kill(server: next)
            let status = try await cli.run(["status"])
            #expect(status.status == 1, "\(status)")
            let leaderLine = status.stdout.split(separator: "\n").first { $0.hasPrefix("JetStream meta leader:") }.map(String.init)
            #expect(leaderLine != nil && leaderLine != "JetStream meta leader: \(next)", "a dead server is never the meta leader: \(status)")
            #expect(status.stdout.contains("\(next) is down"), "\(status)")
            let row = status.stdout.split(separator: "\n").first { $0.hasPrefix(next) }.map(String.init) ?? ""
            #expect(!row.contains("meta leader"), "\(status)")
            await client.close()
        }
    }
}
