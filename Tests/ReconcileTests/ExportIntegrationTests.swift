import Foundation
import JetStream
import LocalCluster
import NATS
import Testing
import TestSupport
import Topology
@testable import Reconcile

/// `jetform export` against a real 3-node cluster: streams and consumers made by hand with the JetStream
/// API are exported, the file loads, plan on it changes no field, adoption adds only the marker.
@Suite("Export against a real cluster", .serialized)
struct ExportIntegrationTests {
    /// Streams and consumers as another tool would make them (no jetform marker).
    /// Creates a stream, retrying "no suitable peers" (10005) while a fresh 2.10–2.12 cluster warms up.
    /// 2.10 places streams only once the meta leader has every peer's statistics (the helper asks the
    /// servers for them): on a loaded machine that can take well over 30 s after the start.
    static func create(_ js: JetStreamContext, _ config: StreamConfig) async throws {
        try await createRetryingPlacement(js, config, timeout: .seconds(90))
    }

    static func createByHand(_ js: JetStreamContext) async throws {
        var orders = StreamConfig(name: "ORDERS", subjects: ["orders.>"])
        orders.description = "Orders: one subject per order"
        orders.numReplicas = 3
        orders.maxAge = .minutes(60)
        orders.maxMsgsPerSubject = 10
        orders.metadata = ["team": "shop"]
        try await create(js, orders)
        var events = StreamConfig(name: "EVENTS", subjects: ["events.*", "audit.>"])
        events.storage = .memory
        events.discard = .new
        events.maxBytes = 1 << 20
        events.duplicateWindow = .seconds(30)
        try await create(js, events)
        _ = try await js.publish(subject: "orders.1", "{}")

        var processor = ConsumerConfig(durableName: "processor", ackPolicy: .explicit, filterSubject: "orders.created")
        processor.ackWait = .seconds(10)
        processor.maxDeliver = 5
        _ = try await js.createConsumer(stream: "ORDERS", config: processor)
        var audit = ConsumerConfig(durableName: "audit", ackPolicy: .explicit)
        audit.deliverPolicy = .new
        audit.maxAckPending = 50
        _ = try await js.createConsumer(stream: "EVENTS", config: audit)
    }

    func exportAdoptAndPlan(version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            try await Self.createByHand(js)
            let capabilities = try #require(ClusterObserver.capabilities(of: client))
            let observed = try await ClusterObserver(jetStream: js).observe()
            let context = ExportContext(name: "user", url: cluster.clientURLs.joined(separator: ","), user: "user",
                                        passwordVariable: "NATS_PASSWORD")
            let result = try Exporter.export(observed: observed, capabilities: capabilities, name: "shop", streams: nil,
                                             contexts: [context], context: "user", systemContext: nil)
            let yaml = result.yaml
            #expect(result.resources.map(\.description) == ["stream EVENTS", "consumer EVENTS.audit", "stream ORDERS", "consumer ORDERS.processor"])
            #expect(result.unmarked.count == 4)
            #expect(yaml.contains("password: ${NATS_PASSWORD}"), "\(yaml)")
            #expect(!yaml.contains("password: user"), "no secrets: \(yaml)")
            // Values as people write them; defaults left out.
            #expect(yaml.contains("max_age: 1h"), "\(yaml)")
            #expect(yaml.contains("duplicate_window: 30s"), "\(yaml)")
            #expect(yaml.contains("max_bytes: 1MiB"), "\(yaml)")
            #expect(yaml.contains("ack_wait: 10s"), "\(yaml)")
            #expect(yaml.contains("team: shop"), "\(yaml)")
            for defaulted in ["retention:", "duplicate_window: 2m", "max_msgs:", "compression:", "_nats", "max_waiting:", "replay_policy:"] {
                #expect(!yaml.contains(defaulted), "\(defaulted) is a server default: \(yaml)")
            }

            let topology = try TopologyLoader.load(yaml: yaml, file: "exported.yaml", environment: ["NATS_PASSWORD": "user"]).topology
            #expect(topology.name == "shop")
            #expect(topology.streams.map(\.name) == ["EVENTS", "ORDERS"])
            #expect(topology.stream(named: "ORDERS")?.consumers.map(\.name) == ["processor"])

            // Adoption: the plan only adds the marker, and says so.
            let adopt = Planner.plan(desired: topology, observed: observed, capabilities: capabilities)
            #expect(adopt.errors.isEmpty, "\(adopt.errors)")
            #expect(adopt.actions.count == 4 && adopt.actions.allSatisfy { $0.kind == .update }, "\(PlanRenderer.render(adopt))")
            let paths = Set(adopt.actions.flatMap(\.changes).map(\.path))
            #expect(paths.allSatisfy { $0.hasPrefix("metadata") }, "only the marker changes: \(paths)\n\(PlanRenderer.render(adopt))\n\(yaml)")
            #expect(adopt.warnings.filter { $0.message.contains("applying takes it over") }.count == 4)
            #expect(PlanRenderer.render(adopt).contains(TopologySpec.managedByMetadataKey))
            _ = try await PlanExecutor(jetStream: js).apply(adopt)
            let after = Planner.plan(desired: topology, observed: try await ClusterObserver(jetStream: js).observe(), capabilities: capabilities)
            #expect(after.isEmpty, "\(PlanRenderer.render(after))")
            #expect(after.warnings.isEmpty)
            #expect(try await js.streamInfo("ORDERS").state.messages == 1, "adoption kept the messages")

            // Exported again after adoption: the same streams, still planning to nothing; one stream alone.
            let again = try Exporter.export(observed: try await ClusterObserver(jetStream: js).observe(), capabilities: capabilities,
                                            name: "shop", streams: ["ORDERS"], contexts: [context], context: "user", systemContext: nil)
            #expect(again.unmarked.isEmpty)
            #expect(again.resources.map(\.name) == ["ORDERS", "ORDERS.processor"])
            #expect(throws: ExportError.self) {
                _ = try Exporter.export(observed: observed, capabilities: capabilities, name: "shop", streams: ["NOPE"],
                                        contexts: [context], context: "user", systemContext: nil)
            }
            await client.close()
        }
    }

    @Test func exportedFilePlansWithoutChangesOnTheCurrentRelease() async throws {
        try await exportAdoptAndPlan(version: nil)
    }

    @Test func exportedFilePlansWithoutChangesOn2_10() async throws {
        try await exportAdoptAndPlan(version: "2.10.26")
    }

    @Test func jetformExportAdoptThenPlanReportsNoChanges() async throws {
        try await LocalCluster.withCluster { cluster in
            let cli = try JetformCLI(cluster: cluster)
            defer { cli.remove() }
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            try await Self.createByHand(js)
            let secrets = ["NATS_PASSWORD": "user", "NATS_SYS_PASSWORD": "admin"]

            let plain = try await cli.run(["export", "--name", "shop", "-o", "plain.yaml"])
            #expect(plain.status == 0, "\(plain)")
            #expect(plain.stderr.contains("4 resource(s) carry no jetform marker"), "\(plain)")
            let text = try cli.read("plain.yaml")
            #expect(text.contains("password: ${NATS_PASSWORD}") && text.contains("password: ${NATS_SYS_PASSWORD}"), "\(text)")
            #expect(!text.contains("password: admin") && !text.contains("password: user"), "no secrets: \(text)")
            // --json: the report on stdout, with the YAML in it; nothing on stderr.
            let report = try await cli.run(["export", "--name", "shop", "--json"])
            #expect(report.status == 0 && report.stderr.isEmpty, "\(report)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any], "\(report)")
            #expect(object["topology"] as? String == "shop")
            #expect(object["streams"] as? [String] == ["EVENTS", "ORDERS"], "\(report)")
            #expect(object["consumers"] as? [String] == ["EVENTS.audit", "ORDERS.processor"], "\(report)")
            #expect((object["unmarked"] as? [String])?.count == 4 && object["adopted"] as? Int == 0, "\(report)")
            #expect((object["yaml"] as? String)?.contains("ORDERS:") == true && object["output"] == nil, "\(report)")

            let adoptPlan = try await cli.run(["plan", "--detailed-exitcode", "plain.yaml"], environment: secrets)
            #expect(adoptPlan.status == 2, "adoption shows as marker updates: \(adoptPlan)")
            #expect(adoptPlan.stdout.contains("Plan: 0 to add, 4 to change"), "\(adoptPlan)")

            let adopted = try await cli.run(["export", "--name", "shop", "--adopt", "--stream", "ORDERS", "--stream", "EVENTS",
                                             "-o", "shop.yaml"])
            #expect(adopted.status == 0, "\(adopted)")
            #expect(adopted.stderr.contains("Adopted 4 resource(s)"), "\(adopted)")
            let check = try await cli.run(["plan", "--detailed-exitcode", "shop.yaml"], environment: secrets)
            #expect(check.status == 0, "\(check)")
            #expect(check.stdout.contains("No changes."), "\(check)")
            let applied = try await cli.run(["apply", "--yes", "shop.yaml"], environment: secrets)
            #expect(applied.status == 0 && applied.stdout.contains("No changes."), "\(applied)")
            await client.close()
        }
    }
}
