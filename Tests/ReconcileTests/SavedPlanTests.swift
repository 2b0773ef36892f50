import Foundation
import Testing
import Topology
@testable import Reconcile

/// Saved plans and the lock stream's place in planning, without a server.
@Suite("Saved plans")
struct SavedPlanTests {
    static let streams = """
      ORDERS:
        subjects: [orders.>]
        consumers:
          workers: { ack_policy: explicit }

    """

    @Test func aSavedPlanRoundTripsAndIsToldFromATopologyFile() throws {
        let desired = try topology(Self.streams)
        let plan = Planner.plan(desired: desired, observed: ObservedState(), capabilities: .v2_15)
        let saved = SavedPlan(plan: plan, topologyFiles: ["topology.yaml"], context: "user", observed: ObservedState())
        let text = saved.encode()
        #expect(SavedPlan.looksLikePlan(text))
        #expect(!SavedPlan.looksLikePlan("name: users\nstreams: {}\n"))
        #expect(!SavedPlan.looksLikePlan("{name: users, streams: {}}"), "a YAML flow mapping is not a plan")
        let back = try SavedPlan.decode(text, file: "p.json")
        #expect(back.plan == plan)
        #expect(back.topologyFile == "topology.yaml" && back.context == "user")
        #expect(back.resources == saved.resources)
        #expect(back.staleness(comparedTo: ObservedState(), capabilities: .v2_15).isEmpty)
        // PlanJSON readers read it too (the `saved` key is ignored).
        #expect(try PlanJSON.decode(text) == plan)

        // A plan of a topology split across files, for an environment, records all of it.
        let split = SavedPlan(plan: plan, topologyFiles: ["shop.yaml", "orders.yaml"], context: "prod", environment: "prod",
                              cluster: "prod-east", observed: ObservedState())
        let read = try SavedPlan.decode(split.encode(), file: "p.json")
        #expect(read.topologyFiles == ["shop.yaml", "orders.yaml"] && read.environment == "prod" && read.cluster == "prod-east")
    }

    @Test func stalenessNamesWhatChanged() throws {
        let desired = try topology(Self.streams)
        let plan = Planner.plan(desired: desired, observed: ObservedState(), capabilities: .v2_15)
        let saved = SavedPlan(plan: plan, topologyFiles: [], context: nil, observed: ObservedState())
        let now = ObservedState(streams: [ObservedStream(name: "ORDERS", config: ["name": "ORDERS", "subjects": .array(["x.>"])])])
        let reasons = saved.staleness(comparedTo: now, capabilities: .v2_15)
        #expect(reasons == ["stream ORDERS was created since the plan"])
        let upgraded = saved.staleness(comparedTo: ObservedState(), capabilities: ServerCapabilities(version: "2.16.0", clusterSize: 3)!)
        #expect(upgraded.count == 1 && upgraded[0].contains("2.16"))
        #expect(throws: SavedPlanError.self) { _ = try SavedPlan.decode("{\"format_version\": 9, \"actions\": []}", file: "p.json") }
    }

    @Test func theLockStreamIsNeverPlannedListedOrDeclared() throws {
        let lock = ObservedStream(name: ApplyLock.streamName, config: ["name": .string(ApplyLock.streamName), "subjects": .array(["jetform.lock.>"])])
        let plan = Planner.plan(desired: try topology(Self.streams), observed: ObservedState(streams: [lock]), capabilities: .v2_15,
                                options: PlanOptions(prune: true))
        #expect(plan.unmanaged.isEmpty)
        #expect(!plan.actions.contains { $0.resource.streamName == ApplyLock.streamName })
        let declaring = Planner.plan(desired: try topology("  JETFORM_LOCKS: { subjects: [a] }\n"), observed: ObservedState(), capabilities: .v2_15)
        #expect(declaring.errors.contains { $0.message.contains("apply-lock stream") })
    }
}
