import Foundation
import JetStream
import LocalCluster
import NATS
import Testing
import Topology
@testable import Reconcile

/// `jetform plan -out` / `jetform apply PLANFILE` and the health check before apply, against a real
/// 3-node cluster.
@Suite("Saved plans and the apply health check against a real cluster", .serialized)
struct SavedPlanAndPreflightIntegrationTests {
    @Test func aSavedPlanAppliesExactlyAndHoldsNoSecrets() async throws {
        try await LocalCluster.withCluster { cluster in
            let cli = try JetformCLI(cluster: cluster)
            defer { cli.remove() }
            let planned = try await cli.run(["plan", "-out", "users.plan", "topology.yaml"])
            #expect(planned.status == 0, "\(planned)")
            #expect(planned.stdout.contains("Saved the plan to users.plan"), "\(planned)")
            let text = try cli.read("users.plan")
            #expect(SavedPlan.looksLikePlan(text))
            for secret in ["\"password\"", "admin", "\"user\":", "pass"] {
                #expect(!text.contains(secret), "the saved plan holds no credentials (\(secret))")
            }
            let saved = try SavedPlan.decode(text, file: "users.plan")
            #expect(saved.plan.summary.add == 5)
            #expect(saved.context == "user" && saved.topologyFile == "topology.yaml")
            #expect(saved.resources.count == 5 && saved.resources.values.allSatisfy { $0 == "absent" })

            let applied = try await cli.run(["apply", "--yes", "users.plan"])
            #expect(applied.status == 0, "\(applied)")
            #expect(applied.stdout.contains("Apply complete: 5 call(s)"), "\(applied)")
            #expect(applied.stdout.contains("Applied the saved plan users.plan"), "\(applied)")
            #expect(!applied.stderr.contains("note: the cluster still differs"), "\(applied)")
            let check = try await cli.run(["plan", "--detailed-exitcode", "topology.yaml"])
            #expect(check.status == 0, "\(check)")

            // Applying the same plan again: what it touches changed (it was applied), so it is stale.
            let again = try await cli.run(["apply", "--yes", "users.plan"])
            #expect(again.status == 1, "\(again)")
            #expect(again.stderr.contains("stream REQUESTS was created since the plan"), "\(again)")
        }
    }

    @Test func aPlanIsRefusedWhenAnotherClientChangedTheClusterSince() async throws {
        try await LocalCluster.withCluster { cluster in
            let cli = try JetformCLI(cluster: cluster)
            defer { cli.remove() }
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            // Converge, then save a plan that repairs a drift on REQUESTS.
            let first = try await cli.run(["apply", "--yes", "topology.yaml"])
            #expect(first.status == 0, "\(first)")
            var edited = try await js.streamInfo("REQUESTS").config
            edited.maxAge = .seconds(9)
            edited.duplicateWindow = .seconds(9)
            _ = try await js.updateStream(edited)
            let planned = try await cli.run(["plan", "-out", "fix.plan", "topology.yaml"])
            #expect(planned.status == 0 && planned.stdout.contains("~ stream REQUESTS"), "\(planned)")

            // Another client changes the same stream again before the plan is applied.
            edited.maxAge = .seconds(20)
            edited.duplicateWindow = .seconds(20)
            _ = try await js.updateStream(edited)
            let before = try await ClusterObserver(jetStream: js).observe()

            let refused = try await cli.run(["apply", "--yes", "fix.plan"])
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.contains("the saved plan fix.plan is stale"), "\(refused)")
            #expect(refused.stderr.contains("stream REQUESTS was changed since the plan"), "\(refused)")
            #expect(refused.stderr.contains("Run `jetform plan -out fix.plan` again"), "\(refused)")
            #expect(!refused.stdout.contains("Apply complete"), "never re-planned silently: \(refused)")
            let after = try await ClusterObserver(jetStream: js).observe()
            #expect(after.stream(named: "REQUESTS") == before.stream(named: "REQUESTS"), "nothing was changed")
            #expect(try await js.streamInfo("REQUESTS").config.maxAge == .seconds(20))

            // A plan made now applies.
            let replanned = try await cli.run(["plan", "-out", "fix.plan", "topology.yaml"])
            #expect(replanned.status == 0, "\(replanned)")
            let applied = try await cli.run(["apply", "--yes", "fix.plan"])
            #expect(applied.status == 0, "\(applied)")
            #expect(try await js.streamInfo("REQUESTS").config.maxAge == .seconds(5))
            await client.close()
        }
    }

    @Test func applyStopsBeforeChangingAnythingWhenAServerIsDown() async throws {
        try await LocalCluster.withCluster { cluster in
            let cli = try JetformCLI(cluster: cluster)
            defer { cli.remove() }
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            let system = try await systemClient(cluster)
            let topology = try shippedTopology()
            let capabilities = try #require(ClusterObserver.capabilities(of: client))
            let plan = Planner.plan(desired: topology, observed: try await ClusterObserver(jetStream: js).observe(),
                                    capabilities: capabilities)

            // Healthy: both ways of checking pass.
            let healthy = await Preflight.run(plan, system: SystemClient(client: system), jetStream: js)
            #expect(healthy.passed, "\(healthy.problems)")
            let fallback = await Preflight.run(plan, system: nil, jetStream: js)
            #expect(fallback.passed, "\(fallback.problems)")
            #expect(fallback.notes.contains { $0.contains("no system context") })

            // One of three servers down: the R3 streams of the plan cannot be placed.
            try await cluster.kill(server: 2)
            // Wait until the two survivors agree on a meta leader and report healthy again (under load an
            // election can follow the kill; during it the check stops for that reason instead).
            let systemClient = SystemClient(client: system)
            let settled = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < settled {
                let health = try await systemClient.clusterHealth(expectedServers: 2)
                let healthy = health.servers.filter { $0.healthy && $0.jetStreamEnabled && !health.metaReplicasLagging.contains($0.name) }
                if health.metaLeader != nil && healthy.count == 2 { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            let degraded = await Preflight.run(plan, system: systemClient, jetStream: js)
            #expect(!degraded.passed)
            #expect(degraded.problems.contains { $0.contains("stream REQUESTS needs 3 replicas but only 2 servers are up") },
                    "\(degraded.problems)")

            // The command stops with a clear message and creates nothing (the plan or the health check
            // refuses, depending on whether the connection still announces the dead server).
            let applied = try await cli.run(["apply", "--yes", "topology.yaml"])
            #expect(applied.status == 1, "\(applied)")
            #expect(applied.stderr.contains("needs 3 replicas") || applied.stdout.contains("num_replicas is 3 but the cluster has 2 servers"),
                    "\(applied)")
            #expect(!applied.stdout.contains("create stream"), "\(applied)")
            let names = try await js.streamNames()
            #expect(names.isEmpty, "nothing was created, not even the lock stream: \(names)")
            await system.close()
            await client.close()
        }
    }
}
