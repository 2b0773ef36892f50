import Foundation
import JetStream
import JetStreamSchema
import LocalCluster
import NATS
import Testing
import TestSupport
import Topology
@testable import Reconcile

/// The keys a bucket of the file declares (`keys:`), against real clusters: apply puts them as the
/// clients do (nats-py's KV API reads them back), a re-plan is empty, a value someone else changed stays
/// unless `keys_policy: enforce`, a deleted key is put again, a put made stale by another writer is
/// refused (10071) and changes nothing, and a sensitive value never appears in a plan.
@Suite("Key-Value keys against a real cluster", .serialized)
struct KVKeysIntegrationTests {
    static func topology(policy: String = "create") -> String {
        """
        name: kvkeys
        contexts:
          user: { url: "${NATS_URL}", user: user, password: user }
        kv:
          CONFIG:
            history: 3
            storage: memory
            num_replicas: 3
            keys_policy: \(policy)
            keys:
              app.timeout: 30s
              feature.beta: "on"
              db.password: ${DB_PASSWORD}
        """
    }

    static let secret = "hunter2-not-for-logs"

    func load(_ text: String, _ cluster: LocalCluster, password: String = Self.secret) throws -> TopologySpec {
        try TopologyLoader.load(yaml: text, file: "topology.yaml",
                                environment: ["NATS_URL": cluster.clientURLs.joined(separator: ","), "DB_PASSWORD": password]).topology
    }

    /// nats-py's view of the keys, read until it shows `expected` (its gets are direct, answered by any
    /// replica, which may lag a moment behind the put).
    func clientValues(_ cluster: LocalCluster, _ keys: [String], expected: [String: String?]) async throws -> [String: String?] {
        var values: [String: String?] = [:]
        let deadline = ContinuousClock.now + .seconds(5)
        repeat {
            let out = try PythonClient.run(["get", cluster.clientURLs.joined(separator: ","), "user", "user", "CONFIG", keys.joined(separator: ",")])
            let read = out["values"] as? [String: Any] ?? [:]
            values = Dictionary(uniqueKeysWithValues: keys.map { key in (key, (read[key] as? [String: Any])?["value"] as? String) })
            if values == expected { return values }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        return values
    }

    func put(_ cluster: LocalCluster, _ assignment: String) throws {
        _ = try PythonClient.run(["put", cluster.clientURLs.joined(separator: ","), "user", "user", "CONFIG", assignment])
    }

    @Test(arguments: KVIntegrationTests.releases)
    func declaredKeysArePutOnceAndGuarded(version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            try await waitUntilPlacementWorks(js)
            let keys = ["app.timeout", "feature.beta", "db.password"]

            // The bucket and its keys in one plan: the keys are put once the bucket exists.
            let topology = try load(Self.topology(), cluster)
            let create = try await livePlan(topology, js)
            #expect(create.errors.isEmpty, "\(create.errors)")
            #expect(create.actions.map(\.resource) == [.stream("KV_CONFIG")] + keys.map { .key(stream: "KV_CONFIG", key: $0) })
            let text = PlanRenderer.render(create)
            #expect(text.contains("+ kv CONFIG key app.timeout (create)\n      value: 30s"), "\(text)")
            #expect(text.contains("+ kv CONFIG key db.password (create)\n      value: (sensitive)"), "\(text)")
            #expect(text.contains("Plan: 4 to add"), "\(text)")
            #expect(!text.contains(Self.secret) && !PlanJSON.encode(create).contains(Self.secret), "the secret stays out of plans")
            _ = try await PlanExecutor(jetStream: js).apply(create)
            let after = try await livePlan(topology, js)
            #expect(after.isEmpty, "no drift after apply: \(PlanRenderer.render(after))")
            #expect(try await clientValues(cluster, keys, expected: ["app.timeout": "30s", "feature.beta": "on", "db.password": Self.secret])
                    == ["app.timeout": "30s", "feature.beta": "on", "db.password": Self.secret])

            // Someone else changes a value: the default policy leaves it; enforce puts the file's back.
            try put(cluster, "app.timeout=60s")
            #expect(try await livePlan(topology, js).isEmpty, "keys_policy create leaves values others set")
            let enforced = try load(Self.topology(policy: "enforce"), cluster)
            let update = try await livePlan(enforced, js)
            #expect(update.actions.map(\.kind) == [.update], "\(PlanRenderer.render(update))")
            #expect(PlanRenderer.render(update).contains("~ kv CONFIG key app.timeout (update in-place)\n      ~ value: 60s → 30s"),
                    "\(PlanRenderer.render(update))")

            // A put is guarded by the revision the plan saw: another write in between is refused (10071),
            // and the other writer's value stays.
            try put(cluster, "app.timeout=90s")
            do {
                _ = try await PlanExecutor(jetStream: js).apply(update)
                Issue.record("a put over a newer revision was accepted")
            } catch ApplyError.stepsFailed(let failed) {
                #expect(failed.map(\.error) == [.keyChanged(expectedRevision: UInt64(update.actions[0].steps[0].config?["expected_revision"]?.intValue ?? 0))],
                        "\(failed.map { "\($0.error.map { "\($0)" } ?? "")" })")
            }
            #expect(try await clientValues(cluster, ["app.timeout"], expected: ["app.timeout": "90s"]) == ["app.timeout": "90s"])
            _ = try await PlanExecutor(jetStream: js).apply(try await livePlan(enforced, js))
            #expect(try await livePlan(enforced, js).isEmpty)
            #expect(try await clientValues(cluster, ["app.timeout"], expected: ["app.timeout": "30s"]) == ["app.timeout": "30s"])

            // A deleted key (its last message a DEL marker) is put again.
            _ = try PythonClient.run(["delete", cluster.clientURLs.joined(separator: ","), "user", "user", "CONFIG", "feature.beta"])
            let again = try await livePlan(topology, js)
            #expect(again.actions.map(\.resource) == [.key(stream: "KV_CONFIG", key: "feature.beta")] && again.actions.first?.kind == .create,
                    "\(PlanRenderer.render(again))")
            _ = try await PlanExecutor(jetStream: js).apply(again)
            #expect(try await livePlan(topology, js).isEmpty)

            // A new secret: the plan says the value differs, and shows neither.
            let rotated = try load(Self.topology(policy: "enforce"), cluster, password: "rotated-secret-value")
            let rotate = try await livePlan(rotated, js)
            let rotateText = PlanRenderer.render(rotate)
            #expect(rotateText.contains("~ kv CONFIG key db.password (update in-place)\n      ~ value: (sensitive, differs from the file)"), "\(rotateText)")
            #expect(!rotateText.contains(Self.secret) && !rotateText.contains("rotated-secret-value"))
            #expect(!PlanJSON.encode(rotate).contains(Self.secret) && !PlanJSON.encode(rotate).contains("rotated-secret-value"))
            _ = try await PlanExecutor(jetStream: js).apply(rotate)
            #expect(try await clientValues(cluster, ["db.password"], expected: ["db.password": "rotated-secret-value"]) == ["db.password": "rotated-secret-value"])
            #expect(try await livePlan(rotated, js).isEmpty)
            await client.close()
        }
    }

    /// `plan -out` and `apply PLANFILE` with a sensitive key: the file holds neither the value nor a plain
    /// hash of it; the apply takes the value from the topology, and refuses one that changed since.
    @Test func aSavedPlanPutsASensitiveKeyFromTheTopology() async throws {
        try await LocalCluster.withCluster { cluster in
            let cli = try JetformCLI(cluster: cluster, topology: Self.topology().replacingOccurrences(of: "num_replicas: 3", with: "num_replicas: 1"))
            defer { cli.remove() }
            let secret = ["DB_PASSWORD": Self.secret]
            let planned = try await cli.run(["plan", "-out", "keys.plan", "topology.yaml"], environment: secret)
            #expect(planned.status == 0 && planned.stdout.contains("value: (sensitive)"), "\(planned)")
            let text = try cli.read("keys.plan")
            #expect(!text.contains(Self.secret) && !text.contains(SHA256.hex(Array(Self.secret.utf8))), "no value, no plain hash")
            #expect(text.contains("value_digest") && text.contains("value_salt"))

            let changed = try await cli.run(["apply", "--yes", "keys.plan"], environment: ["DB_PASSWORD": "another"])
            #expect(changed.status == 1 && changed.stderr.contains("kv CONFIG key db.password: the value the topology gives now is not the one planned"),
                    "\(changed)")
            #expect(!changed.stderr.contains("another") && !changed.stdout.contains("another"))
            let applied = try await cli.run(["apply", "--yes", "keys.plan"], environment: secret)
            #expect(applied.status == 0 && applied.stdout.contains("put key CONFIG/db.password: done"), "\(applied)")
            let after = try await cli.run(["plan", "--detailed-exitcode", "topology.yaml"], environment: secret)
            #expect(after.status == 0, "\(after)")
            #expect(try await clientValues(cluster, ["db.password"], expected: ["db.password": Self.secret]) == ["db.password": Self.secret])
        }
    }
}
