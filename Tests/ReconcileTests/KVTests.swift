import Foundation
import JetStreamSchema
import Testing
@testable import Reconcile
import Topology

/// Key-Value buckets without a server: the stream a bucket maps to is the one `nats kv add` (nats.go
/// `jetstream/kv.go`) sends, the mapping reads back, the file is validated in the bucket's words, and the
/// plan speaks of `kv NAME` and its fields.
@Suite struct KVTests {
    static func load(_ kv: String, streams: String = "") throws -> TopologySpec {
        let yaml = "name: kvs\ncontexts:\n  user: { url: 'nats://localhost:4222' }\n" + (streams.isEmpty ? "" : "streams:\n" + streams) + "kv:\n" + kv
        return try TopologyLoader.load(yaml: yaml, file: "topology.yaml", environment: [:]).topology
    }

    static func errors(_ kv: String, streams: String = "") -> [String] {
        let yaml = "name: kvs\ncontexts:\n  user: { url: 'nats://localhost:4222' }\n" + (streams.isEmpty ? "" : "streams:\n" + streams) + "kv:\n" + kv
        do {
            _ = try TopologyLoader.load(yaml: yaml, file: "topology.yaml", environment: [:])
            return []
        } catch {
            return error.diagnostics.filter { $0.severity == .error }.map(\.rendered)
        }
    }

    @Test func aPlainBucketIsTheStreamNatsKVAddSends() throws {
        // `nats kv add CFG` with nats.go's defaults (the body it sends, less the fields it sends as
        // their zero value: retention limits, max_age 0, mirror_direct false, consumer_limits {}).
        let expected = try object("""
            {"name":"KV_CFG","subjects":["$KV.CFG.>"],"max_msgs_per_subject":1,"max_bytes":-1,"max_age":0,
             "max_msg_size":-1,"num_replicas":1,"allow_rollup_hdrs":true,"deny_delete":true,
             "duplicate_window":120000000000,"max_msgs":-1,"max_consumers":-1,"allow_direct":true,
             "compression":"none","discard":"new"}
            """)
        #expect(KVFields.streamConfig(bucket: "CFG", JSONObject()) == expected)
    }

    @Test func bucketFieldsSetTheirStreamFields() throws {
        let config = try object("""
            {"description":"d","history":5,"ttl":30000000000,"max_value_size":1024,"max_bytes":1048576,"storage":"memory",
             "num_replicas":3,"compression":true,"limit_marker_ttl":5000000000,"metadata":{"team":"web"}}
            """)
        let s = KVFields.streamConfig(bucket: "CFG", config)
        #expect(s["description"] == "d" && s["max_msgs_per_subject"] == 5 && s["max_age"] == .int(30_000_000_000))
        #expect(s["max_msg_size"] == 1024 && s["max_bytes"] == 1_048_576 && s["storage"] == "memory" && s["num_replicas"] == 3)
        // A ttl under two minutes is the duplicate window too.
        #expect(s["duplicate_window"] == .int(30_000_000_000))
        #expect(s["compression"] == "s2")
        #expect(s["allow_msg_ttl"] == true && s["subject_delete_marker_ttl"] == .int(5_000_000_000))
        #expect(s["metadata"]?["team"] == "web")
        // And it reads back as the same bucket.
        let back = try #require(KVFields.bucketConfig(ofStream: s))
        #expect(back.bucket == "CFG" && back.config == config)
    }

    @Test func mirrorsAndSourcesNameBucketsAndGetTheClientsTransforms() throws {
        let mirror = KVFields.streamConfig(bucket: "COPY", try object(#"{"mirror":{"name":"CFG"}}"#))
        #expect(mirror["subjects"] == nil && mirror["mirror"]?["name"] == "KV_CFG" && mirror["mirror_direct"] == true)
        let sourced = KVFields.streamConfig(bucket: "ALL", try object(#"{"sources":[{"name":"A"},{"name":"KV_B","external":{"api":"$JS.hub.API"}}]}"#))
        let sources = try #require(sourced["sources"]?.arrayValue)
        #expect(sources[0]["name"] == "KV_A" && sources[0]["subject_transforms"] == KVFields.generatedTransforms(from: "A", to: "ALL"))
        #expect(sources[1]["name"] == "KV_B" && sources[1]["subject_transforms"] == KVFields.generatedTransforms(from: "B", to: "ALL"))
        let back = try #require(KVFields.bucketConfig(ofStream: sourced))
        #expect(back.config["sources"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["A", "B"])
        #expect(back.config["sources"]?.arrayValue?.allSatisfy { $0["subject_transforms"] == nil } == true)
    }

    @Test func streamsThatAreNotBucketsAreNotReadAsBuckets() throws {
        var s = KVFields.streamConfig(bucket: "CFG", JSONObject())
        #expect(KVFields.bucketConfig(ofStream: s) != nil)
        s["subjects"] = .array(["other.>"])
        #expect(KVFields.bucketConfig(ofStream: s) == nil)
        var plain = KVFields.streamConfig(bucket: "CFG", JSONObject())
        plain["name"] = "ORDERS"
        #expect(KVFields.bucketConfig(ofStream: plain) == nil)
    }

    @Test func theFileIsValidatedInTheBucketsWords() {
        let history = Self.errors("  CONFIG:\n    history: 100\n")
        #expect(history.count == 1 && history[0].contains("topology.yaml:6:") && history[0].contains("history")
                && history[0].contains("at most 64"), "\(history)")
        let name = Self.errors("  bad.name: {}\n")
        #expect(name.count == 1 && name[0].contains("bucket name 'bad.name'") && name[0].contains("contains '.'"), "\(name)")
        let ttl = Self.errors("  CONFIG: { ttl: 50ms }\n")
        #expect(ttl.count == 1 && ttl[0].contains("ttl 50ms") && ttl[0].contains("minimum of 100ms"), "\(ttl)")
        let clash = Self.errors("  CONFIG: {}\n", streams: "  KV_CONFIG: { subjects: [x] }\n")
        #expect(clash.count == 1 && clash[0].contains("stream 'KV_CONFIG' is the stream of kv bucket 'CONFIG'"), "\(clash)")
        let unknown = Self.errors("  CONFIG: { max_history: 5 }\n")
        #expect(unknown.count == 1 && unknown[0].contains("history"), "\(unknown)")
    }

    @Test func limitMarkersNeed2_11() throws {
        let t = try Self.load("  CONFIG: { limit_marker_ttl: 5s }\n")
        let on2_10 = Planner.plan(desired: t, observed: ObservedState(), capabilities: .v2_10)
        #expect(on2_10.errors.contains { $0.message.contains("kv CONFIG") && $0.message.contains("limit_marker_ttl") }, "\(on2_10.errors)")
        #expect(Planner.plan(desired: t, observed: ObservedState(), capabilities: .v2_15).errors.isEmpty)
    }

    @Test func thePlanSpeaksOfTheBucket() throws {
        let t = try Self.load("  CONFIG:\n    history: 5\n    ttl: 1h\n")
        let create = Planner.plan(desired: t, observed: ObservedState(), capabilities: .v2_15)
        #expect(create.actions.map(\.subject) == ["kv CONFIG"] && create.actions[0].resource == .stream("KV_CONFIG"))
        #expect(create.actions[0].bucket == BucketRef(kind: .kv, name: "CONFIG"))
        let text = PlanRenderer.render(create)
        #expect(text.contains("+ kv CONFIG (create)\n      history: 5\n      ttl: 1h\n"), "\(text)")
        #expect(!text.contains("max_msgs_per_subject") && !text.contains("KV_CONFIG"), "\(text)")

        let live = applied(t, capabilities: .v2_15)
        #expect(Planner.plan(desired: t, observed: live, capabilities: .v2_15).isEmpty)
        let changed = try Self.load("  CONFIG:\n    history: 10\n    ttl: 90s\n")
        let update = Planner.plan(desired: changed, observed: live, capabilities: .v2_15)
        let updateText = PlanRenderer.render(update)
        #expect(updateText.contains("~ kv CONFIG (update in-place)\n      ~ history: 5 → 10\n      ~ ttl: 1h → 1m30s\n"), "\(updateText)")
        #expect(!updateText.contains("duplicate_window"), "the window follows the ttl: \(updateText)")

        // A field every bucket sets the same way, changed by hand: named by its stream field.
        var drifted = live
        drifted.streams[0].config["deny_delete"] = false
        let repair = PlanRenderer.render(Planner.plan(desired: t, observed: drifted, capabilities: .v2_15))
        #expect(repair.contains("deny_delete (bucket stream): false → true"), "\(repair)")
    }

    @Test func anObjectStoreIsTheStreamNatsObjAddSends() throws {
        let expected = try object("""
            {"name":"OBJ_FILES","description":"Uploads","subjects":["$O.FILES.C.>","$O.FILES.M.>"],"max_age":86400000000000,
             "max_bytes":-1,"num_replicas":3,"discard":"new","allow_rollup_hdrs":true,"allow_direct":true,"compression":"s2"}
            """)
        let config = try object(#"{"description":"Uploads","ttl":86400000000000,"num_replicas":3,"compression":true}"#)
        let s = BucketKind.objectStore.streamConfig(bucket: "FILES", config)
        #expect(s == expected)
        let back = try #require(BucketKind.bucket(ofStream: s))
        #expect(back.kind == .objectStore && back.bucket == "FILES" && back.config == config)
        #expect(BucketKind.objectStore.bucketPath(streamPath: "max_age") == "ttl")
        #expect(BucketKind.objectStore.bucketPath(streamPath: "allow_rollup_hdrs") == nil)

        let t = try TopologyLoader.load(yaml: """
            name: objs
            contexts:
              user: { url: 'nats://localhost:4222' }
            object_stores:
              FILES: { ttl: 24h, num_replicas: 3 }
            """, file: "topology.yaml", environment: [:]).topology
        let plan = Planner.plan(desired: t, observed: ObservedState(), capabilities: .v2_15)
        #expect(plan.actions.map(\.subject) == ["object store FILES"], "\(PlanRenderer.render(plan))")
        #expect(PlanRenderer.render(plan).contains("+ object store FILES (create)\n      ttl: 24h\n      num_replicas: 3\n"), "\(PlanRenderer.render(plan))")
        #expect(Planner.plan(desired: t, observed: applied(t, capabilities: .v2_15), capabilities: .v2_15).isEmpty)
    }

    @Test func aBucketMadeByAnOlderClientKeepsWhatItHas() throws {
        let t = try Self.load("  CONFIG: { history: 3 }\n")
        var live = applied(t, capabilities: .v2_15)
        // nats-py: no direct get; nats.go before 1.35: discard old; nats-py 2.13+: message TTLs on.
        live.streams[0].config["allow_direct"] = false
        live.streams[0].config["discard"] = "old"
        live.streams[0].config["allow_msg_ttl"] = true
        #expect(Planner.plan(desired: t, observed: live, capabilities: .v2_15).isEmpty)
    }
}
