import Foundation
import Testing

@testable import LocalCluster

/// Against real nats-server processes: a missing binary fails the test, it never skips.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct LocalClusterTests {
    @Test func startsThreeServersWithAMetaLeaderAndSurvivesAKill() async throws {
        var stateDir: URL?
        var pids: [Int32] = []
        let startedAt = ContinuousClock.now
        try await LocalCluster.withCluster { cluster in
            print("cluster ready after \(ContinuousClock.now - startedAt)")
            stateDir = cluster.layout.stateDir
            #expect(cluster.clientURLs.count == 3)
            #expect(cluster.clientURLs.allSatisfy { $0.hasPrefix("nats://127.0.0.1:") })

            let status = await cluster.status()
            #expect(status.servers.map(\.name) == ["inst-1", "inst-2", "inst-3"])
            #expect(status.allUp && status.allHealthy)
            #expect(status.servers.allSatisfy { $0.version == "2.15.1" && $0.pid != nil })
            pids += status.servers.compactMap(\.pid)
            let leader = try #require(status.metaLeader)
            #expect(cluster.layout.names.contains(leader))

            // Kill the leader: the others report it down and elect a new one.
            let killedAt = ContinuousClock.now
            try await cluster.kill(server: leader)
            let afterKill = try #require(
                await cluster.waitForStatus(timeout: .seconds(30)) { status in
                    status.downServers.map(\.name) == [leader]
                        && status.metaLeader != nil && status.metaLeader != leader
                })
            print("new meta leader \(afterKill.metaLeader ?? "-") after \(ContinuousClock.now - killedAt)")
            #expect(afterKill.servers.first { $0.name == leader }?.pid == nil)

            // Back with the same store: it rejoins and all agree on a leader.
            try await cluster.start(server: leader, timeout: .seconds(30))
            let rejoined = await cluster.status()
            #expect(rejoined.allUp && rejoined.allHealthy && rejoined.metaLeader != nil)
            pids += rejoined.servers.compactMap(\.pid)
        }

        // Stopped and cleaned up: no server processes left, no state directory.
        let directory = try #require(stateDir)
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        #expect(pids.count == 6)
        #expect(pids.filter(POSIX.isRunning).isEmpty)
    }

    @Test func stopsTheServersWhenTheBodyThrows() async throws {
        struct Boom: Error {}
        var layout: ClusterLayout?
        await #expect(throws: Boom.self) {
            try await LocalCluster.withCluster { cluster in
                layout = cluster.layout
                throw Boom()
            }
        }
        let ports = try #require(layout).clientPorts
        #expect(ports.allSatisfy { !Sockets.isPortInUse($0) })
    }

    @Test func runsAnOlderReleaseWithTheSameConfig() async throws {
        try await LocalCluster.withCluster(version: "2.10.26") { cluster in
            let status = await cluster.status()
            #expect(status.servers.allSatisfy { $0.version == "2.10.26" })
            #expect(status.metaLeader != nil)
        }
    }

    @Test func appendsExtraConfig() async throws {
        try await LocalCluster.withCluster(extraConfig: "max_payload: 65536") { cluster in
            let varz = try #require(Monitoring(port: cluster.servers[0].monitorPort).get("/varz"))
            #expect(varz["max_payload"] as? Int == 65536)
        }
    }

    /// A cut server has no route left (none goes around the relays) while its clients' port still answers, the others elect a leader without it, and
    /// healing brings every route back.
    @Test func partitionCutsOneServerOffAndHealRestoresItsRoutes() async throws {
        try await LocalCluster.withCluster(partitionable: true) { cluster in
            #expect(cluster.layout.routeLinks.count == 6)
            func routes(_ server: ServerSpec) -> Int? { Monitoring(port: server.monitorPort).get("/routez")?["num_routes"] as? Int }
            // Routes are pooled (several per pair): count the servers at the other ends.
            func peers(_ server: ServerSpec) -> Set<String> {
                let list = Monitoring(port: server.monitorPort).get("/routez")?["routes"] as? [[String: Any]] ?? []
                return Set(list.compactMap { $0["remote_name"] as? String })
            }
            let servers = cluster.servers
            for server in servers { #expect(peers(server) == Set(servers.map(\.name)).subtracting([server.name]), "\(server.name) routed to both others") }
            let leader = try #require(await cluster.status().metaLeader)
            let victim = try cluster.layout.server(named: leader)
            try await cluster.partition(server: leader)
            // The server notices its closed routes within moments, and none comes back around the relays.
            let deadline = ContinuousClock.now + .seconds(5)
            while routes(victim) != 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(routes(victim) == 0)
            #expect(Monitoring(port: victim.monitorPort).varz() != nil, "the cut-off server still runs and answers")
            let split = await cluster.waitForStatus(timeout: .seconds(30)) { status in
                status.servers.filter { $0.name != leader }.allSatisfy { $0.metaLeader != nil && $0.metaLeader != leader }
            }
            #expect(split != nil, "the other two elect a meta leader without \(leader)")
            #expect(routes(victim) == 0, "still cut off")

            try await cluster.heal()
            let healed = await cluster.waitForStatus(timeout: .seconds(30)) { status in
                status.allHealthy && status.metaLeader != nil
                    && servers.allSatisfy { peers($0) == Set(servers.map(\.name)).subtracting([$0.name]) }
            }
            #expect(healed != nil, "every server routed again after healing")
        }
    }

    @Test func partitionNeedsRelayedRoutes() async throws {
        let cluster = LocalCluster(
            layout: try ClusterLayout.freePorts(stateDir: FileManager.default.temporaryDirectory.appendingPathComponent("jetform-\(UUID())")),
            serverBinary: URL(fileURLWithPath: "nats-server"))
        let error = await #expect(throws: LocalClusterError.self) { try await cluster.partition(server: "inst-1") }
        #expect(error?.description.contains("--partitionable") == true)
    }

    @Test func refusesToStartOnAPortInUse() async throws {
        try await LocalCluster.withCluster { running in
            let stateDir = FileManager.default.temporaryDirectory.appendingPathComponent("jetform-\(UUID())")
            defer { try? FileManager.default.removeItem(at: stateDir) }
            let clash = LocalCluster(
                layout: ClusterLayout(
                    servers: running.layout.servers, configDir: running.layout.configDir, stateDir: stateDir),
                serverBinary: running.serverBinary)
            let error = await #expect(throws: LocalClusterError.self) { try await clash.start() }
            #expect(error?.description.contains("port \(running.servers[0].clientPort)") == true)
        }
    }
}

extension Monitoring {
    func get(_ path: String) -> [String: Any]? {
        guard let response = Sockets.get(port: port, path: path) else { return nil }
        return (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
    }
}

@Suite(.timeLimit(.minutes(1)))
struct AbandonedServerTests {
    /// A test process that crashed never stopped its servers; the next one kills them.
    @Test func sweepKillsServersOfADeadOwner() async throws {
        let directory = ScratchDirectory.base.appendingPathComponent("abandoned-\(UUID().uuidString.prefix(8))")
        let ports = try Sockets.freePorts(count: 2)
        let server = LocalServer(
            clientPort: ports[0], monitorPort: ports[1], stateDir: directory.appendingPathComponent("srv"),
            serverBinary: try LocalCluster.locateServer())
        try await server.start()
        let pid = try #require(
            ServerProcess(name: "", pidFile: directory.appendingPathComponent("srv/nats-server.pid"), logFile: directory)
                .runningPID)

        // An owner pid that no longer exists: a child that has exited and been reaped.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/sh")
        gone.arguments = ["-c", "exit 0"]
        try gone.run()
        gone.waitUntilExit()
        try Data("\(gone.processIdentifier)\n".utf8).write(to: directory.appendingPathComponent("owner.pid"))

        ScratchDirectory.sweepAbandoned()
        #expect(await POSIX.waitForExit(pid, timeout: .seconds(5)))
        #expect(!FileManager.default.fileExists(atPath: directory.path))
        await server.stop()
    }
}
