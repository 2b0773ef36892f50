import Foundation
import JetStream
import LocalCluster
import NATS
import Synchronization
import Testing
import Topology
@testable import Reconcile

/// A server dies in the middle of an apply: the apply finishes or fails with a clear error per failed
/// step, and once the server is back a second run converges and the plan is empty.
@Suite("Apply with a server killed", .serialized)
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

    @Test func metaLeaderKilledDuringApplyOf100Streams() async throws {
        try await killedDuringApply(version: nil)
    }

    func killedDuringApply(version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
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
            try await cluster.kill(server: victim)

            let outcome = await apply.result
            switch outcome {
            case .success(let results):
                #expect(results.allSatisfy { $0.error == nil })
            case .failure(let error as ApplyError):
                // Failing is allowed; failing vaguely is not: every failed step names its resource and a cause.
                guard case .stepsFailed(let failed) = error else {
                    Issue.record("unexpected apply error: \(error)")
                    break
                }
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
            try await cluster.start(server: victim)
            let healthy = await cluster.waitForStatus(timeout: .seconds(60)) { $0.allHealthy }
            #expect(healthy != nil, "cluster healthy again after restarting \(victim)")
            let second = try await plan(desired, js, caps)
            _ = try await PlanExecutor(jetStream: js).apply(second)
            let third = try await plan(desired, js, caps)
            #expect(third.isEmpty, "plan after the re-run: \(PlanRenderer.render(third))")
            await client.close()
        }
    }
}
