import Foundation
import JetStream
import Testing
import Topology
@testable import Reconcile

/// The health rule apply enforces, on health summaries built from JSZ/HEALTHZ replies (no server).
@Suite("Preflight health rule")
struct PreflightTests {
    static func health(_ servers: [(name: String, version: String, leader: String?)], unhealthy: Set<String> = []) throws -> ClusterHealth {
        let decoder = JSONDecoder()
        let jsz = try servers.map { s in
            let leader = s.leader.map { "\"\($0)\"" } ?? "null"
            let replicas = servers.filter { $0.name != s.name }.map { "{\"name\":\"\($0.name)\",\"current\":true}" }.joined(separator: ",")
            let text = """
            {"server":{"name":"\(s.name)","ver":"\(s.version)","jetstream":true},
             "data":{"meta_cluster":{"leader":\(leader),"replicas":[\(replicas)]}}}
            """
            return try decoder.decode(ServerReply<JSZ>.self, from: Data(text.utf8))
        }
        let healthz = try servers.map { s in
            let status = unhealthy.contains(s.name) ? "unavailable" : "ok"
            return try decoder.decode(ServerReply<Healthz>.self, from: Data("""
            {"server":{"name":"\(s.name)","ver":"\(s.version)","jetstream":true},"data":{"status":"\(status)"}}
            """.utf8))
        }
        return ClusterHealth(jsz: jsz, healthz: healthz, expectedServers: nil)
    }

    static let r3 = """
      ORDERS:
        subjects: [orders.>]
        num_replicas: 3

    """

    @Test func threeHealthyServersPass() throws {
        let plan = Planner.plan(desired: try topology(Self.r3), observed: ObservedState(), capabilities: .v2_15)
        let h = try Self.health([("a", "2.15.1", "a"), ("b", "2.15.1", "a"), ("c", "2.15.1", "a")])
        let report = Preflight.check(plan, health: h)
        #expect(report.passed, "\(report.problems)")
    }

    @Test func tooFewServersForTheReplicasStops() throws {
        let plan = Planner.plan(desired: try topology(Self.r3), observed: ObservedState(), capabilities: .v2_15)
        let report = Preflight.check(plan, health: try Self.health([("a", "2.15.1", "a"), ("b", "2.15.1", "a"), ("c", "2.15.1", "a")],
                                                                  unhealthy: ["c"]))
        #expect(report.problems == ["stream ORDERS needs 3 replicas but only 2 servers are up and current (a, b) — start the missing servers (see `jetform status`) or lower num_replicas"])
        #expect(report.notes == ["c: unavailable"])
    }

    @Test func aServerTheLeaderDoesNotListYetIsNeitherCurrentNorLagging() throws {
        // 2.10 right after start: c answers JSZ and HEALTHZ, but the leader's replica list leaves it out
        // (until it has c's statistics); R3 creates already work, so it does not stop an apply.
        let decoder = JSONDecoder()
        let jsz = try ["a", "b", "c"].map { name in
            try decoder.decode(ServerReply<JSZ>.self, from: Data("""
            {"server":{"name":"\(name)","ver":"2.10.25","jetstream":true},
             "data":{"meta_cluster":{"leader":"a","replicas":[{"name":"b","current":true}]}}}
            """.utf8))
        }
        let healthz = try ["a", "b", "c"].map { name in
            try decoder.decode(ServerReply<Healthz>.self, from: Data("""
            {"server":{"name":"\(name)","ver":"2.10.25","jetstream":true},"data":{"status":"ok"}}
            """.utf8))
        }
        let health = ClusterHealth(jsz: jsz, healthz: healthz, expectedServers: 3)
        #expect(health.metaReplicasCurrent == ["b"])
        #expect(health.metaReplicasLagging.isEmpty)
        #expect(health.problems.isEmpty)
    }

    @Test func noMetaLeaderStops() throws {
        let plan = Planner.plan(desired: try topology("  ONE: { subjects: [one] }\n"), observed: ObservedState(), capabilities: .v2_15)
        let report = Preflight.check(plan, health: try Self.health([("a", "2.15.1", nil), ("b", "2.15.1", nil)]))
        #expect(report.problems.count == 1 && report.problems[0].contains("meta leader"), "\(report.problems)")
    }

    @Test func aFieldTheOldestServerDoesNotKnowStops() throws {
        let plan = Planner.plan(desired: try topology("  TTL: { subjects: [ttl], allow_msg_ttl: true }\n"), observed: ObservedState(),
                                capabilities: .v2_15)
        let report = Preflight.check(plan, health: try Self.health([("a", "2.15.1", "a"), ("b", "2.10.25", "a"), ("c", "2.15.1", "a")]))
        #expect(report.problems.contains { $0.contains("'allow_msg_ttl' needs nats-server 2.11 or later but b runs 2.10.25") }, "\(report.problems)")
    }
}
