import Foundation
import JetStream
import JetStreamSchema
import LocalCluster
import NATS
import Testing
import TestSupport
import Topology
@testable import Reconcile

/// Key-Value buckets against real clusters: jetform applies a bucket and nats-py's own KV API works on it
/// (put, update by revision, get, history, watch); a bucket nats-py made adopts with no field drift; a
/// history change is an update in place and a storage change a guarded replace.
@Suite("Key-Value buckets against a real cluster", .serialized)
struct KVIntegrationTests {
    static func topology(_ bucket: String) -> String {
        """
        name: kvtest
        contexts:
          user: { url: "${NATS_URL}", user: user, password: user }
        kv:
          CONFIG:
        \(bucket)
        """
    }

    func load(_ text: String, _ cluster: LocalCluster) throws -> TopologySpec {
        try TopologyLoader.load(yaml: text, file: "topology.yaml", environment: ["NATS_URL": cluster.clientURLs.joined(separator: ",")]).topology
    }


    func lifecycle(version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            try await waitUntilPlacementWorks(js)
            let five = try load(Self.topology("""
                    description: Settings
                    history: 5
                    ttl: 1h
                    storage: memory
                    num_replicas: 3
                """), cluster)
            let create = try await livePlan(five, js)
            #expect(create.errors.isEmpty, "\(create.errors)")
            let text = PlanRenderer.render(create)
            #expect(text.contains("+ kv CONFIG (create)") && text.contains("history: 5") && text.contains("ttl: 1h"), "\(text)")
            _ = try await PlanExecutor(jetStream: js).apply(create)
            let empty = try await livePlan(five, js)
            #expect(empty.isEmpty, "no drift after apply: \(PlanRenderer.render(empty))")

            // The stream is the one `nats kv add` makes.
            let stored = try await js.streamInfo("KV_CONFIG").config
            #expect(stored.subjects == ["$KV.CONFIG.>"] && stored.maxMsgsPerSubject == 5 && stored.allowRollupHeaders == true
                    && stored.denyDelete == true && stored.allowDirect == true && stored.discard == .new)

            // nats-py's KV API on it.
            let used = try PythonClient.run(["use", cluster.clientURLs.joined(separator: ","), "user", "user", "CONFIG"])
            #expect(used["history"] as? [String] == ["1", "2"], "\(used)")
            #expect(used["watched"] as? [String] == ["2", "3"], "\(used)")
            #expect(used["stale_update_refused"] as? Bool == true && used["status_history"] as? Int == 5, "\(used)")

            // history 5 → 10: in place, in the bucket's words; the values stay.
            let ten = try load(Self.topology("""
                    description: Settings
                    history: 10
                    ttl: 1h
                    storage: memory
                    num_replicas: 3
                """), cluster)
            let update = try await livePlan(ten, js)
            #expect(update.actions.map(\.kind) == [.update], "\(PlanRenderer.render(update))")
            let updateText = PlanRenderer.render(update)
            #expect(updateText.contains("~ kv CONFIG (update in-place)") && updateText.contains("~ history: 5 → 10"), "\(updateText)")
            #expect(!updateText.contains("max_msgs_per_subject"), "\(updateText)")
            _ = try await PlanExecutor(jetStream: js).apply(update)
            #expect(try await livePlan(ten, js).isEmpty)
            #expect(try await js.streamInfo("KV_CONFIG").state.messages == 3)

            // storage memory → file: a replace, refused without --allow-replace, and with keys in it
            // without --allow-data-loss as well.
            let file = try load(Self.topology("""
                    description: Settings
                    history: 10
                    ttl: 1h
                    num_replicas: 3
                """), cluster)
            let replace = try await livePlan(file, js)
            #expect(replace.actions.map(\.kind) == [.replace], "\(PlanRenderer.render(replace))")
            #expect(PlanRenderer.render(replace).contains("-/+ kv CONFIG (replace"), "\(PlanRenderer.render(replace))")
            #expect(replace.actions.first?.blocked.contains(.needsAllowReplace) == true)
            #expect(replace.actions.first?.blocked.contains { if case .needsAllowDataLoss = $0 { true } else { false } } == true)
            await #expect(throws: ApplyError.self) { _ = try await PlanExecutor(jetStream: js).apply(replace) }
            let allowed = try await livePlan(file, js, options: PlanOptions(allowReplace: true, allowDataLoss: true))
            _ = try await PlanExecutor(jetStream: js).apply(allowed)
            #expect(try await js.streamInfo("KV_CONFIG").config.storage == .file)
            #expect(try await livePlan(file, js).isEmpty)
            await client.close()
        }
    }

    /// Every release line: 2.15.1 (nil), 2.14.6, 2.12.8, 2.11.11 and 2.10.26.
    static let releases: [String?] = [nil, "2.14.6", "2.12.8", "2.11.11", "2.10.26"]

    @Test(arguments: releases)
    func aBucketAppliesAndTheClientsKVAPIWorksOnIt(version: String?) async throws {
        try await lifecycle(version: version)
    }

    /// A mirror bucket and a bucket that sources another, as the clients make them (`$KV.<origin>.>`
    /// mirrored as is; a source's subjects transformed to the bucket's own): they apply and re-plan
    /// empty, and a key put into the origin with nats-py arrives in both (read with nats-py's KV get from
    /// the sourced bucket, from the mirror's stream by subject).
    @Test(arguments: releases)
    func mirrorAndSourcedBucketsCopyTheOriginsKeys(version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            try await waitUntilPlacementWorks(js)
            let topology = try load("""
                name: kvcopies
                contexts:
                  user: { url: "${NATS_URL}", user: user, password: user }
                kv:
                  CONFIG: { history: 3 }
                  COPY: { mirror: { name: CONFIG } }
                  ALL:
                    history: 2
                    sources: [ { name: CONFIG } ]
                """, cluster)
            let create = try await livePlan(topology, js)
            #expect(create.errors.isEmpty, "\(create.errors)")
            _ = try await PlanExecutor(jetStream: js).apply(create)
            let empty = try await livePlan(topology, js)
            #expect(empty.isEmpty, "no drift after apply: \(PlanRenderer.render(empty))")
            #expect(try await js.streamInfo("KV_ALL").config.sources?.first?.subjectTransforms?.first?.destination == "$KV.ALL.>")

            let used = try PythonClient.run(["copies", cluster.clientURLs.joined(separator: ","), "user", "user", "CONFIG,ALL"])
            #expect(used["sourced"] as? String == "blue", "\(used)")
            var mirrored: StoredMessage?
            let deadline = ContinuousClock.now + .seconds(15)
            while mirrored == nil && ContinuousClock.now < deadline {
                mirrored = try await js.lastMessage(stream: "KV_COPY", subject: "$KV.CONFIG.color")
                if mirrored == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(mirrored.map { String(decoding: $0.data, as: UTF8.self) } == "blue", "the mirror has the key")
            await client.close()
        }
    }

    /// A bucket nats-py made (with its own defaults: no direct get, message TTLs on from 2.11): export
    /// writes it under `kv:` with its settings, and the plan only adopts it.
    @Test(arguments: releases)
    func aBucketMadeByNatsPyAdoptsWithoutFieldDrift(version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            try await waitUntilPlacementWorks(js)
            _ = try PythonClient.run(["create", cluster.clientURLs.joined(separator: ","), "user", "user", "PREFS"])
            let capabilities = try #require(ClusterObserver.capabilities(of: client))
            let observed = try await ClusterObserver(jetStream: js).observe()
            let context = ExportContext(name: "user", url: cluster.clientURLs.joined(separator: ","), user: "user", passwordVariable: "NATS_PASSWORD")
            let result = try Exporter.export(observed: observed, capabilities: capabilities, name: "prefs", streams: nil,
                                             contexts: [context], context: "user", systemContext: nil)
            #expect(result.yaml.contains("kv:\n  PREFS:\n"), "\(result.yaml)")
            #expect(result.yaml.contains("history: 3") && result.yaml.contains("ttl: 1h") && result.yaml.contains("storage: memory"), "\(result.yaml)")
            #expect(!result.yaml.contains("KV_PREFS"), "\(result.yaml)")
            let topology = try TopologyLoader.load(yaml: result.yaml, file: "exported.yaml", environment: ["NATS_PASSWORD": "user"]).topology
            #expect(topology.kv.map(\.name) == ["PREFS"])
            let adopt = Planner.plan(desired: topology, observed: observed, capabilities: capabilities)
            #expect(adopt.errors.isEmpty, "\(adopt.errors)")
            let paths = adopt.actions.flatMap(\.changes).map(\.path)
            #expect(adopt.actions.count == 1 && paths.allSatisfy { $0.hasPrefix("metadata") }, "only the marker: \(PlanRenderer.render(adopt))")
            _ = try await PlanExecutor(jetStream: js).apply(adopt)
            let after = Planner.plan(desired: topology, observed: try await ClusterObserver(jetStream: js).observe(), capabilities: capabilities)
            #expect(after.isEmpty, "\(PlanRenderer.render(after))")
            #expect(try await js.streamInfo("KV_PREFS").state.messages == 1, "adoption kept the key")
            await client.close()
        }
    }
}

/// nats-py (installed by `make servers` into .nats/py) running `Tests/ReconcileTests/Scripts/kv_client.py`.
enum PythonClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ arguments: [String]) throws -> [String: Any] {
        let root = repositoryRoot()
        let packages = ProcessInfo.processInfo.environment["NATS_PY_DIR"].map { URL(fileURLWithPath: $0) }
            ?? root.appendingPathComponent(".nats/py")
        guard FileManager.default.fileExists(atPath: packages.appendingPathComponent("nats/__init__.py").path) else {
            throw Failure(description: "nats-py is not installed in \(packages.path): run `make servers` (it installs nats-py there), or set NATS_PY_DIR")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = packages.path
        let script = root.appendingPathComponent("Tests/ReconcileTests/Scripts/kv_client.py").path
        let output = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script] + arguments, environment: environment)
        guard output.status == 0, let object = try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] else {
            throw Failure(description: "kv_client.py \(arguments.first ?? "") failed: \(output)")
        }
        return object
    }
}

/// Object stores against a real cluster: jetform applies one and nats-py's object store API works on it
/// (a three-chunk object put and read back, listed); one nats-py made adopts with no field drift.
@Suite("Object stores against a real cluster", .serialized)
struct ObjectStoreIntegrationTests {
    @Test(arguments: KVIntegrationTests.releases)
    func anObjectStoreAppliesAndTheClientsAPIWorksOnIt(version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            try await waitUntilPlacementWorks(js)
            let text = """
                name: objtest
                contexts:
                  user: { url: "${NATS_URL}", user: user, password: user }
                object_stores:
                  FILES:
                    description: Uploads
                    ttl: 24h
                    num_replicas: 3
                    compression: true
                """
            let topology = try TopologyLoader.load(yaml: text, file: "topology.yaml",
                                                   environment: ["NATS_URL": cluster.clientURLs.joined(separator: ",")]).topology
            let capabilities = try #require(ClusterObserver.capabilities(of: client))
            let create = Planner.plan(desired: topology, observed: try await ClusterObserver(jetStream: js).observe(), capabilities: capabilities)
            let rendered = PlanRenderer.render(create)
            #expect(rendered.contains("+ object store FILES (create)") && rendered.contains("ttl: 24h"), "\(rendered)")
            _ = try await PlanExecutor(jetStream: js).apply(create)
            let stored = try await js.streamInfo("OBJ_FILES").config
            #expect(Set(stored.subjects ?? []) == ["$O.FILES.C.>", "$O.FILES.M.>"] && stored.allowDirect == true && stored.discard == .new)
            let used = try PythonClient.run(["obj-use", cluster.clientURLs.joined(separator: ","), "user", "user", "FILES"])
            #expect(used["size"] as? Int == 307_200 && used["chunks"] as? Int == 3 && used["listed"] as? [String] == ["blob.bin"], "\(used)")
            let after = Planner.plan(desired: topology, observed: try await ClusterObserver(jetStream: js).observe(), capabilities: capabilities)
            #expect(after.isEmpty, "\(PlanRenderer.render(after))")

            // One nats-py made: exported under object_stores, adopted with the marker only.
            _ = try PythonClient.run(["obj-create", cluster.clientURLs.joined(separator: ","), "user", "user", "DOCS"])
            let observed = try await ClusterObserver(jetStream: js).observe()
            let context = ExportContext(name: "user", url: cluster.clientURLs.joined(separator: ","), user: "user", passwordVariable: "NATS_PASSWORD")
            let result = try Exporter.export(observed: observed, capabilities: capabilities, name: "objtest", streams: nil,
                                             contexts: [context], context: "user", systemContext: nil)
            #expect(result.yaml.contains("object_stores:\n  DOCS:\n") && result.yaml.contains("ttl: 1h"), "\(result.yaml)")
            #expect(!result.yaml.contains("OBJ_"), "\(result.yaml)")
            let exported = try TopologyLoader.load(yaml: result.yaml, file: "exported.yaml", environment: ["NATS_PASSWORD": "user"]).topology
            let adopt = Planner.plan(desired: exported, observed: observed, capabilities: capabilities)
            #expect(adopt.errors.isEmpty, "\(adopt.errors)")
            #expect(adopt.actions.map(\.subject) == ["object store DOCS"], "\(PlanRenderer.render(adopt))")
            #expect(adopt.actions.flatMap(\.changes).allSatisfy { $0.path.hasPrefix("metadata") }, "\(PlanRenderer.render(adopt))")
            await client.close()
        }
    }
}
