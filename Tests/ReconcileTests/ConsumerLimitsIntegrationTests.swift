import Foundation
import JetStream
import LocalCluster
import Testing
import Topology
@testable import Reconcile

/// A stream's `consumer_limits` changed under its consumers, on a release that checks the new limits as
/// written (2.12.8: an unset limit counts as 0, -1 as -1) and on one that checks only positive limits
/// (2.15.1). Each plan is applied, then planned again: the apply must succeed and the plan be empty.
@Suite("Consumer limits under existing consumers, against a real cluster", .serialized)
struct ConsumerLimitsIntegrationTests {
    static func file(limits: String, consumer: String) throws -> TopologySpec {
        try topology("""
          S:
            subjects: [s.>]
            storage: memory
        \(limits.isEmpty ? "" : "    consumer_limits: \(limits)\n")    consumers:
              c: \(consumer)

        """)
    }

    @Test(arguments: ["2.12.8", "2.15.1"])
    func limitsChangeUnderAConsumer(version: String) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            try await waitUntilPlacementWorks(js)
            let asWritten = version == "2.12.8"
            let replace = PlanOptions(allowReplace: true)

            func applyAndReplan(_ topology: TopologySpec, expect kind: PlanAction.Kind, _ what: String) async throws {
                let plan = try await livePlan(topology, js, options: replace)
                #expect(plan.errors.isEmpty, "\(what): \(plan.errors)")
                #expect(plan.actions.first?.kind == kind, "\(what) on \(version): \(PlanRenderer.render(plan))")
                let header = PlanRenderer.render(plan).split(separator: "\n").first { $0.contains(" stream S (") } ?? ""
                print("consumer limits (nats-server \(version)), \(what): \(header.trimmingCharacters(in: .whitespaces))")
                _ = try await PlanExecutor(jetStream: js).apply(plan)
                let again = try await livePlan(topology, js, options: replace)
                #expect(again.isEmpty, "\(what) on \(version), re-plan: \(PlanRenderer.render(again))")
            }

            // A limit of 2000 over a consumer that states 1000.
            try await applyAndReplan(try Self.file(limits: "{ max_ack_pending: 2000 }", consumer: "{ ack_policy: explicit, max_ack_pending: 1000 }"),
                                     expect: .create, "create")
            // Removing it: 2.12.8 takes the removed limit as 0, which the consumer's 1000 is above, so the
            // stream is replaced (with a warning); 2.15.1 updates it in place.
            let removed = try Self.file(limits: "", consumer: "{ ack_policy: explicit, max_ack_pending: 1000 }")
            let removal = try await livePlan(removed, js, options: replace)
            #expect(removal.warnings.contains { $0.message.contains("refuses removing consumer_limits.max_ack_pending in place") } == asWritten,
                    "\(removal.warnings)")
            try await applyAndReplan(removed, expect: asWritten ? .replace : .update, "removing the limit")
            // -1 while the consumer (at 1000) now leaves max_ack_pending to the stream: on 2.12.8 it is
            // updated first, sent the -1 it would copy, and the stream's last step waits for it; 2.15.1
            // takes -1 in one update and the consumer copies it.
            try await applyAndReplan(try Self.file(limits: "{ max_ack_pending: -1 }", consumer: "{ ack_policy: explicit }"),
                                     expect: .update, "-1")
            let stream = try await js.streamInfo("S")
            #expect(stream.config.consumerLimits?.maxAckPending == -1)
            #expect(try await js.consumerInfo(stream: "S", name: "c").config?.maxAckPending == -1)
            await client.close()
        }
    }
}
