import Foundation
import JetStream
import LocalCluster
import NATS
import Testing
import Topology
@testable import Reconcile

/// Plan and apply against a real 3-node cluster: the shipped topology converges, drift by another
/// client is found and repaired, foreign streams are left alone, replaces are refused without the flag.
@Suite("Apply against a real cluster", .serialized)
struct ApplyIntegrationTests {
    static var shippedTopology: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("topology.yaml")
    }

    func load(_ transform: (String) -> String = { $0 }) throws -> TopologySpec {
        let text = transform(try String(contentsOf: Self.shippedTopology, encoding: .utf8))
        return try TopologyLoader.load(yaml: text, file: "topology.yaml", environment: [:]).topology
    }


    func converge(version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            try await waitUntilPlacementWorks(js)
            let topology = try load()

            let first = try await livePlan(topology, js)
            #expect(first.actions.count == 5)
            _ = try await PlanExecutor(jetStream: js).apply(first)
            let second = try await livePlan(topology, js)
            #expect(second.isEmpty, "no false drift after apply: \(PlanRenderer.render(second))")

            // Another client changes a field: plan shows it, apply puts it back.
            var edited = try await js.streamInfo("REQUESTS").config
            edited.maxAge = .seconds(9)
            edited.duplicateWindow = .seconds(9)
            _ = try await js.updateStream(edited)
            let drift = try await livePlan(topology, js)
            #expect(drift.actions.map(\.kind) == [.update])
            #expect(drift.actions.first?.changes.map(\.path).contains("max_age") == true)
            _ = try await PlanExecutor(jetStream: js).apply(drift)
            #expect(try await livePlan(topology, js).isEmpty)

            // A consumer changed by another client, then deleted between plan and apply (as a short
            // inactive_threshold does): the update finds it gone and creates it as declared.
            var workers = try #require(try await js.consumerInfo(stream: "REQUESTS", name: "workers").config)
            workers.ackWait = .seconds(7)
            _ = try await js.createConsumer(stream: "REQUESTS", config: workers, action: .update)
            let consumerDrift = try await livePlan(topology, js)
            #expect(consumerDrift.actions.flatMap(\.steps).map(\.operation) == [.updateConsumer])
            try await js.deleteConsumer(stream: "REQUESTS", name: "workers")
            _ = try await PlanExecutor(jetStream: js).apply(consumerDrift)
            #expect(try await js.consumerInfo(stream: "REQUESTS", name: "workers").config?.ackWait == .seconds(2))
            #expect(try await livePlan(topology, js).isEmpty)

            // A stream nobody declared: listed, never touched, even with prune.
            var foreign = StreamConfig(name: "FOREIGN", subjects: ["foreign.>"])
            foreign.storage = .memory
            _ = try await js.createStream(foreign)
            _ = try await js.createConsumer(stream: "FOREIGN", config: ConsumerConfig(durableName: "theirs", ackPolicy: .explicit))
            let observedForPlan = try await ClusterObserver(jetStream: js).observe(expecting: topology)
            #expect(observedForPlan.stream(named: "FOREIGN")?.consumers.isEmpty == true, "another owner's consumers are not read")
            #expect(observedForPlan.stream(named: "REQUESTS")?.consumers.map(\.name) == ["workers"])
            #expect(try await ClusterObserver(jetStream: js).observe().stream(named: "FOREIGN")?.consumers.map(\.name) == ["theirs"])
            let pruned = try await livePlan(topology, js, options: PlanOptions(prune: true))
            #expect(pruned.actions.isEmpty)
            #expect(pruned.unmanaged.map(\.resource.name) == ["FOREIGN"])

            // An immutable change is a replace, refused without --allow-replace.
            let fileStorage = try load { text in
                let i = text.range(of: "RESPONSES:")!.lowerBound
                return String(text[..<i]) + text[i...].replacingOccurrences(of: "storage: memory", with: "storage: file")
            }
            let replace = try await livePlan(fileStorage, js)
            #expect(replace.actions.contains { $0.kind == .replace })
            await #expect(throws: ApplyError.self) { _ = try await PlanExecutor(jetStream: js).apply(replace) }
            #expect(try await livePlan(topology, js).isEmpty, "a refused plan changed nothing")
            await client.close()
        }
    }

    @Test func shippedTopologyConvergesOnTheCurrentRelease() async throws {
        try await converge(version: nil)
    }

    @Test func shippedTopologyConvergesOn2_10() async throws {
        try await converge(version: "2.10.26")
    }

    /// `CONSUMER.PAUSE` in a cluster answers before the meta layer has applied the change: a re-plan
    /// right after apply must still see the pause (the differential test once saw `+ pause_until` on 2.11.11).
    @Test(arguments: ["2.11.11", nil as String?]) func aPauseIsInPlaceWhenApplyReturns(_ version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            try await waitUntilPlacementWorks(js)
            func topology(_ pause: String?) throws -> TopologySpec {
                let line = pause.map { "\n        pause_until: \"\($0)\"" } ?? ""
                let yaml = """
                    name: pausetest
                    contexts:
                      user: { url: "nats://127.0.0.1:4222" }
                    streams:
                      P:
                        subjects: [p.>]
                        storage: memory
                        num_replicas: 3
                        consumers:
                          c:
                            ack_policy: explicit\(line)
                    """
                return try TopologyLoader.load(yaml: yaml, file: "pause.yaml", environment: [:]).topology
            }
            _ = try await PlanExecutor(jetStream: js).apply(try await livePlan(try topology(nil), js))
            for round in 1...12 {
                let pause: String? = [nil, "2025-01-02T15:04:05Z", "2099-01-0\(round % 9 + 1)T00:00:00Z"][round % 3]
                let wanted = try topology(pause)
                let plan = try await livePlan(wanted, js)
                #expect(plan.actions.flatMap(\.steps).map(\.operation) == [.pauseConsumer], "round \(round)")
                _ = try await PlanExecutor(jetStream: js).apply(plan)
                let again = try await livePlan(wanted, js)
                #expect(again.isEmpty, "round \(round), pause_until \(pause ?? "none"): \(PlanRenderer.render(again))")
            }
            await client.close()
        }
    }
}
