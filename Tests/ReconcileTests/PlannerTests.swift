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
            "stream REQUESTS", "consumer REQUESTS.workers", "stream RESPONSES", "consumer RESPONSES.producers", "stream KV_CONFIG",
        ])
        #expect(plan.actions.allSatisfy { $0.kind == .create })
        #expect(plan.phases.map(\.phase) == [.applyStreams, .applyConsumers])
        #expect(plan.summary == PlanSummary(add: 5))
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

    /// Before 2.12.12 and on 2.14.0-2.14.2 the server checks new consumer limits as written (checked live
    /// on 2.12.8, 2.14.0 and 2.14.4): a removed max_ack_pending is 0, so a consumer with 1000 refuses it
    /// in place; the stream is replaced (as for a field that cannot change), with a warning and the fix.
    @Test(arguments: [("2.12.8", true), ("2.14.0", true), ("2.14.2", true), ("2.14.3", false), ("2.15.1", false)])
    func removingALimitWithConsumersAboveItReplacesWhereTheServerChecksItAsWritten(version: String, refused: Bool) throws {
        let caps = try #require(ServerCapabilities(version: version, apiLevel: 2, clusterSize: 3))
        let before = try topology("""
          S:
            subjects: [s.>]
            consumer_limits: { max_ack_pending: 2000 }
            consumers:
              c: { ack_policy: explicit, max_ack_pending: 1000 }

        """)
        let removed = try topology("""
          S:
            subjects: [s.>]
            consumers:
              c: { ack_policy: explicit, max_ack_pending: 1000 }

        """)
        let plan = Planner.plan(desired: removed, observed: observed(before, caps), capabilities: caps)
        #expect(plan.errors.isEmpty, "\(plan.errors)")
        #expect(plan.actions.first?.kind == (refused ? .replace : .update))
        if refused {
            #expect(plan.actions.first?.replaceReasons == ["removing consumer_limits.max_ack_pending while consumers are above it, before nats-server 2.12.12 / 2.14.3"])
            let warning = try #require(plan.warnings.first, "\(plan.actions)")
            #expect(warning.message.contains("refuses removing consumer_limits.max_ack_pending in place while consumers have a max_ack_pending above 0: c (1000)"), "\(warning.message)")
            #expect(warning.fix.contains("set consumer_limits.max_ack_pending to 1000 or more"), "\(warning.fix)")
        }
        // -1 is checked as -1: every consumer is above it, unless it has -1 itself.
        let unlimited = try topology("""
          S:
            subjects: [s.>]
            consumer_limits: { max_ack_pending: -1 }
            consumers:
              c: { ack_policy: explicit, max_ack_pending: 1000 }

        """)
        let minusOne = Planner.plan(desired: unlimited, observed: observed(before, caps), capabilities: caps)
        #expect(minusOne.warnings.map { $0.message.contains("refuses consumer_limits.max_ack_pending -1 in place") } == (refused ? [true] : []),
                "\(minusOne.warnings)")
        #expect(minusOne.actions.first?.kind == (refused ? .replace : .update))
        // A change of one limit checks the other as written too: adding an inactivity limit to a stream
        // without max_ack_pending, with a consumer at 1000 (differential seed 20261201 case 51 on 2.10.26).
        let open = try topology("""
          S:
            subjects: [s.>]
            consumers:
              c: { ack_policy: explicit }

        """)
        let inactive = try topology("""
          S:
            subjects: [s.>]
            consumer_limits: { inactive_threshold: 1h }
            consumers:
              c: { ack_policy: explicit }

        """)
        let adding = Planner.plan(desired: inactive, observed: observed(open, caps), capabilities: caps)
        #expect(adding.actions.first?.kind == (refused ? .replace : .update))
        #expect(adding.warnings.map(\.message).filter { $0.contains("refuses changing consumer_limits without max_ack_pending in place") }.count
                == (refused ? 1 : 0), "\(adding.warnings)")
    }

    /// Limits removed from a stream that has no consumers yet change first: the new consumers are created
    /// under no limits (created under the old ones, pedantic mode would ask them to state the old values).
    @Test func limitsRemovedBeforeItsFirstConsumersChangeFirst() throws {
        let caps = try #require(ServerCapabilities(version: "2.12.8", apiLevel: 2, clusterSize: 3))
        let before = try topology("""
          S:
            subjects: [s.>]
            consumer_limits: { max_ack_pending: 2000, inactive_threshold: 1h30m }

        """)
        let after = try topology("""
          S:
            subjects: [s.>]
            consumers:
              c: { ack_policy: explicit }

        """)
        let plan = Planner.plan(desired: after, observed: observed(before, caps), capabilities: caps)
        #expect(plan.errors.isEmpty && plan.warnings.isEmpty, "\(plan.errors) \(plan.warnings)")
        #expect(plan.phases.flatMap(\.steps).map { "\($0.phase) \($0.operation.rawValue) \($0.resource)" } == [
            "applyStreams update_stream stream S", "applyConsumers create_consumer consumer S.c",
        ])
        #expect(plan.phases.first?.steps.first?.config?["consumer_limits"] == nil)
    }

    /// Where limits are checked as written, a consumer that drops to -1 in the same plan is updated before
    /// the stream's limit goes to -1; a pruned consumer does not count, one of another owner does.
    @Test func aLimitGoingToMinusOneWaitsForItsConsumersWhereCheckedAsWritten() throws {
        let caps = try #require(ServerCapabilities(version: "2.14.0", apiLevel: 4, clusterSize: 3))
        let before = try topology("""
          S:
            subjects: [s.>]
            consumer_limits: { max_ack_pending: 2000 }
            consumers:
              c: { ack_policy: explicit, max_ack_pending: 1000 }
              u: { ack_policy: explicit }
              old: { ack_policy: explicit }

        """)
        let after = try topology("""
          S:
            subjects: [s.>]
            consumer_limits: { max_ack_pending: -1 }
            consumers:
              c: { ack_policy: explicit, max_ack_pending: -1 }
              u: { ack_policy: explicit }

        """)
        var live = observed(before, caps)
        let pruning = Planner.plan(desired: after, observed: live, capabilities: caps,
                                   options: PlanOptions(prune: true, allowReplace: false, allowDataLoss: false))
        #expect(pruning.errors.isEmpty && pruning.warnings.isEmpty, "\(pruning.errors) \(pruning.warnings)")
        #expect(pruning.phases.flatMap(\.steps).map { "\($0.phase) \($0.operation.rawValue) \($0.resource)" } == [
            "deleteConsumers delete_consumer consumer S.old", "applyStreams update_stream stream S",
            "applyConsumers update_consumer consumer S.c", "applyConsumers update_consumer consumer S.u",
            "lowerLimits update_stream stream S",
        ])
        // `u` leaves max_ack_pending to the stream, which still has 2000 when `u` is updated: it is sent -1.
        let sent = pruning.phases.flatMap(\.steps).filter { $0.phase == .applyConsumers }.map { $0.config?["max_ack_pending"] }
        #expect(sent == [.int(-1), .int(-1)])
        // Where the server checks only positive limits, -1 is no lowering: one stream update, then `u` as declared.
        let later = Planner.plan(desired: after, observed: observed(before, .v2_15), capabilities: .v2_15,
                                 options: PlanOptions(prune: true, allowReplace: false, allowDataLoss: false))
        #expect(later.errors.isEmpty, "\(later.errors)")
        #expect(later.phases.map(\.phase) == [.deleteConsumers, .applyStreams, .applyConsumers])
        #expect(later.phases.flatMap(\.steps).last?.config?["max_ack_pending"] == nil)
        // Without prune `old` stays, with the 2000 it was given: the stream is replaced.
        let keeping = Planner.plan(desired: after, observed: live, capabilities: caps)
        #expect(keeping.actions.first?.kind == .replace)
        #expect(keeping.warnings.first?.message.contains("old (2000)") == true, "\(keeping.warnings)")
        // A consumer of another client (no marker) always stays.
        let index = try #require(live.streams[0].consumers.firstIndex { $0.name == "old" })
        live.streams[0].consumers[index].config["metadata"] = nil
        #expect(Planner.plan(desired: after, observed: live, capabilities: caps,
                             options: PlanOptions(prune: true, allowReplace: false, allowDataLoss: false)).actions.first?.kind == .replace)
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

    static let streamWithAConsumer = """
      S:
        subjects: [s.>]
        consumers:
          c: { ack_policy: explicit }

    """

    /// Found by the differential test at 1,000 cases (seed 20261201 case 835 on 2.15.1): consumer limits
    /// set over an existing consumer that leaves them unset. The consumer is updated first under the old
    /// limits, stating the new values, so pedantic mode's "must be set" (10157) never sees it unset; the
    /// server takes that order in place.
    @Test func limitsSetOverAConsumerLeavingThemUnsetAreStatedInItsUpdate() throws {
        let before = try topology(Self.streamWithAConsumer)
        let after = try topology("""
          S:
            subjects: [s.>]
            consumer_limits: { max_ack_pending: 5 }
            consumers:
              c: { ack_policy: explicit }

        """)
        let plan = Planner.plan(desired: after, observed: observed(before), capabilities: .v2_15)
        #expect(plan.errors.isEmpty, "\(plan.errors)")
        let steps = plan.phases.flatMap(\.steps)
        #expect(steps.map { "\($0.phase) \($0.operation.rawValue) \($0.resource)" } == [
            "applyStreams update_stream stream S", "applyConsumers update_consumer consumer S.c", "lowerLimits update_stream stream S",
        ])
        #expect(steps[1].config?["max_ack_pending"] == .int(5))
        // A consumer created on a stream that has the limits already is sent as declared: pedantic mode refuses it.
        let fresh = Planner.plan(desired: after, observed: ObservedState(), capabilities: .v2_15)
        #expect(fresh.errors.map(\.message).contains { $0.contains("leaves out max_ack_pending") && $0.contains("10157") })
    }

    /// Seed 20261201 case 282 on 2.15.1: a sealed stream takes no further update (it denies deletes the
    /// next config does not), so an update in two steps seals it in the last.
    @Test func aStreamIsSealedInTheLastOfItsUpdates() throws {
        let before = try topology(Self.streamWithAConsumer)
        let after = try topology("""
          S:
            subjects: [s.>]
            sealed: true
            consumer_limits: { max_ack_pending: 5 }
            consumers:
              c: { ack_policy: explicit, max_ack_pending: 5 }

        """)
        let plan = Planner.plan(desired: after, observed: observed(before), capabilities: .v2_15)
        #expect(plan.errors.isEmpty, "\(plan.errors)")
        let streamSteps = plan.phases.flatMap(\.steps).filter { $0.operation == .updateStream }
        #expect(streamSteps.count == 2)
        #expect(streamSteps.first?.config?["sealed"] == nil)
        #expect(streamSteps.last?.config?["sealed"] == .bool(true))
    }

    /// Seed 20261201 case 249 on 2.10.26: the subjects of a new stream against a live stream the file does
    /// not declare (the validator sees only the file); the server refuses the overlap (10065).
    @Test func subjectsOverlappingAnUndeclaredLiveStreamAreErrors() throws {
        let other = try topology("""
          ORIGIN:
            subjects: [origin.>]

        """, name: "others")
        let mine = try topology("""
          NEW:
            subjects: [new.a, origin.a]

        """)
        let plan = Planner.plan(desired: mine, observed: observed(other), capabilities: .v2_15)
        let error = try #require(plan.errors.first)
        #expect(error.message.contains("subject 'origin.a' overlaps 'origin.>' of stream ORIGIN") && error.message.contains("10065"))
        #expect(error.location?.line == 6)
        // Disjoint subjects, or a stream the plan prunes first, are fine.
        let disjoint = try topology("""
          NEW:
            subjects: [new.>]

        """)
        #expect(Planner.plan(desired: disjoint, observed: observed(other), capabilities: .v2_15).errors.isEmpty)
        let owned = try topology("""
          ORIGIN:
            subjects: [origin.>]

        """)
        let pruned = Planner.plan(desired: mine, observed: observed(owned), capabilities: .v2_15, options: PlanOptions(prune: true))
        #expect(pruned.errors.isEmpty, "\(pruned.errors)")
    }

    /// Rules found by the differential test at 1,000 cases on 2.15.1 (seed 20261201 cases 799, 660, 678);
    /// they hold on every release, so the file is refused as it loads.
    @Test func externalAPIOfTheAccountAndOverlappingSourceTransformsAreRefused() throws {
        func refusal(_ streams: String) -> String {
            do {
                _ = try topology(streams)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal("""
          S:
            sources:
              - { name: OTHER, external: { api: "$JS.API" } }

        """).contains("sources[0].external.api '$JS.API', the account's own JetStream API; the server refuses it (10021)"))
        #expect(refusal("""
          S:
            sources:
              - name: OTHER
                subject_transforms:
                  - { src: "o.*", dest: "x.a" }
                  - { src: o.a, dest: x.b }

        """).contains("overlapping source filters (10147)"))
        #expect(refusal("""
          S:
            sources:
              - name: OTHER
                external: { api: "$JS.hub.API" }
                subject_transforms:
                  - { src: o.a, dest: x.a }
                  - { src: o.b, dest: x.b }

        """) == "")
    }

    /// Seed 20261201 cases 218 and 497: a start sequence of 0 is no start sequence to the server.
    @Test func aStartSequenceOfZeroIsNone() throws {
        _ = try topology("""
          S:
            subjects: [s.>]
            consumers:
              c: { opt_start_seq: 0 }

        """)
        #expect(throws: (any Error).self) {
            try topology("""
              S:
                subjects: [s.>]
                consumers:
                  c: { deliver_policy: by_start_sequence, opt_start_seq: 0 }

            """)
        }
    }
}
