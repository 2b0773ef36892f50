import Foundation
import Testing

@testable import LocalCluster

struct ClusterStatusTests {
    func server(_ name: String, up: Bool = true, leader: String?) -> ServerStatus {
        ServerStatus(name: name, clientURL: "", monitorURL: "", isUp: up, isHealthy: up, metaLeader: leader)
    }

    @Test func leaderNeedsAMajorityOfAllServers() {
        #expect(ClusterStatus(servers: [server("a", leader: "b"), server("b", leader: "b"), server("c", leader: nil)]).metaLeader == "b")
        #expect(ClusterStatus(servers: [server("a", leader: "a"), server("b", leader: "b"), server("c", leader: nil)]).metaLeader == nil)
        #expect(ClusterStatus(servers: [server("a", leader: "a"), server("b", up: false, leader: nil), server("c", up: false, leader: nil)]).metaLeader == nil)
    }

    @Test func aDeadLeaderIsNoLeader() {
        // Followers keep naming the old leader until their election timeout.
        let status = ClusterStatus(servers: [
            server("a", up: false, leader: nil), server("b", leader: "a"), server("c", leader: "a"),
        ])
        #expect(status.metaLeader == nil)
        #expect(status.downServers.map(\.name) == ["a"])
        #expect(!status.allUp)
    }

    @Test func jsonSaysWhatTheTableSays() throws {
        let status = ClusterStatus(servers: [
            server("a", up: false, leader: nil), server("b", leader: "b"), server("c", leader: "b"),
        ])
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(status)) as? [String: Any])
        #expect(object["all_up"] as? Bool == false)
        #expect(object["meta_leader"] as? String == "b")
        #expect(object["down"] as? [String] == ["a"])
        let servers = try #require(object["servers"] as? [[String: Any]])
        #expect(servers.map { $0["name"] as? String } == ["a", "b", "c"])
        #expect(servers.map { $0["is_up"] as? Bool } == [false, true, true])
    }

    @Test func pidFilesNeverNameAProcessGroup() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jetform-pid-\(UUID())")
        defer { try? FileManager.default.removeItem(at: file) }
        for text in ["0", "-1", "1", "garbage", ""] {
            try Data(text.utf8).write(to: file)
            #expect(ServerProcess(name: "", pidFile: file, logFile: file).runningPID == nil, "\(text)")
        }
    }

    @Test func standardLayoutMatchesTheIssue() {
        let layout = ClusterLayout.standard(configDir: URL(fileURLWithPath: "/c"), stateDir: URL(fileURLWithPath: "/s"))
        #expect(layout.names == ["inst-1", "inst-2", "inst-3"])
        #expect(layout.clientPorts == [4222, 4223, 4224])
        #expect(layout.clusterPorts == [6222, 6223, 6224])
        #expect(layout.monitorPorts == [8222, 8223, 8224])
        #expect(layout.clientURLs == ["nats://127.0.0.1:4222", "nats://127.0.0.1:4223", "nats://127.0.0.1:4224"])
        #expect(layout.environment(for: layout.servers[1])["NATS_ROUTES"]
            == "[nats-route://127.0.0.1:6222, nats-route://127.0.0.1:6223, nats-route://127.0.0.1:6224]")
        #expect(layout.environment(for: layout.servers[1])["NATS_STORE_DIR"] == "\"/s/inst-2/store\"")
    }

    @Test func includePathClimbsToTheRoot() {
        let path = ConfigText.includePath(
            of: URL(fileURLWithPath: "/work/repo/cluster/server.conf"), from: URL(fileURLWithPath: "/tmp/x/y"))
        #expect(path == "../../../work/repo/cluster/server.conf")
    }
}
