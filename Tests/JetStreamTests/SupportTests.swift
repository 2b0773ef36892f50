import Foundation
import Synchronization
import NATS
import NIOCore
import Testing
@testable import JetStream

enum NATSHeadersShim {
    static func make(_ pairs: [String: String]) -> NATSHeaders? { NATSHeaders(pairs.map { ($0.key, $0.value) }) }
}

@Suite struct RetryTests {
    @Test func delaysGrowWithJitterUpToTheCap() {
        let policy = RetryPolicy(budget: .seconds(20), initialDelay: .milliseconds(100), maxDelay: .seconds(2))
        for attempt in 1...10 {
            let d = policy.delay(attempt: attempt)
            let nominal = min(0.1 * pow(2, Double(attempt - 1)), 2)
            let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            #expect(seconds >= nominal / 2 - 1e-6 && seconds <= nominal + 1e-6)
        }
    }

    @Test func retriesOnlyTransientErrors() async throws {
        // A generous budget: this checks which errors are retried, not timing (the suite runs beside
        // cluster tests on two cores, where a 1 ms sleep can take seconds).
        let policy = RetryPolicy(budget: .seconds(60), initialDelay: .milliseconds(1), maxDelay: .milliseconds(5))
        var calls = 0
        let value = try await withRetry(policy) { () async throws(JetStreamError) -> Int in
            calls += 1
            if calls < 3 { throw .api(APIError(code: 503, errCode: .clusterNotAvailable, description: "JetStream system temporarily unavailable"), operation: "t") }
            return 42
        }
        #expect(value == 42 && calls == 3)

        calls = 0
        await #expect(throws: JetStreamError.self) {
            try await withRetry(policy) { () async throws(JetStreamError) -> Int in
                calls += 1
                throw .api(APIError(code: 404, errCode: .streamNotFound, description: "stream not found"), operation: "t")
            }
        }
        #expect(calls == 1)
    }

    @Test func budgetEndsRetries() async {
        let policy = RetryPolicy(budget: .milliseconds(200), initialDelay: .milliseconds(20), maxDelay: .milliseconds(40))
        let start = ContinuousClock.now
        let calls = Counter()
        await #expect(throws: JetStreamError.self) {
            try await withRetry(policy) { () async throws(JetStreamError) -> Int in
                calls.increment()
                throw .noResponders(operation: "t")
            }
        }
        // 200 ms of 20-40 ms pauses allows about ten attempts; the run must end, not retry forever.
        #expect(calls.value <= 12, "attempts: \(calls.value)")
        #expect(ContinuousClock.now - start < .seconds(30))
    }
}

@Suite struct HealthSummaryTests {
    func reply<T: Codable>(_ text: String, as: T.Type) throws -> ServerReply<T> {
        try JSONDecoder().decode(ServerReply<T>.self, from: Data(text.utf8))
    }

    @Test func realRepliesDecode() throws {
        let jsz = try reply(Fixtures.v2_15_1.sysJsz, as: JSZ.self)
        #expect(jsz.data?.metaCluster?.clusterSize == 3 && jsz.server.version == "2.15.1")
        #expect((jsz.data?.api?.level ?? 0) >= 1)
        let old = try reply(Fixtures.v2_10_25.sysJsz, as: JSZ.self)
        #expect(old.data?.api?.level == nil && old.data?.metaCluster?.leader != nil)
        let health = try reply(Fixtures.v2_15_1.sysHealthz, as: Healthz.self)
        #expect(health.data?.isOK == true)
        let varz = try reply(Fixtures.v2_15_1.sysVarz, as: Varz.self)
        #expect(varz.data?.version == "2.15.1" && varz.data?.apiLevel != nil)
    }

    @Test func summaryFlagsMissingServersAndLaggingFollowers() throws {
        func server(_ name: String) -> ServerIdentity {
            var s = ServerIdentity(name: name)
            s.version = "2.15.1"
            s.jetstream = true
            return s
        }
        func jsz(_ name: String, leader: String?, replicas: [PeerInfo]) -> ServerReply<JSZ> {
            var data = JSZ()
            data.api = APIStats()
            data.api?.level = name == "n2" ? 1 : 3
            data.metaCluster = MetaClusterInfo()
            data.metaCluster?.leader = leader
            data.metaCluster?.replicas = replicas
            return ServerReply(server: server(name), data: data, error: nil)
        }
        var ok = Healthz()
        ok.status = "ok"
        let lagging = [PeerInfo(name: "n1", current: true), PeerInfo(name: "n2", current: false)]
        let health = ClusterHealth(
            jsz: [jsz("n0", leader: "n0", replicas: lagging), jsz("n2", leader: "n0", replicas: [])],
            healthz: [ServerReply(server: server("n0"), data: ok, error: nil)],
            expectedServers: 3
        )
        #expect(health.metaLeader == "n0")
        // n1 did not answer: the leader still calls it current (it has not noticed yet), but it is down, not current.
        #expect(health.metaReplicasCurrent == [] && health.metaReplicasLagging == ["n2"])
        #expect(health.missing == [MissingServer(name: "n1", offline: false)])
        #expect(health.problems.contains("n1 is down: it did not answer"))
        #expect(health.apiLevel == 1)
        #expect(health.problems.contains("2 of 3 servers answered"))
        #expect(health.problems.contains { $0.hasPrefix("n2 is not healthy") })
        #expect(!health.isHealthy)
    }

    /// JSZ and HEALTHZ replies as servers send them: `answering` answer, each naming `leader` and the others as peers.
    func replies(answering: [String], leader: String, peers: [String: String]) throws -> ([ServerReply<JSZ>], [ServerReply<Healthz>]) {
        let all = Set(answering).union(peers.keys).union([leader]).sorted()
        let jsz = try answering.map { name in
            let replicas = all.filter { $0 != name }.map { other in
                "{\"name\":\"\(other)\",\(peers[other] ?? "\"current\":true,\"active\":100000000")}"
            }.joined(separator: ",")
            return try reply("""
                {"server":{"name":"\(name)","ver":"2.15.1","jetstream":true},
                 "data":{"meta_cluster":{"leader":"\(leader)","cluster_size":3,"replicas":[\(replicas)]}}}
                """, as: JSZ.self)
        }
        let healthz = try answering.map { name in
            try reply(#"{"server":{"name":"\#(name)","ver":"2.15.1","jetstream":true},"data":{"status":"ok"}}"#, as: Healthz.self)
        }
        return (jsz, healthz)
    }

    @Test func aKilledFollowerIsDownByNameNotLagging() throws {
        // What the leader says 8 s after inst-3 was killed: the peer is kept, offline, not current.
        let (jsz, healthz) = try replies(answering: ["inst-1", "inst-2"], leader: "inst-1",
                                         peers: ["inst-3": #""current":false,"offline":true,"active":8000000000"#])
        let health = ClusterHealth(jsz: jsz, healthz: healthz, expectedServers: nil)
        #expect(health.missing == [MissingServer(name: "inst-3", offline: true, lastSeen: .seconds(8))])
        #expect(health.metaReplicasLagging.isEmpty, "a dead server is not lagging")
        #expect(health.metaLeader == "inst-1")
        #expect(health.problems == ["inst-3 is down: it did not answer and the meta group lists it as offline, last seen 8.0s ago",
                                    "2 of 3 servers answered"])
        #expect(!health.isHealthy)
    }

    @Test func aServerTheMetaGroupCountsButNobodyNamesIsMissingToo() throws {
        // 2.10: a server killed before the leader had its statistics is in cluster_size, in no peer list.
        let (jsz, healthz) = try replies(answering: ["inst-1", "inst-2"], leader: "inst-1", peers: [:])
        let health = ClusterHealth(jsz: jsz, healthz: healthz, expectedServers: nil)
        #expect(health.missing.isEmpty && health.unnamedMissing == 1)
        #expect(health.problems == ["2 of 3 servers answered",
                                    "1 server the meta group counts did not answer and is not named by it yet (down before the leader had its statistics)"])
        #expect(!health.isHealthy)
    }

    /// VARZ and ROUTEZ of servers configured with routes to 127.0.0.1:6222…6224 (`inst-1`…`inst-3`).
    func routeReplies(answering: [String], addr: String = "127.0.0.1") throws -> ([ServerReply<Varz>], [ServerReply<Routez>]) {
        let ports = ["inst-1": 6222, "inst-2": 6223, "inst-3": 6224]
        let varz = try answering.map { name in
            try reply("""
                {"server":{"name":"\(name)","ver":"2.10.26","jetstream":true},
                 "data":{"cluster":{"name":"c","addr":"\(addr)","cluster_port":\(ports[name]!),"urls":["127.0.0.1:6222","localhost:6223","127.0.0.1:6224"]}}}
                """, as: Varz.self)
        }
        let routez = try answering.map { name in
            let routes = answering.filter { $0 != name }.map { other in
                #"{"remote_name":"\#(other)","did_solicit":true,"ip":"127.0.0.1","port":\#(ports[other]!)},{"remote_name":"\#(other)","did_solicit":false,"ip":"127.0.0.1","port":50000}"#
            }.joined(separator: ",")
            return try reply(#"{"server":{"name":"\#(name)","ver":"2.10.26","jetstream":true},"data":{"routes":[\#(routes)]}}"#, as: Routez.self)
        }
        return (varz, routez)
    }

    @Test func aServerNobodyCountsIsFoundAtItsConfiguredRoute() throws {
        // 2.10 right after a start: inst-3 killed before the leader counted it (cluster_size 2).
        var (jsz, healthz) = try replies(answering: ["inst-1", "inst-2"], leader: "inst-1", peers: [:])
        jsz = try jsz.map { r in
            try reply("""
                {"server":{"name":"\(r.server.name)","ver":"2.10.26","jetstream":true},
                 "data":{"meta_cluster":{"leader":"inst-1","cluster_size":2,"replicas":[]}}}
                """, as: JSZ.self)
        }
        #expect(ClusterHealth(jsz: jsz, healthz: healthz, expectedServers: nil).isHealthy, "without the routes nothing tells")
        let (varz, routez) = try routeReplies(answering: ["inst-1", "inst-2"])
        let routes = ClusterHealth.unansweredRoutes(varz: varz, routez: routez, answering: ["inst-1", "inst-2"])
        #expect(routes == ["127.0.0.1:6224"])
        let health = ClusterHealth(jsz: jsz, healthz: healthz, expectedServers: nil, routes: routes)
        #expect(health.unnamedMissing == 1 && !health.isHealthy)
        #expect(health.problems == ["2 of 3 servers answered",
                                    "no server answers at configured route 127.0.0.1:6224: down (the meta group does not name it yet)"])

        // Every server answering: nothing is missing. Servers listening on every address, or routes by
        // host name, are never judged missing.
        let (all, allRoutes) = try routeReplies(answering: ["inst-1", "inst-2", "inst-3"])
        #expect(ClusterHealth.unansweredRoutes(varz: all, routez: allRoutes, answering: ["inst-1", "inst-2", "inst-3"]).isEmpty)
        let (wild, wildRoutes) = try routeReplies(answering: ["inst-1"], addr: "0.0.0.0")
        #expect(ClusterHealth.unansweredRoutes(varz: wild, routez: wildRoutes, answering: ["inst-1"]) == ["127.0.0.1:6223", "127.0.0.1:6224"])
        let named = try reply("""
            {"server":{"name":"inst-1","ver":"2.10.26","jetstream":true},
             "data":{"cluster":{"addr":"0.0.0.0","cluster_port":6222,"urls":["nats-1:6222","nats-2:6222","nats-3:6222"]}}}
            """, as: Varz.self)
        #expect(ClusterHealth.unansweredRoutes(varz: [named], routez: [], answering: ["inst-1"]).isEmpty)
    }

    @Test func aKilledLeaderIsNeverTheMetaLeader() throws {
        // Two seconds after the leader was killed, the survivors still name it.
        let (jsz, healthz) = try replies(answering: ["inst-2", "inst-3"], leader: "inst-1", peers: [:])
        let health = ClusterHealth(jsz: jsz, healthz: healthz, expectedServers: nil)
        #expect(health.metaLeader == nil)
        #expect(health.missing.map(\.name) == ["inst-1"])
        #expect(health.problems.contains("no JetStream meta leader (the others still name inst-1, which does not answer; an election is due)"))
    }
}

final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
