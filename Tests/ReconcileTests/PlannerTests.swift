import Testing
import JetStreamSchema
@testable import Reconcile
import Topology

@Suite struct PlannerTests {
    static let ordersYAML = """
      ORDERS:
        subjects: [orders.>]
        storage: file
        max_age: 1h
        num_replicas: 3
        consumers:
          shipper: { ack_policy: explicit }

    """

    func observed(_ topology: TopologySpec, _ caps: ServerCapabilities = .v2_15,
                  holds: StreamHoldings = .empty) -> ObservedState {
        var state = applied(topology, capabilities: caps)
        for i in state.streams.indices { state.streams[i].state = holds }
        return state
    }

    @Test func emptyClusterCreatesStreamsThenConsumers() throws {
        let t = try shippedTopology()
        let plan = Planner.plan(desired: t, observed: ObservedState(), capabilities: .v2_15)
        #expect(plan.actions.map(\.resource.description) == [
            "stream REQUESTS", "consumer REQUESTS.workers", "stream RESPONSES", "consumer RESPONSES.producers",
        ])
        #expect(plan.actions.allSatisfy { $0.kind == .create })
        #expect(plan.phases.map(\.phase) == [.applyStreams, .applyConsumers])
        #expect(plan.summary == PlanSummary(add: 4))
        let config = try #require(plan.actions[0].config)
        #expect(config["metadata"]?["jetform.managed-by"] == "users")
        #expect(config["duplicate_window"] == .int(5_000_000_000))
        #expect(plan.actions[1].config?["max_waiting"] == .int(512))
        #expect(plan.actions[1].config?["metadata"]?["jetform.managed-by"] == "users")
    }

    @Test func inPlaceUpdate() throws {
        let before = try topology(Self.ordersYAML)
        let after = try topology(Self.ordersYAML.replacingOccurrences(of: "max_age: 1h", with: "max_age: 2h"))
        let plan = Planner.plan(desired: after, observed: observed(before), capabilities: .v2_15)
        #expect(plan.actions.count == 1)
        let action = try #require(plan.actions.first)
        #expect(action.kind == .update)
        #expect(action.changes.map(\.path) == ["max_age"])
        #expect(action.steps.map(\.operation) == [.updateStream])
        #expect(action.changes[0].location?.line == 8)
    }

    @Test func immutableChangeReplacesAndRecreatesConsumers() throws {
        let before = try topology(Self.ordersYAML)
        let after = try topology(Self.ordersYAML.replacingOccurrences(of: "storage: file", with: "storage: memory"))
        var live = observed(before, holds: StreamHoldings(messages: 1204, bytes: 3_250_000))
        live.streams[0].consumers.append(ObservedConsumer(name: "adhoc", config: ["durable_name": "adhoc"]))
        let plan = Planner.plan(desired: after, observed: live, capabilities: .v2_15)
        #expect(plan.actions.map(\.kind) == [.replace, .create])
        let replace = plan.actions[0]
        #expect(replace.replaceReasons == ["storage cannot change in place"])
        #expect(replace.holds == StreamHoldings(messages: 1204, bytes: 3_250_000))
        #expect(replace.droppedConsumers == ["adhoc", "shipper"])
        #expect(replace.blocked == [.needsAllowReplace, .needsAllowDataLoss(StreamHoldings(messages: 1204, bytes: 3_250_000))])
        #expect(replace.steps.map(\.phase) == [.deleteStreams, .applyStreams])
        #expect(plan.actions[1].cause == .streamReplaced("ORDERS"))
        #expect(plan.warnings.map(\.message) == ["replacing stream ORDERS also deletes consumers the file does not declare: adhoc"])
        #expect(!plan.isApplicable)

        let allowed = Planner.plan(desired: after, observed: live, capabilities: .v2_15,
                                   options: PlanOptions(allowReplace: true, allowDataLoss: true))
        #expect(allowed.blockedActions.isEmpty)
        let onlyReplace = Planner.plan(desired: after, observed: live, capabilities: .v2_15, options: PlanOptions(allowReplace: true))
        #expect(onlyReplace.blockedActions.first?.blocked == [.needsAllowDataLoss(StreamHoldings(messages: 1204, bytes: 3_250_000))])
        let empty = Planner.plan(desired: after, observed: observed(before), capabilities: .v2_15, options: PlanOptions(allowReplace: true))
        #expect(empty.blockedActions.isEmpty)
    }

    @Test func consumerReplaceIsDeleteThenCreate() throws {
        let before = try topology(Self.ordersYAML)
        let after = try topology(Self.ordersYAML.replacingOccurrences(of: "{ ack_policy: explicit }",
                                                                       with: "{ ack_policy: explicit, deliver_policy: new }"))
        let plan = Planner.plan(desired: after, observed: observed(before), capabilities: .v2_15)
        let action = try #require(plan.actions.first)
        #expect(action.kind == .replace && action.resource == .consumer(stream: "ORDERS", name: "shipper"))
        #expect(action.steps.map(\.operation) == [.deleteConsumer, .createConsumer])
        #expect(action.steps.map(\.phase) == [.deleteConsumers, .applyConsumers])
        #expect(action.blocked == [.needsAllowReplace])
    }

    /// The server refuses consumer limits an existing consumer exceeds: lowered limits are set after the
    /// consumers' own updates, raised ones before.
    @Test func loweredConsumerLimitsWaitForTheConsumers() throws {
        let before = try topology("""
          S:
            subjects: [s.>]
            consumer_limits: { max_ack_pending: 500 }
            consumers:
              c: { ack_policy: explicit, max_ack_pending: 400, inactive_threshold: 2h }

        """)
        let after = try topology("""
          S:
            subjects: [s.>]
            consumer_limits: { max_ack_pending: 100, inactive_threshold: 1h }
            consumers:
              c: { ack_policy: explicit, max_ack_pending: 50, inactive_threshold: 30m }

        """)
        let plan = Planner.plan(desired: after, observed: observed(before), capabilities: .v2_15)
        #expect(plan.errors.isEmpty, "\(plan.errors)")
        let steps = plan.phases.flatMap(\.steps)
        #expect(steps.map { "\($0.phase) \($0.operation.rawValue) \($0.resource)" } == [
            "applyStreams update_stream stream S", "applyConsumers update_consumer consumer S.c", "lowerLimits update_stream stream S",
        ])
        // The first update keeps the old max_ack_pending and no inactivity limit (there was none).
        #expect(steps.first?.config?["consumer_limits"] == .object(["max_ack_pending": .int(500)]))
        #expect(steps.last?.config?["consumer_limits"] == .object(["max_ack_pending": .int(100), "inactive_threshold": .int(3_600_000_000_000)]))
    }

    @Test func placementAndReplicasSplitIntoTwoUpdates() throws {
        let before = try topology(Self.ordersYAML.replacingOccurrences(of: "num_replicas: 3", with: "num_replicas: 1"))
        let grow = try topology(Self.ordersYAML + "    placement: { cluster: east }\n")
        let plan = Planner.plan(desired: grow, observed: observed(before), capabilities: .v2_15)
        let steps = try #require(plan.actions.first?.steps)
        #expect(steps.map(\.phase) == [.applyStreams, .finishStreams])
        // Move at the current size first, then scale.
        #expect(steps[0].config?["num_replicas"] == .int(1))
        #expect(steps[0].config?["placement"] == .object(["cluster": "east"]))
        #expect(steps[1].config?["num_replicas"] == .int(3))

        let shrink = Planner.plan(desired: try topology(Self.ordersYAML.replacingOccurrences(of: "num_replicas: 3", with: "num_replicas: 1")
                                                          + "    placement: { cluster: east }\n"),
                                  observed: observed(try topology(Self.ordersYAML)), capabilities: .v2_15)
        let shrinkSteps = try #require(shrink.actions.first?.steps)
        #expect(shrinkSteps[0].config?["num_replicas"] == .int(1))
        #expect(shrinkSteps[0].config?["placement"] == nil)
        #expect(shrinkSteps[1].config?["placement"] == .object(["cluster": "east"]))

        // Replicas alone: one update.
        let scaleOnly = Planner.plan(desired: try topology(Self.ordersYAML), observed: observed(before), capabilities: .v2_15)
        #expect(scaleOnly.actions.first?.steps.count == 1)
    }

    @Test func phasesOrderDeletesBeforeCreates() throws {
        let old = try topology(Self.ordersYAML + """
          OLD:
            subjects: [old.>]
            consumers:
              reader: {}

        """)
        let new = try topology(Self.ordersYAML.replacingOccurrences(of: "storage: file", with: "storage: memory")
            .replacingOccurrences(of: "shipper: { ack_policy: explicit }", with: "packer: { ack_policy: explicit }") + """
          NEW:
            subjects: [new.>]

        """)
        var live = observed(old)
        // A consumer of ours that left the file, on a stream that stays.
        let plan = Planner.plan(desired: new, observed: live, capabilities: .v2_15,
                                options: PlanOptions(prune: true, allowReplace: true))
        #expect(plan.phases.map(\.phase) == [.deleteStreams, .applyStreams, .applyConsumers])
        #expect(plan.phases[0].steps.map(\.resource) == [.stream("ORDERS"), .stream("OLD")])
        #expect(plan.phases[1].steps.map(\.resource) == [.stream("ORDERS"), .stream("NEW")])
        #expect(plan.phases[2].steps.map(\.resource) == [.consumer(stream: "ORDERS", name: "packer")])
        // Pruned stream: its consumers go with it, no separate deletes.
        let delete = try #require(plan.actions.first { $0.kind == .delete })
        #expect(delete.resource == .stream("OLD") && delete.droppedConsumers == ["reader"] && delete.cause == .pruned)

        live = observed(try topology(Self.ordersYAML))
        let renamed = Planner.plan(desired: try topology(Self.ordersYAML.replacingOccurrences(of: "shipper", with: "packer")),
                                   observed: live, capabilities: .v2_15, options: PlanOptions(prune: true))
        #expect(renamed.phases.map(\.phase) == [.deleteConsumers, .applyConsumers])
    }

    @Test func pruneOnlyTouchesThisTopologysMarkedResources() throws {
        var live = observed(try topology(Self.ordersYAML + "      extra: {}\n"))
        live.streams.append(ObservedStream(name: "FOREIGN", config: ["name": "FOREIGN", "subjects": .array(["f"])]))
        live.streams.append(ObservedStream(name: "OTHER", config: ["name": "OTHER", "metadata": .object(["jetform.managed-by": "billing"])]))
        live.streams.append(ObservedStream(name: "GONE", config: ["name": "GONE", "metadata": .object(["jetform.managed-by": "users"])],
                                           state: StreamHoldings(messages: 7, bytes: 700)))
        live.streams[0].consumers.append(ObservedConsumer(name: "handmade", config: ["durable_name": "handmade"]))
        live.streams[0].consumers.append(ObservedConsumer(name: "eph", config: ["name": "eph"]))
        let desired = try topology(Self.ordersYAML)

        let keep = Planner.plan(desired: desired, observed: live, capabilities: .v2_15)
        #expect(keep.actions.isEmpty)
        #expect(keep.unmanaged == [
            UnmanagedResource(resource: .consumer(stream: "ORDERS", name: "extra"), managedBy: "users", prunable: true),
            UnmanagedResource(resource: .consumer(stream: "ORDERS", name: "handmade"), managedBy: nil, prunable: false),
            UnmanagedResource(resource: .stream("FOREIGN"), managedBy: nil, prunable: false),
            UnmanagedResource(resource: .stream("GONE"), managedBy: "users", prunable: true),
            UnmanagedResource(resource: .stream("OTHER"), managedBy: "billing", prunable: false),
        ])

        let prune = Planner.plan(desired: desired, observed: live, capabilities: .v2_15, options: PlanOptions(prune: true))
        #expect(prune.actions.map(\.resource) == [.consumer(stream: "ORDERS", name: "extra"), .stream("GONE")])
        #expect(prune.actions.allSatisfy { $0.kind == .delete })
        #expect(prune.actions[1].blocked == [.needsAllowDataLoss(StreamHoldings(messages: 7, bytes: 700))])
        #expect(prune.unmanaged.map(\.resource) == [.consumer(stream: "ORDERS", name: "handmade"), .stream("FOREIGN"), .stream("OTHER")])
    }

    @Test func ownershipConflicts() throws {
        var live = observed(try topology(Self.ordersYAML))
        live.streams[0].config["metadata"] = .object(["jetform.managed-by": "billing"])
        let plan = Planner.plan(desired: try topology(Self.ordersYAML), observed: live, capabilities: .v2_15)
        #expect(plan.errors.map(\.message) == ["stream ORDERS is managed by topology 'billing', not 'users'"])
        #expect(plan.actions.isEmpty)

        live.streams[0].config["metadata"] = nil
        let adopt = Planner.plan(desired: try topology(Self.ordersYAML), observed: live, capabilities: .v2_15)
        #expect(adopt.warnings.first?.message.hasPrefix("stream ORDERS exists without jetform's marker") == true)
        #expect(adopt.actions.first?.changes.map(\.path) == ["metadata.jetform.managed-by"])
    }

    @Test func fieldsNewerThanTheServerAreErrors() throws {
        let t = try topology("""
          S:
            allow_msg_ttl: true
            placement: { cluster: c1 }
            consumers:
              c: { ack_policy: explicit, priority_policy: overflow, priority_groups: [g] }
              d: { deliver_subject: d.x, ack_policy: flow_control, max_ack_pending: 10, flow_control: true, idle_heartbeat: 1s }

        """)
        let plan = Planner.plan(desired: t, observed: ObservedState(), capabilities: .v2_10)
        #expect(plan.errors.map(\.description) == [
            "topology.yaml:6:5: error: stream S: 'allow_msg_ttl' needs nats-server 2.11 or later; the server runs 2.10.25 — remove it or upgrade the servers",
            "topology.yaml:9:34: error: consumer S.c: 'priority_policy' needs nats-server 2.11 or later; the server runs 2.10.25 — remove it or upgrade the servers",
            "topology.yaml:9:61: error: consumer S.c: 'priority_groups' needs nats-server 2.11 or later; the server runs 2.10.25 — remove it or upgrade the servers",
            "topology.yaml:10:34: error: consumer S.d: 'ack_policy: flow_control' needs nats-server 2.14 or later; the server runs 2.10.25 — choose another value or upgrade the servers",
        ])
        #expect(Planner.plan(desired: t, observed: ObservedState(), capabilities: .v2_15).errors.isEmpty)
    }

    @Test func replicasBeyondTheCluster() throws {
        let t = try topology("""
          S:
            num_replicas: 3
            consumers:
              c: { num_replicas: 3 }
          T:
            subjects: [t]
            consumers:
              c: { num_replicas: 2 }

        """)
        let plan = Planner.plan(desired: t, observed: ObservedState(), capabilities: ServerCapabilities(version: "2.15.1", clusterSize: 1)!)
        #expect(plan.errors.map(\.message) == [
            "stream S: num_replicas is 3 but the cluster has 1 server",
            "consumer S.c: num_replicas is 3 but the cluster has 1 server",
            "consumer T.c: num_replicas is 2 but the cluster has 1 server",
        ])
        let three = Planner.plan(desired: t, observed: ObservedState(), capabilities: .v2_15)
        #expect(three.errors.map(\.message) == ["consumer T.c: num_replicas is 2, more than its stream's 1"])
        // Through another JetStream domain the size is unknown (0): the fit is left to that domain's servers.
        let elsewhere = Planner.plan(desired: t, observed: ObservedState(), capabilities: ServerCapabilities(version: "2.15.1", clusterSize: 0)!)
        #expect(elsewhere.errors.map(\.message) == ["consumer T.c: num_replicas is 2, more than its stream's 1"])
    }

    /// With a server down the connection announces two of three servers; the R3 stream's info still lists
    /// three peers (one offline), so the file's R3 streams are no error.
    @Test func replicasCountTheServersTheStreamsAreOnWhileOneIsDown() throws {
        let t = try topology("""
          S:
            num_replicas: 3

        """)
        let info: JSONObject = [
            "config": .object(["name": "S", "subjects": .array(["S"]), "num_replicas": 3]),
            "cluster": .object(["leader": "inst-1", "replicas": .array([.object(["name": "inst-2"]), .object(["name": "inst-3", "offline": true])])]),
        ]
        let live = ObservedState(streams: [try #require(ObservedStream(info: info))])
        #expect(live.largestPlacement == 3)
        let degraded = ServerCapabilities(version: "2.15.1", clusterSize: 2)!
        #expect(Planner.plan(desired: t, observed: live, capabilities: degraded).errors.isEmpty)
        #expect(Planner.plan(desired: t, observed: ObservedState(), capabilities: degraded).errors.map(\.message)
                == ["stream S: num_replicas is 3 but the cluster has 2 servers"])
    }

    @Test func firstSeqIsIgnoredOnExistingStreams() throws {
        let live = observed(try topology(Self.ordersYAML))
        let plan = Planner.plan(desired: try topology(Self.ordersYAML + "    first_seq: 100\n"), observed: live, capabilities: .v2_15)
        #expect(plan.actions.isEmpty)
        #expect(plan.warnings.first?.message.contains("first_seq only applies when a stream is created") == true)
    }

    @Test func mirrorDirectIsComputedByTheServer() throws {
        let t = try topology("""
          COPY:
            mirror: { name: ORIGIN }

        """)
        var live = observed(t)
        live.streams[0].config["mirror_direct"] = .bool(true)
        #expect(Planner.plan(desired: t, observed: live, capabilities: .v2_15).isEmpty)
    }
}
