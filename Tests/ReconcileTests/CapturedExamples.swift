import Foundation
import JetStream
import JetStreamSchema
import Testing
@testable import Reconcile

/// Example streams and consumers that together set every field of the schema's table a release knows,
/// created on a real cluster and read back. `Examples/<version>.json` holds what each release stored;
/// the differential test checks the file against the live server (`JETFORM_CAPTURE_WRITE=1` writes it
/// anew) and `SchemaTableTests` walks the table against the files.
enum CapturedExamples {
    static let directory = repositoryRoot().appendingPathComponent("Tests/ReconcileTests/Examples")

    struct Example {
        var sent: JSONObject
        /// An update sent after the create (for fields only an update can set, such as `sealed`).
        var update: JSONObject?
        /// For consumers: the stream's name.
        var stream: String?
    }

    static func object(_ text: String) -> JSONObject { (try? JSONValue(parsing: text))?.objectValue ?? [:] }

    /// The examples for a release: each field only where the release knows it.
    static func examples(for version: ServerVersion) -> (streams: [Example], consumers: [Example]) {
        let v211 = version >= ServerVersion(2, 11), v212 = version >= ServerVersion(2, 12), v214 = version >= ServerVersion(2, 14)
        var all = object("""
            {"name":"CAP_ALL","description":"every field","subjects":["cap.a","cap.b.>"],"retention":"limits",
             "max_consumers":10,"max_msgs":1000,"max_bytes":1048576,"max_age":3600000000000,"max_msgs_per_subject":5,
             "max_msg_size":1024,"discard":"new","discard_new_per_subject":true,"storage":"file","num_replicas":1,
             "no_ack":true,"duplicate_window":60000000000,"placement":{"cluster":"jetform"},"compression":"s2",
             "first_seq":10,"subject_transform":{"src":"cap.a","dest":"cap.a"},
             "republish":{"src":"cap.a","dest":"rp.cap","headers_only":true},"allow_direct":true,"deny_delete":true,
             "allow_rollup_hdrs":true,"consumer_limits":{"inactive_threshold":7200000000000,"max_ack_pending":500},
             "metadata":{"team":"cap"}}
            """)
        if v211 {
            all["allow_msg_ttl"] = .bool(true)
            all["subject_delete_marker_ttl"] = .int(5_000_000_000)
        }
        if v212 { all["allow_atomic"] = .bool(true) }
        if v214 { all["allow_batched"] = .bool(true) }
        var mirror = object("""
            {"name":"CAP_MIRROR","mirror":{"name":"CAP_ALL","opt_start_seq":1,
             "subject_transforms":[{"src":"cap.a","dest":"cap.a"}]},"mirror_direct":true}
            """)
        if !v211 { mirror["mirror"] = .object(object(#"{"name":"CAP_ALL","opt_start_seq":1,"filter_subject":"cap.a"}"#)) }
        var sources = object("""
            {"name":"CAP_SOURCED","subjects":["capsrc.>"],"sources":[
              {"name":"CAP_ALL","opt_start_time":"2025-01-01T00:00:00Z","filter_subject":"cap.a"},
              {"name":"CAP_REMOTE","external":{"api":"$JS.hub.API","deliver":"dlv.remote"}},
              {"name":"CAP_MIRROR_REMOTE","opt_start_seq":1,"subject_transforms":[{"src":"cap.>","dest":"capm.>"}]}]}
            """)
        if v214 {
            var list = sources["sources"]?.arrayValue ?? []
            list.append(.object(object(#"{"name":"CAP_SEALED","consumer":{"name":"capsrc","deliver_subject":"dlv.capsrc"}}"#)))
            sources["sources"] = .array(list)
        }
        var streams = [
            Example(sent: all),
            Example(sent: object("""
                {"name":"CAP_MIRROR_REMOTE","mirror":{"name":"REMOTE","opt_start_time":"2025-01-01T00:00:00Z",
                 "external":{"api":"$JS.hub.API","deliver":"dlv.mremote"}}}
                """)),
            Example(sent: object(#"{"name":"CAP_SEALED","subjects":["capsealed"]}"#),
                    update: object(#"{"name":"CAP_SEALED","subjects":["capsealed"],"sealed":true,"deny_purge":true}"#)),
            Example(sent: mirror),
            Example(sent: sources),
        ]
        if v214 {
            streams.append(Example(sent: object(#"{"name":"CAP_MIRROR_CONSUMER","mirror":{"name":"CAP_ALL","consumer":{"name":"capmirror","deliver_subject":"dlv.capmirror"}},"mirror_direct":true}"#)))
        }
        if v212 {
            streams.append(Example(sent: object(#"{"name":"CAP_COUNTER","subjects":["capcount.>"],"allow_msg_counter":true}"#)))
            streams.append(Example(sent: object(#"{"name":"CAP_SCHEDULES","subjects":["capsched.>"],"allow_msg_schedules":true,"allow_rollup_hdrs":true}"#)))
            streams.append(Example(sent: object(#"{"name":"CAP_ASYNC","subjects":["capasync"],"storage":"file","persist_mode":"async"}"#)))
        }

        var pull = object("""
            {"durable_name":"pull","description":"a pull consumer","deliver_policy":"by_start_sequence","opt_start_seq":2,
             "ack_policy":"explicit","ack_wait":1000000000,"max_deliver":5,"backoff":[1000000000,2000000000],
             "filter_subject":"cap.a","replay_policy":"instant","sample_freq":"100%","max_waiting":10,"max_ack_pending":100,
             "headers_only":true,"max_batch":10,"max_expires":60000000000,"max_bytes":1048576,
             "inactive_threshold":3600000000000,"num_replicas":1,"mem_storage":true,"metadata":{"owner":"cap"}}
            """)
        if v211 {
            pull["pause_until"] = .string("2099-01-01T00:00:00Z")
            pull["priority_groups"] = .array([.string("g")])
            pull["priority_policy"] = .string("pinned_client")
            pull["priority_timeout"] = .int(60_000_000_000)
        }
        var consumers = [
            Example(sent: pull, stream: "CAP_ALL"),
            Example(sent: object("""
                {"durable_name":"push","deliver_subject":"dlv.push","deliver_group":"q","flow_control":true,
                 "idle_heartbeat":5000000000,"rate_limit_bps":1000000,"filter_subjects":["cap.a","cap.b.x"],
                 "deliver_policy":"by_start_time","opt_start_time":"2025-01-02T15:04:05Z","ack_policy":"all",
                 "max_ack_pending":50,"inactive_threshold":3600000000000,"replay_policy":"original"}
                """), stream: "CAP_ALL"),
        ]
        if v214 {
            consumers.append(Example(sent: object("""
                {"durable_name":"fc","deliver_subject":"dlv.fc","ack_policy":"flow_control","flow_control":true,
                 "idle_heartbeat":1000000000,"max_ack_pending":10,"inactive_threshold":3600000000000}
                """), stream: "CAP_ALL"))
            consumers.append(Example(sent: object(#"{"durable_name":"sourcing","sourcing":true,"ack_policy":"explicit","max_ack_pending":10,"inactive_threshold":3600000000000}"#),
                                     stream: "CAP_ALL"))
        }
        return (streams, consumers)
    }

    /// Creates the examples and returns the capture: `{version, streams: [{sent, update?, stored}], consumers: […]}`.
    static func capture(_ js: JetStreamContext, version: ServerVersion) async throws -> JSONObject {
        let (streams, consumers) = examples(for: version)
        let pedantic = version.supportsPedantic
        var capturedStreams: [JSONValue] = []
        for example in streams {
            _ = try await js.createStream(json: example.sent, pedantic: pedantic)
            if let update = example.update { _ = try await js.updateStream(json: update, pedantic: pedantic) }
        }
        var capturedConsumers: [JSONValue] = []
        for example in consumers {
            _ = try await js.createConsumer(stream: example.stream ?? "", json: example.sent, action: .create, pedantic: pedantic)
        }
        for example in streams {
            let name = example.sent["name"]?.stringValue ?? ""
            let info = try await js.streamInfo(name, reading: JetStreamContext.jsonObject)
            var entry: JSONObject = ["sent": .object(example.sent)]
            if let update = example.update { entry["update"] = .object(update) }
            entry["stored"] = .object(stable(info["config"]?.objectValue ?? [:]))
            capturedStreams.append(.object(entry))
        }
        for example in consumers {
            let name = example.sent["durable_name"]?.stringValue ?? ""
            let info = try await js.consumerInfo(stream: example.stream ?? "", name: name, reading: JetStreamContext.jsonObject)
            capturedConsumers.append(.object(["stream": .string(example.stream ?? ""), "sent": .object(example.sent),
                                              "stored": .object(stable(info["config"]?.objectValue ?? [:]))]))
        }
        for example in streams.reversed() { try? await js.deleteStream(example.sent["name"]?.stringValue ?? "") }
        return ["version": .string(version.fullDescription), "streams": .array(capturedStreams), "consumers": .array(capturedConsumers)]
    }

    /// Without what changes from run to run: the server's `_nats.*` metadata.
    static func stable(_ config: JSONObject) -> JSONObject {
        var c = config
        if let metadata = c["metadata"]?.objectValue {
            let kept = metadata.filter { !$0.key.hasPrefix("_nats.") }
            c["metadata"] = kept.isEmpty ? nil : .object(JSONObject(kept.map { ($0.key, $0.value) }))
        }
        return c
    }

    static func url(_ version: String) -> URL { directory.appendingPathComponent("\(version).json") }

    /// The committed captures, newest release last.
    static func all() throws -> [(version: ServerVersion, capture: JSONObject)] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
        return try files.compactMap { file -> (ServerVersion, JSONObject)? in
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            guard let version = ServerVersion(String(file.dropLast(5))), let object = try JSONValue(parsing: text).objectValue else { return nil }
            return (version, object)
        }.sorted { $0.0 < $1.0 }
    }

    /// Checks the committed capture of this release against the server (or writes it with `JETFORM_CAPTURE_WRITE=1`).
    static func check(_ js: JetStreamContext, version: ServerVersion) async throws {
        let live = try await capture(js, version: version)
        let file = url(version.fullDescription)
        if ProcessInfo.processInfo.environment["JETFORM_CAPTURE_WRITE"] != nil {
            try (live.jsonString(pretty: true) + "\n").write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let text = try String(contentsOf: file, encoding: .utf8)
        let committed = try #require(try JSONValue(parsing: text).objectValue, "\(file.path) is not a JSON object")
        #expect(committed == live, "\(file.lastPathComponent) differs from what nats-server \(version) stores now; rewrite it with JETFORM_CAPTURE_WRITE=1 after checking why")
    }
}
