import Testing
@testable import Reconcile
import Topology

@Suite struct PlanJSONTests {
    @Test func roundTrip() throws {
        for options in [PlanOptions(prune: true), PlanOptions(prune: true, allowReplace: true, allowDataLoss: true)] {
            let plan = try RendererTests.examplePlan(options: options)
            let text = PlanJSON.encode(plan)
            let decoded = try PlanJSON.decode(text)
            #expect(decoded == plan)
            #expect(PlanJSON.encode(decoded) == text)
            #expect(PlanRenderer.render(decoded) == PlanRenderer.render(plan))
        }
    }

    @Test func documentedShape() throws {
        let plan = try RendererTests.examplePlan()
        let root = try object(PlanJSON.encode(plan))
        #expect(root["format_version"] == .int(1))
        #expect(root["topology"] == "users")
        #expect(root["server"] == .object(["version": "2.15.1", "api_level": .int(5), "cluster_size": .int(3)]))
        #expect(root["summary"] == .object(["add": .int(1), "change": .int(1), "replace": .int(1), "destroy": .int(1)]))
        #expect(root["applicable"] == .bool(false))
        #expect(root["fingerprint"]?.stringValue?.hasPrefix("sha256:") == true)
        let actions = try #require(root["actions"]?.arrayValue)
        #expect(actions.map { $0["type"] } == ["create", "update", "replace", "delete"])
        #expect(actions.map { $0["resource"] } == ["stream", "stream", "stream", "consumer"])
        #expect(actions[3]["name"] == "x" && actions[3]["stream"] == "OLD")
        #expect(actions[3]["cause"] == .object(["type": "pruned"]))
        let replace = actions[2]
        #expect(replace["holds"] == .object(["messages": .int(1204), "bytes": .int(3_250_000)]))
        #expect(replace["blocked"]?.arrayValue?.map { $0["reason"] } == ["needs_allow_replace", "needs_allow_data_loss"])
        #expect(replace["steps"]?.arrayValue?.map { $0["operation"] } == ["delete_stream", "create_stream"])
        #expect(replace["steps"]?.arrayValue?.map { $0["phase"] } == [.int(2), .int(3)])
        let change = try #require(replace["changes"]?.arrayValue?.first)
        #expect(change["path"] == "storage" && change["old"] == "file" && change["new"] == "memory")
        #expect(change["forces_replacement"] == .bool(true))
        #expect(root["unmanaged"] == .array([.object(["resource": "stream", "name": "FOREIGN", "stream": "FOREIGN",
                                                      "managed_by": .null, "prunable": .bool(false)])]))
    }

    @Test func refusesOtherFormatVersions() throws {
        let text = PlanJSON.encode(try RendererTests.examplePlan()).replacingOccurrences(of: "\"format_version\" : 1", with: "\"format_version\" : 2")
        #expect(throws: (any Error).self) { try PlanJSON.decode(text) }
    }

    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}

@Suite struct FingerprintTests {
    static let yaml = """
      A:
        subjects: [a]
        max_age: 1m
        consumers:
          c: { ack_policy: explicit }
      B:
        subjects: [b]

    """

    /// Cluster where A differs from the file (so the plan touches A only) and B matches.
    func setup() throws -> (TopologySpec, ObservedState, Plan) {
        let desired = try topology(Self.yaml)
        var live = applied(desired, capabilities: .v2_15)
        live.streams[0].config["max_age"] = .int(120_000_000_000)
        let plan = Planner.plan(desired: desired, observed: live, capabilities: .v2_15)
        #expect(plan.touchedResources == [.stream("A")])
        return (desired, live, plan)
    }

    @Test func unchangedClusterIsFresh() throws {
        let (_, live, plan) = try setup()
        #expect(!plan.isStale(comparedTo: live))
        // Key order, _nats metadata, message counts and ephemeral consumers do not matter.
        var same = live
        same.streams[0].config["metadata"] = .object(["jetform.managed-by": "users", "_nats.ver": "2.15.2"])
        same.streams[0].state = StreamHoldings(messages: 0, bytes: 0)
        same.streams[0].consumers.append(ObservedConsumer(name: "eph", config: ["name": "eph"]))
        #expect(!plan.isStale(comparedTo: same))
    }

    @Test func changeToATouchedResourceMakesItStale() throws {
        let (_, live, plan) = try setup()
        var changed = live
        changed.streams[0].config["max_age"] = .int(180_000_000_000)
        #expect(plan.isStale(comparedTo: changed))
        var filled = live
        filled.streams[0].state = StreamHoldings(messages: 5, bytes: 50)
        #expect(plan.isStale(comparedTo: filled))
        var gone = live
        gone.streams.remove(at: 0)
        #expect(plan.isStale(comparedTo: gone))
        var extraConsumer = live
        extraConsumer.streams[0].consumers.append(ObservedConsumer(name: "d", config: ["durable_name": "d"]))
        #expect(plan.isStale(comparedTo: extraConsumer))
    }

    @Test func changeElsewhereKeepsItFresh() throws {
        let (_, live, plan) = try setup()
        var changed = live
        changed.streams[1].config["max_age"] = .int(1_000_000_000)
        changed.streams.append(ObservedStream(name: "NEW", config: ["name": "NEW"]))
        #expect(!plan.isStale(comparedTo: changed))
    }

    @Test func createsGoStaleWhenTheResourceAppears() throws {
        let desired = try topology(Self.yaml)
        let plan = Planner.plan(desired: desired, observed: ObservedState(), capabilities: .v2_15)
        #expect(!plan.isStale(comparedTo: ObservedState()))
        #expect(plan.isStale(comparedTo: ObservedState(streams: [ObservedStream(name: "B", config: ["name": "B"])])))
    }
}
