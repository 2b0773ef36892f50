import Foundation
import JetStreamSchema
import Testing
@testable import Reconcile
import Topology

/// `keys:` of a Key-Value bucket without a server: how the file is read and checked, what the plan puts
/// (and expects), that sensitive values stay out of every plan text, and how a saved plan gets them back.
@Suite struct KVKeysTests {
    static func yaml(_ bucket: String) -> String {
        "name: kvs\ncontexts:\n  user: { url: 'nats://localhost:4222' }\nkv:\n  CONFIG:\n" + bucket
    }

    static func load(_ bucket: String, environment: [String: String] = ["TOKEN": "s3cret-token"]) throws -> TopologySpec {
        try TopologyLoader.load(yaml: yaml(bucket), file: "topology.yaml", environment: environment).topology
    }

    static func errors(_ bucket: String) -> [String] {
        do {
            _ = try TopologyLoader.load(yaml: yaml(bucket), file: "topology.yaml", environment: [:])
            return []
        } catch {
            return error.diagnostics.filter { $0.severity == .error }.map(\.rendered)
        }
    }

    static let keys = """
            keys:
              app.timeout: 30s
              retries: 3
              api.token: ${TOKEN}
              signing.key: { value: "literal-but-secret", secret: true }
        """ + "\n"

    @Test func keysAreReadWithWhatMustNotBePrinted() throws {
        let bucket = try #require(try Self.load(Self.keys).kv.first)
        #expect(bucket.keys.map(\.key) == ["app.timeout", "retries", "api.token", "signing.key"])
        #expect(bucket.keys.map(\.value.value) == ["30s", "3", "s3cret-token", "literal-but-secret"])
        #expect(bucket.keys.map(\.sensitive) == [false, false, true, true])
        #expect(bucket.keys[0].location.line == 7)
        #expect(bucket.keysPolicy == .create)
        #expect(bucket.config["keys"] == nil && bucket.config["keys_policy"] == nil, "jetform's own, not the bucket's config")
        #expect(try Self.load("    keys_policy: enforce\n" + Self.keys).kv.first?.keysPolicy == .enforce)
    }

    @Test func badKeysAreRefusedWithPositionAndFix() {
        let name = Self.errors("    keys:\n      bad key: 1\n")
        #expect(name.count == 1 && name[0].contains("topology.yaml:7:7") && name[0].contains("key 'bad key'") && name[0].contains("contains ' '"), "\(name)")
        let dot = Self.errors("    keys:\n      .hidden: 1\n")
        #expect(dot.count == 1 && dot[0].contains("starts or ends with '.'"), "\(dot)")
        let empty = Self.errors("    keys:\n      a..b: 1\n")
        #expect(empty.count == 1 && empty[0].contains("'..'"), "\(empty)")
        let null = Self.errors("    keys:\n      app.timeout:\n")
        #expect(null.count == 1 && null[0].contains("has no value") && null[0].contains("\"\""), "\(null)")
        let member = Self.errors("    keys:\n      a: { value: x, hidden: true }\n")
        #expect(member.count == 1 && member[0].contains("unknown key 'hidden'") && member[0].contains("value and secret"), "\(member)")
        let policy = Self.errors("    keys_policy: overwrite\n")
        #expect(policy.count == 1 && policy[0].contains("keys_policy") && policy[0].contains("create, enforce"), "\(policy)")
        let mirror = Self.errors("    mirror: { name: ORIGIN }\n    keys:\n      a: 1\n")
        #expect(mirror.count == 1 && mirror[0].contains("is a mirror of 'ORIGIN'") && mirror[0].contains("declare the keys on bucket 'ORIGIN'"), "\(mirror)")
        let large = Self.errors("    max_value_size: 4\n    keys:\n      a: { value: \"too long a value\", secret: true }\n")
        #expect(large.count == 1 && large[0].contains("16 bytes, more than its max_value_size of 4"), "\(large)")
        #expect(!large[0].contains("too long a value"), "a secret value is never quoted")
    }

    static func id(_ key: String) -> ResourceID { .key(stream: "KV_CONFIG", key: key) }

    /// The bucket as jetform created it, holding the keys given.
    static func observed(_ topology: TopologySpec, keys: [ResourceID: ObservedKey]) -> ObservedState {
        var state = ServerEcho.apply(Planner.plan(desired: topology, observed: ObservedState(), capabilities: .v2_15), to: ObservedState())
        state.keys = keys
        return state
    }

    @Test func aNewBucketsKeysArePutAfterItExpectingNone() throws {
        let topology = try Self.load(Self.keys)
        let plan = Planner.plan(desired: topology, observed: ObservedState(), capabilities: .v2_15)
        #expect(plan.errors.isEmpty, "\(plan.errors)")
        #expect(plan.actions.map(\.resource) == [.stream("KV_CONFIG")] + ["app.timeout", "retries", "api.token", "signing.key"].map(Self.id))
        let puts = plan.phases.last
        #expect(puts?.phase == .putKeys && puts?.steps.count == 4)
        let first = try #require(puts?.steps.first)
        #expect(first.config == ["subject": "$KV.CONFIG.app.timeout", "expected_revision": 0, "value": "30s"])
        let secret = try #require(puts?.steps.last)
        #expect(secret.config?["value"] == nil && secret.config?["sensitive"] == true && secret.config?["value_digest"] == nil)
        #expect(secret.payload?.value == "literal-but-secret")
        #expect(plan.summary.add == 5)
        // The executor's graph puts a key after its bucket's create.
        let steps = plan.phases.flatMap(\.steps)
        let graph = StepGraph(steps)
        #expect(graph.roots == [0] && graph.dependencyCounts.dropFirst().allSatisfy { $0 == 1 })

        let text = PlanRenderer.render(plan)
        #expect(text.contains("+ kv CONFIG key retries (create)\n      value: 3"), "\(text)")
        #expect(text.contains("+ kv CONFIG key api.token (create)\n      value: (sensitive)"), "\(text)")
        for output in [text, PlanJSON.encode(plan)] {
            #expect(!output.contains("s3cret-token") && !output.contains("literal-but-secret"), "\(output)")
        }
        // Applied, nothing is left to do.
        #expect(Planner.plan(desired: topology, observed: ServerEcho.apply(plan, to: ObservedState()), capabilities: .v2_15).isEmpty)
    }

    @Test func onlyMissingDeletedOrEnforcedKeysArePut() throws {
        let topology = try Self.load(Self.keys)
        let held: [ResourceID: ObservedKey] = [
            Self.id("app.timeout"): ObservedKey(revision: 7, value: Array("45s".utf8)),  // changed by someone
            Self.id("retries"): ObservedKey(revision: 8, value: nil),                    // deleted: a DEL marker
            Self.id("api.token"): ObservedKey(revision: 9, value: Array("old-token".utf8)),
            Self.id("signing.key"): ObservedKey(revision: 10, value: Array("literal-but-secret".utf8)),
        ]
        let created = Planner.plan(desired: topology, observed: Self.observed(topology, keys: held), capabilities: .v2_15)
        #expect(created.actions.map(\.resource) == [Self.id("retries")], "\(PlanRenderer.render(created))")
        #expect(created.actions.first?.kind == .create && created.actions.first?.steps.first?.config?["expected_revision"] == 8)

        let enforcing = try Self.load("    keys_policy: enforce\n" + Self.keys)
        let enforced = Planner.plan(desired: enforcing, observed: Self.observed(enforcing, keys: held), capabilities: .v2_15)
        #expect(enforced.actions.map(\.resource) == ["app.timeout", "retries", "api.token"].map(Self.id))
        #expect(enforced.actions.map(\.kind) == [.update, .create, .update])
        #expect(enforced.actions.compactMap { $0.steps.first?.config?["expected_revision"]?.intValue } == [7, 8, 9])
        let text = PlanRenderer.render(enforced)
        #expect(text.contains("~ kv CONFIG key app.timeout (update in-place)\n      ~ value: 45s → 30s"), "\(text)")
        #expect(text.contains("~ kv CONFIG key api.token (update in-place)\n      ~ value: (sensitive, differs from the file)"), "\(text)")
        #expect(text.contains("Plan: 1 to add, 2 to change"), "\(text)")
        for output in [text, PlanJSON.encode(enforced)] {
            #expect(!output.contains("old-token") && !output.contains("s3cret-token"), "neither the bucket's nor the file's secret")
        }
    }

    @Test func aReplacedBucketsKeysArePutAgainExpectingNone() throws {
        let topology = try Self.load("    storage: memory\n" + Self.keys)
        var observed = Self.observed(try Self.load(Self.keys), keys: [Self.id("app.timeout"): ObservedKey(revision: 3, value: Array("30s".utf8))])
        observed.streams[0].state = StreamHoldings(messages: 1, bytes: 40)
        let plan = Planner.plan(desired: topology, observed: observed, capabilities: .v2_15,
                                options: PlanOptions(allowReplace: true, allowDataLoss: true))
        #expect(plan.actions.map(\.kind) == [.replace, .create, .create, .create, .create], "\(PlanRenderer.render(plan))")
        #expect(plan.actions.dropFirst().allSatisfy { $0.steps.first?.config?["expected_revision"] == 0 })
    }

    @Test func aSavedPlanHoldsDigestsAndTakesSensitiveValuesFromTheTopology() throws {
        let topology = try Self.load(Self.keys)
        let plan = Planner.plan(desired: topology, observed: ObservedState(), capabilities: .v2_15)
        let text = SavedPlan(plan: plan, topologyFiles: ["topology.yaml"], context: "user", observed: ObservedState()).encode()
        #expect(!text.contains("s3cret-token") && !text.contains("literal-but-secret"))
        let saved = try SavedPlan.decode(text, file: "plan.json")
        #expect(saved.plan.actions.flatMap(\.steps).allSatisfy { $0.payload == nil })
        // Each sensitive value has a digest of its own salt: the same value saved twice looks different.
        let digests = saved.plan.actions.flatMap(\.steps).compactMap { $0.config?["value_digest"]?.stringValue }
        #expect(digests.count == 2 && digests.allSatisfy { $0.hasPrefix("sha256x10000:") })
        let again = try SavedPlan.decode(SavedPlan(plan: plan, topologyFiles: [], context: nil, observed: ObservedState()).encode(), file: "p")
        #expect(again.plan.actions.flatMap(\.steps).compactMap { $0.config?["value_digest"]?.stringValue }.allSatisfy { !digests.contains($0) })

        let restored = saved.restoringValues(from: topology)
        #expect(restored.problems.isEmpty, "\(restored.problems)")
        #expect(restored.plan.actions.flatMap(\.steps).compactMap(\.payload?.value) == ["s3cret-token", "literal-but-secret"])

        let none = saved.restoringValues(from: nil)
        #expect(none.problems.count == 2 && none.problems[0].contains("kv CONFIG key api.token has a sensitive value"), "\(none.problems)")
        let changed = saved.restoringValues(from: try Self.load(Self.keys, environment: ["TOKEN": "another"]))
        #expect(changed.problems.count == 1 && changed.problems[0].contains("kv CONFIG key api.token") && changed.problems[0].contains("not the one planned"),
                "\(changed.problems)")
        #expect(!changed.problems.joined().contains("another"))
    }

    @Test func longValuesAreCutInPlans() throws {
        let long = String(repeating: "x", count: 500)
        let plan = Planner.plan(desired: try Self.load("    keys:\n      blob: \(long)\n"), observed: ObservedState(), capabilities: .v2_15)
        let text = PlanRenderer.render(plan)
        #expect(text.contains("value: " + String(repeating: "x", count: 120) + "… (500 bytes)"), "\(text)")
    }

    @Test func aPutCanOnlyPublishOnItsKeysSubject() {
        let id = Self.id("app.timeout")
        #expect(id.keySubject == "$KV.CONFIG.app.timeout")
        #expect(ResourceID.key(stream: "ORDERS", key: "x").keySubject == nil, "a stream that is no bucket's")
        let good = PlanStep(phase: .putKeys, operation: .putKey, resource: id, config: ["subject": "$KV.CONFIG.app.timeout", "expected_revision": 0])
        #expect(throws: Never.self) { try PlanExecutor.checkShape(good) }
        var edited = good
        edited.config?["subject"] = "$JS.API.STREAM.DELETE.ORDERS"
        #expect(throws: StepError.self) { try PlanExecutor.checkShape(edited) }
    }
}
