import Foundation
import JetStream
import LocalCluster
import NATS
import Synchronization
import Testing
import Topology
@testable import Reconcile

/// A server dies, freezes or is cut off in the middle of an apply: the apply finishes or fails with a
/// clear error per failed step, and once the server is back a second run converges and the plan is empty.
@Suite("Apply with a server killed, paused or partitioned", .serialized)
struct ApplyFaultTests {
    static let streamCount = 100

    static func hundredStreams() throws -> TopologySpec {
        var yaml = ""
        for i in 0..<streamCount {
            yaml += "  F\(i):\n    subjects: [f\(i).>]\n    num_replicas: 3\n    storage: \(i % 2 == 0 ? "file" : "memory")\n"
            yaml += "    max_age: 1h\n    consumers:\n      work: { ack_policy: explicit, filter_subject: f\(i).a }\n"
        }
        return try topology(yaml, name: "faults")
    }

    func plan(_ topology: TopologySpec, _ js: JetStreamContext, _ caps: ServerCapabilities) async throws -> Plan {
        Planner.plan(desired: topology, observed: try await ClusterObserver(jetStream: js).observe(expecting: topology), capabilities: caps)
    }

    /// How the meta leader is disrupted, and how it comes back.
    enum Fault: String, CustomTestStringConvertible, CaseIterable {
        /// SIGKILL; started again once the apply has returned.
        case kill
        /// SIGSTOP for `held`, then SIGCONT, while the apply goes on.
        case pause
        /// Routes cut for `held` (its clients stay connected), then healed, while the apply goes on.
        case partition

        var testDescription: String { rawValue }
        /// Longer than an election (4–9 s without heartbeats).
        static let held = Duration.seconds(10)
    }

    @Test(arguments: Fault.allCases)
    func metaLeaderDisruptedDuringApplyOf100Streams(_ fault: Fault) async throws {
        try await disruptedDuringApply(fault, version: nil)
    }

    func disruptedDuringApply(_ fault: Fault, version: String?) async throws {
        try await LocalCluster.withCluster(version: version, partitionable: fault == .partition) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            let caps = try #require(ClusterObserver.capabilities(of: client))
            let desired = try Self.hundredStreams()
            let first = try await plan(desired, js, caps)
            #expect(first.actions.count == 2 * Self.streamCount)

            // Kill the meta leader (the server every create goes through) once a fifth of the streams exist.
            let victim = try #require(await cluster.status().metaLeader, "the cluster has a meta leader")
            let done = Mutex(0)
            let (killNow, trigger) = AsyncStream.makeStream(of: Void.self)
            let apply = Task {
                try await PlanExecutor(jetStream: js).apply(first) { result in
                    let n = done.withLock { count in
                        count += 1
                        return count
                    }
                    if n == Self.streamCount / 5 { trigger.yield() }
                }
            }
            for await _ in killNow { break }
            let restored: Task<Void, any Error>
            switch fault {
            case .kill:
                try await cluster.kill(server: victim)
                restored = Task {}
            case .pause:
                try await cluster.pause(server: victim)
                restored = Task {
                    try await Task.sleep(for: Fault.held)
                    try await cluster.resume(server: victim)
                }
            case .partition:
                try await cluster.partition(server: victim)
                restored = Task {
                    try await Task.sleep(for: Fault.held)
                    try await cluster.heal()
                }
            }

            let disruptedAt = ContinuousClock.now
            let outcome = await apply.result
            let took = ContinuousClock.now - disruptedAt
            switch outcome {
            case .success(let results):
                print("\(fault) \(victim): apply finished \(took) after the fault, \(results.count) steps")
                #expect(results.allSatisfy { $0.error == nil })
            case .failure(let error as ApplyError):
                // Failing is allowed; failing vaguely is not: every failed step names its resource and a cause.
                guard case .stepsFailed(let failed) = error else {
                    Issue.record("unexpected apply error: \(error)")
                    break
                }
                print("\(fault) \(victim): apply failed \(took) after the fault, \(failed.count) steps failed; first: \(failed.first.map { "\($0.step.resource): \($0.error.map { "\($0)" } ?? "")" } ?? "")")
                #expect(!failed.isEmpty)
                for step in failed {
                    #expect(step.error != nil)
                    #expect(error.description.contains(step.step.resource.description))
                }
            case .failure(let error):
                Issue.record("apply failed with something other than ApplyError: \(error)")
            }
            let stepsDone = done.withLock { $0 }
            #expect(stepsDone >= Self.streamCount / 5)

            // Bring the server back; a second run converges.
            try await restored.value
            if fault == .kill { try await cluster.start(server: victim) }
            let healthy = await cluster.waitForStatus(timeout: .seconds(60)) { $0.allHealthy }
            #expect(healthy != nil, "cluster healthy again after restarting \(victim)")
            let second = try await plan(desired, js, caps)
            print("\(fault) \(victim): the re-run applies \(second.actions.count) changes")
            _ = try await PlanExecutor(jetStream: js).apply(second)
            let third = try await plan(desired, js, caps)
            #expect(third.isEmpty, "plan after the re-run: \(PlanRenderer.render(third))")
            await client.close()
        }
    }
}

/// A server down is an outage to report, not a reason to refuse the file: the connection then announces
/// two of three servers, but the R3 streams still count three.
@Suite("Plan with a server down", .serialized)
struct DegradedPlanTests {
    @Test func aPlanWithAServerDownStillAcceptsTheFilesR3Streams() async throws {
        try await LocalCluster.withCluster { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            try await waitUntilPlacementWorks(js)
            let desired = try topology("""
              ORDERS: { subjects: [orders.>], num_replicas: 3, storage: memory }

            """)
            let caps = try #require(ClusterObserver.capabilities(of: client))
            _ = try await PlanExecutor(jetStream: js).apply(
                Planner.plan(desired: desired, observed: try await ClusterObserver(jetStream: js).observe(expecting: desired), capabilities: caps))

            // Down: a server the client is not connected to, so the announced URLs drop it.
            let connected = client.serverInfo?.serverName
            let victim = try #require(cluster.servers.map(\.name).first { $0 != connected })
            try await cluster.kill(server: victim)
            var announced = 3
            let deadline = ContinuousClock.now + .seconds(20)
            while announced > 2 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                announced = ClusterObserver.capabilities(of: client)?.clusterSize ?? 3
            }
            #expect(announced == 2, "the connection announces the two servers left")
            let degraded = try #require(ClusterObserver.capabilities(of: client))
            let plan = Planner.plan(desired: desired, observed: try await ClusterObserver(jetStream: js).observe(expecting: desired),
                                    capabilities: degraded)
            #expect(plan.errors.isEmpty, "\(plan.errors)")
            #expect(plan.isEmpty, "\(PlanRenderer.render(plan))")
            try await cluster.start(server: victim)
            await client.close()
        }
    }
}
