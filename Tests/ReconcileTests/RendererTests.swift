import Foundation
import JetStreamSchema
import Testing
@testable import Reconcile
import Topology

@Suite struct RendererTests {
    /// The example of the design brief: one of each kind of action plus a foreign stream.
    static func examplePlan(options: PlanOptions = PlanOptions(prune: true)) throws -> Plan {
        let before = try topology("""
          RESPONSES:
            subjects: [users.responses.*]
            max_age: 5s
          ORDERS:
            subjects: [orders.>]
            storage: file
          OLD:
            subjects: [old.>]
            consumers:
              x: { ack_policy: explicit }

        """)
        let after = try topology("""
          REQUESTS:
            description: Requests waiting for a worker
            subjects: [users.requests]
            retention: workqueue
            max_age: 5s
            duplicate_window: 5s
          RESPONSES:
            subjects: [users.responses.*]
            max_age: 10s
            duplicate_window: 5s
          ORDERS:
            subjects: [orders.>]
            storage: memory
          OLD:
            subjects: [old.>]

        """)
        var live = applied(before, capabilities: .v2_15)
        live.streams[1].state = StreamHoldings(messages: 1204, bytes: 3_250_000)
        live.streams.append(ObservedStream(name: "FOREIGN", config: ["name": "FOREIGN"]))
        return Planner.plan(desired: after, observed: live, capabilities: .v2_15, options: options)
    }

    @Test func golden() throws {
        let text = PlanRenderer.render(try Self.examplePlan())
        #expect(text == """
        jetform will perform the following actions:

          + stream REQUESTS (create)
              description: "Requests waiting for a worker"
              subjects: [users.requests]
              retention: workqueue
              max_age: 5s
              duplicate_window: 5s
              metadata: {jetform.managed-by: users}
          ~ stream RESPONSES (update in-place)
              ~ max_age: 5s → 10s
          -/+ stream ORDERS (replace: storage cannot change in place; holds 1,204 messages, 3.1 MB)
              ~ storage: file → memory  (forces replacement)
              ! blocked: replacing needs --allow-replace
              ! blocked: would delete 1,204 messages, 3.1 MB; needs --allow-data-loss
          - consumer OLD.x (delete: no longer in topology.yaml)

        Not managed by this file (left alone): stream FOREIGN
        Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy.
        1 action is blocked; apply refuses the plan unless run with --allow-replace and --allow-data-loss.

        """)
    }

    @Test func manyResourcesLeftAloneAreSummedUpByOwner() throws {
        let t = try shippedTopology()
        var live = applied(t, capabilities: .v2_15)
        for i in 0..<2000 {
            let owner: JSONValue? = i < 1500 ? .object(["jetform.managed-by": "team-a"]) : i < 1990 ? nil : .object(["jetform.managed-by": "team-b"])
            var config: JSONObject = ["name": .string("F\(i)")]
            if let owner { config["metadata"] = owner }
            live.streams.append(ObservedStream(name: "F\(i)", config: config))
        }
        let plan = Planner.plan(desired: t, observed: live, capabilities: .v2_15)
        let text = PlanRenderer.render(plan)
        #expect(text.contains("Not managed by this file (left alone): 2,000 streams: 1,500 of 'team-a', 490 without a marker, 10 of 'team-b'; --show-unmanaged lists them"), "\(text)")
        #expect(!text.contains("F1999"))
        #expect(PlanRenderer.render(plan, showUnmanaged: true).contains("stream F1999 (managed by 'team-b')"))
        #expect(plan.unmanaged.count == 2000, "the JSON plan keeps the whole list")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(PlanJSON.encode(plan).utf8)) as? [String: Any])
        let owners = try #require(json["unmanaged_by_owner"] as? [[String: Any]])
        #expect(owners.map { $0["managed_by"] as? String ?? "-" } == ["team-a", "-", "team-b"])
        #expect(owners.map { $0["streams"] as? Int } == [1500, 490, 10])
        #expect(owners.allSatisfy { $0["consumers"] as? Int == 0 })
    }

    @Test func noChanges() throws {
        let t = try shippedTopology()
        let plan = Planner.plan(desired: t, observed: applied(t, capabilities: .v2_15), capabilities: .v2_15)
        #expect(PlanRenderer.render(plan) == "No changes. The cluster matches topology.yaml.\n")
        #expect(PlanRenderer.render(plan, fileName: "prod.yaml") == "No changes. The cluster matches prod.yaml.\n")
    }

    @Test func colorOnlyWhenAsked() throws {
        let plan = try Self.examplePlan()
        #expect(!PlanRenderer.render(plan).contains("\u{1B}["))
        let colored = PlanRenderer.render(plan, color: true)
        #expect(colored.contains("\u{1B}[32m+\u{1B}[0m stream REQUESTS"))
        #expect(colored.contains("\u{1B}[33m~\u{1B}[0m stream RESPONSES"))
        #expect(colored.contains("\u{1B}[31m-\u{1B}[0m consumer OLD.x"))
    }

    @Test func errorsWarningsAndPrunable() throws {
        let t = try topology("""
          S:
            allow_msg_ttl: true

        """)
        var live = ObservedState()
        live.streams.append(ObservedStream(name: "GONE", config: ["name": "GONE", "metadata": .object(["jetform.managed-by": "users"])]))
        let text = PlanRenderer.render(Planner.plan(desired: t, observed: live, capabilities: .v2_10))
        #expect(text.hasPrefix("Error: topology.yaml:6:5: stream S: 'allow_msg_ttl' needs nats-server 2.11 or later; the server runs 2.10.25 — remove it or upgrade the servers\n\n"))
        #expect(text.contains("Managed by 'users' but no longer in topology.yaml (left alone; --prune deletes them): stream GONE\n"))
        #expect(text.hasSuffix("The plan has 1 error and cannot be applied.\n"))
    }

    @Test(arguments: [
        ("max_age", JSONValue.int(5_400_000_000_000), "1h30m"),
        ("max_age", JSONValue.int(0), "unlimited"),
        ("max_bytes", JSONValue.int(-1), "unlimited"),
        ("max_bytes", JSONValue.int(536_870_912), "512MiB"),
        ("max_msgs", JSONValue.int(-1), "unlimited"),
        ("max_msgs", JSONValue.int(1000), "1000"),
        ("duplicate_window", JSONValue.int(250_000_000), "250ms"),
        ("subjects", JSONValue.array(["a.b", "c.>"]), "[a.b, c.>]"),
        ("storage", JSONValue.string("memory"), "memory"),
        ("description", JSONValue.string("two words"), "\"two words\""),
        ("placement", JSONValue.object(["cluster": "east", "tags": .array(["ssd"])]), "{cluster: east, tags: [ssd]}"),
        ("sealed", JSONValue.bool(true), "true"),
    ])
    func streamValues(_ path: String, _ value: JSONValue, _ expected: String) {
        #expect(ValueFormatter.format(value, path: path, kind: .stream) == expected)
    }

    @Test func unsetValues() {
        #expect(ValueFormatter.format(nil, path: "deny_delete", kind: .stream) == "false")
        #expect(ValueFormatter.format(nil, path: "max_age", kind: .stream) == "unlimited")
        #expect(ValueFormatter.format(nil, path: "ack_wait", kind: .consumer) == "0s")
        #expect(ValueFormatter.format(nil, path: "description", kind: .stream) == "(none)")
        #expect(ValueFormatter.format(.array([.int(1_000_000_000), .int(5_000_000_000)]), path: "backoff", kind: .consumer) == "[1s, 5s]")
    }

    @Test func holdings() {
        #expect(ValueFormatter.holdings(StreamHoldings(messages: 1, bytes: 100)) == "1 message, 100 B")
        #expect(ValueFormatter.holdings(StreamHoldings(messages: 1_234_567, bytes: 5 << 30)) == "1,234,567 messages, 5 GB")
        #expect(ValueFormatter.approximateSize(1536) == "1.5 KB")
        #expect(ValueFormatter.approximateSize(20 * 1024 * 1024 + 1) == "20 MB")
    }

    @Test func splitUpdateHeader() throws {
        let before = try topology("  S: { num_replicas: 1 }\n")
        let after = try topology("  S: { num_replicas: 3, placement: { cluster: east } }\n")
        let plan = Planner.plan(desired: after, observed: applied(before, capabilities: .v2_15), capabilities: .v2_15)
        let text = PlanRenderer.render(plan)
        #expect(text.contains("~ stream S (update in-place, in 2 steps: move, then scale)\n"))
        // A lowered limit is a last step, after the consumers (not a move).
        let limited = try topology("  S: { num_replicas: 3, placement: { cluster: east }, consumer_limits: { max_ack_pending: 10 } }\n")
        let lowered = PlanRenderer.render(Planner.plan(desired: limited, observed: applied(before, capabilities: .v2_15), capabilities: .v2_15))
        #expect(lowered.contains("~ stream S (update in-place, in 3 steps: move, then scale, then lower consumer_limits after the consumers)\n"),
                "\(lowered)")
        #expect(text.contains("      + placement.cluster: east\n"))
        #expect(text.contains("      ~ num_replicas: 1 → 3\n"))
    }
}
