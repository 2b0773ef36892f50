import Testing
@testable import Reconcile
import Topology

/// `prevent_destroy` and `ignore_changes`, planned against configs as the server stores them.
@Suite struct LifecycleTests {
    static let base = """
      ORDERS:
        subjects: [orders.>]
        max_age: 1h
        max_bytes: 1MiB
        num_replicas: 3
        placement: { cluster: east }
        consumers:
          shipper: { ack_policy: explicit, ack_wait: 30s }

    """

    /// The live state `yaml` leaves, with `edit` applied to the stream's config by another client.
    func live(_ yaml: String, holds: StreamHoldings = .empty, edit: (inout ObservedStream) -> Void = { _ in }) throws -> ObservedState {
        var state = applied(try topology(yaml), capabilities: .v2_15)
        state.streams[0].state = holds
        edit(&state.streams[0])
        return state
    }

    @Test func ignoredFieldsAreNeitherDriftNorReverted() throws {
        let file = Self.base.replacingOccurrences(of: "    num_replicas: 3\n", with: "    num_replicas: 3\n    ignore_changes: [max_bytes, placement.cluster]\n")
        let desired = try topology(file)
        #expect(desired.streams[0].lifecycle.ignoreChanges == ["max_bytes", "placement.cluster"])
        #expect(desired.streams[0].config["ignore_changes"] == nil, "lifecycle keys are never sent")
        let tuned = try live(file) { stream in
            stream.config["max_bytes"] = .int(8_388_608)
            stream.config["placement"] = .object(["cluster": .string("west")])
        }
        #expect(Planner.plan(desired: desired, observed: tuned, capabilities: .v2_15).isEmpty)

        // Another field changes: the update sends the operator's values, not the file's.
        let longer = try topology(file.replacingOccurrences(of: "max_age: 1h", with: "max_age: 2h"))
        let plan = Planner.plan(desired: longer, observed: tuned, capabilities: .v2_15)
        #expect(plan.actions.map(\.kind) == [.update])
        #expect(plan.actions[0].changes.map(\.path) == ["max_age"])
        let sent = try #require(plan.actions[0].steps.last?.config)
        #expect(sent["max_bytes"] == .int(8_388_608))
        #expect(sent["placement"]?["cluster"] == "west")

        // A create uses the file's values.
        let created = Planner.plan(desired: desired, observed: ObservedState(), capabilities: .v2_15)
        #expect(created.actions[0].steps[0].config?["max_bytes"] == .int(1_048_576))
    }

    @Test func anIgnoredImmutableFieldIsNoReplace() throws {
        let file = Self.base.replacingOccurrences(of: "ack_wait: 30s }", with: "ack_wait: 30s, ignore_changes: [ack_wait] }")
        let changed = try live(file) { stream in stream.consumers[0].config["ack_wait"] = .int(90_000_000_000) }
        #expect(Planner.plan(desired: try topology(file), observed: changed, capabilities: .v2_15).isEmpty)
        let withoutRule = try topology(Self.base)
        #expect(Planner.plan(desired: withoutRule, observed: changed, capabilities: .v2_15).actions.map(\.kind) == [.update])
    }

    @Test func bucketFieldsAreIgnoredInTheBucketsWords() throws {
        let yaml = "name: users\ncontexts:\n  user: { url: 'nats://localhost:4222' }\nkv:\n  CONFIG: { history: 5, ttl: 1h, ignore_changes: [ttl] }\n"
        let desired = try TopologyLoader.load(yaml: yaml, file: "topology.yaml", environment: [:]).topology
        var state = ServerEcho.apply(Planner.plan(desired: desired, observed: ObservedState(), capabilities: .v2_15), to: ObservedState())
        state.streams[0].config["max_age"] = .int(7_200_000_000_000)
        state.streams[0].config["duplicate_window"] = .int(120_000_000_000)
        #expect(Planner.plan(desired: desired, observed: state, capabilities: .v2_15).isEmpty)
    }

    @Test func preventDestroyBlocksReplaceAndPruneWhateverTheFlags() throws {
        let protected = Self.base.replacingOccurrences(of: "    num_replicas: 3\n", with: "    num_replicas: 3\n    prevent_destroy: true\n")
        let desired = try topology(protected)
        let create = Planner.plan(desired: desired, observed: ObservedState(), capabilities: .v2_15)
        #expect(create.actions[0].steps[0].config?["metadata"]?["jetform.prevent-destroy"] == "true")
        #expect(create.actions[1].steps[0].config?["metadata"]?["jetform.prevent-destroy"] == nil, "only what the file protects")

        let everything = PlanOptions(prune: true, allowReplace: true, allowDataLoss: true)
        let holding = try live(protected, holds: StreamHoldings(messages: 3, bytes: 300))
        let storage = try topology(protected.replacingOccurrences(of: "max_age: 1h", with: "max_age: 1h\n    storage: memory"))
        let replace = Planner.plan(desired: storage, observed: holding, capabilities: .v2_15, options: everything)
        #expect(replace.actions.first?.kind == .replace)
        #expect(replace.actions.first?.blocked == [.preventDestroy("stream ORDERS", inFile: true)])
        #expect(!replace.isApplicable)
        #expect(PlanRenderer.render(replace).contains("what prevent_destroy protects; apply refuses the plan whatever the flags"))

        // The file no longer declares it: the marker on the cluster still protects it.
        let gone = try topology("  OTHER: { subjects: [other] }\n")
        let prune = Planner.plan(desired: gone, observed: holding, capabilities: .v2_15, options: everything)
        let delete = try #require(prune.actions.first { $0.resource == .stream("ORDERS") })
        #expect(delete.blocked == [.preventDestroy("stream ORDERS", inFile: false)])

        // Removing prevent_destroy is an in-place metadata update; then a replace needs only the usual flags.
        let unprotected = Planner.plan(desired: try topology(Self.base), observed: holding, capabilities: .v2_15)
        #expect(unprotected.actions.map(\.kind) == [.update])
        #expect(unprotected.actions[0].changes.map(\.path) == ["metadata.jetform.prevent-destroy"])
    }

    @Test func aProtectedConsumerBlocksTheReplaceOfItsStream() throws {
        let file = Self.base.replacingOccurrences(of: "ack_wait: 30s }", with: "ack_wait: 30s, prevent_destroy: true }")
        let live = try live(file)
        #expect(LifecycleRules.isMarked(live.streams[0].consumers[0].config))
        let storage = try topology(file.replacingOccurrences(of: "max_age: 1h", with: "max_age: 1h\n    storage: memory"))
        let plan = Planner.plan(desired: storage, observed: live, capabilities: .v2_15, options: PlanOptions(allowReplace: true))
        #expect(plan.actions.first?.blocked == [.preventDestroy("consumer ORDERS.shipper", inFile: true)])

        // Pruned on its own (the file dropped it): blocked by its marker.
        let dropped = try topology(Self.base.replacingOccurrences(of: "    consumers:\n      shipper: { ack_policy: explicit, ack_wait: 30s }\n", with: ""))
        let prune = Planner.plan(desired: dropped, observed: live, capabilities: .v2_15, options: PlanOptions(prune: true))
        #expect(prune.actions.map(\.kind) == [.delete])
        #expect(prune.actions[0].blocked == [.preventDestroy("consumer ORDERS.shipper", inFile: false)])
        let json = PlanJSON.encode(prune)
        #expect(json.contains("\"reason\" : \"prevent_destroy\""))
        #expect(try PlanJSON.decode(json).actions[0].blocked == prune.actions[0].blocked)
    }
}
