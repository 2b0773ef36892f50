/// The fields of a Key-Value bucket (`kv.<BUCKET>` in a topology file) and how a bucket maps onto its
/// stream, exactly as the official clients make it (nats.go `jetstream/kv.go`, which `nats kv add` uses):
/// `KV_<bucket>` on `$KV.<bucket>.>`, with the bucket's fields in their stream names and the fields every
/// bucket has (`allow_rollup_hdrs`, `deny_delete`, `allow_direct`, `discard: new`, …).
///
/// The file speaks the bucket's language (`history`, `ttl`); plans and exports translate with
/// `BucketKind.streamPath(bucketPath:)` and `BucketKind.bucketPath(streamPath:)`.
public enum KVFields {
    static let second: Int64 = 1_000_000_000
    /// The most history a bucket keeps per key (nats.go `KeyValueMaxHistory`).
    public static let maxHistory: Int64 = 64

    /// A `mirror` or one of the `sources` of a bucket: the other bucket's name (without `KV_`).
    static let source: [FieldSpec] = StreamFields.source.map { field in
        field.name == "name" ? FieldSpec("name", .string, required: true, "Name of the bucket to copy from (without KV_).") : field
    }

    public static let all: [FieldSpec] = [
        FieldSpec("description", .string, "What the bucket is for."),
        FieldSpec("history", .integer(min: 1, max: maxHistory, unlimited: false), default: .value(.int(1)),
                  "Values kept per key, 1 to 64."),
        FieldSpec("ttl", .duration(unlimitedIsZero: true), minimum: Minimum(100_000_000, errCode: 10052),
                  "How long a value is kept, e.g. 1h (unlimited = keep)."),
        FieldSpec("max_value_size", .size(max: Int64(Int32.max), unlimited: true), default: .unlimited,
                  "Largest value accepted (-1/unlimited)."),
        FieldSpec("max_bytes", .size(max: .max, unlimited: true), default: .unlimited, "Most bytes the bucket holds (-1/unlimited)."),
        StreamFields.byName["storage"]!,
        StreamFields.byName["num_replicas"]!,
        FieldSpec("compression", .bool, "Compress stored values (s2)."),
        StreamFields.byName["placement"]!,
        StreamFields.byName["republish"]!,
        FieldSpec("mirror", .object(source), change: StreamFields.byName["mirror"]!.change, "Make this bucket a mirror of another."),
        FieldSpec("sources", .objectList(source), "Buckets whose keys are copied into this one."),
        StreamFields.byName["metadata"]!,
        FieldSpec("limit_marker_ttl", .duration(unlimitedIsZero: false), since: ServerVersion(2, 11),
                  minimum: Minimum(second, errCode: 10052, since: ServerVersion(2, 11)),
                  "Leave a delete marker for this long when a key's last value expires (needs nats-server 2.11)."),
    ]

    public static let byName: [String: FieldSpec] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// The stream of bucket `bucket`.
    public static func streamName(_ bucket: String) -> String { "KV_\(bucket)" }
    /// The subject a key's values are put on: `$KV.<bucket>.<key>`.
    public static func subject(bucket: String, key: String) -> String { "$KV.\(bucket).\(key)" }

    /// The bucket a stream name belongs to, if it is a bucket's (`KV_<b>` with a valid bucket name).
    public static func bucket(ofStream name: String) -> String? {
        guard name.hasPrefix("KV_") else { return nil }
        let bucket = String(name.dropFirst(3))
        return Names.bucketNameProblem(bucket) == nil ? bucket : nil
    }

    /// Bucket field → the stream field it sets. Fields not listed keep their names.
    static let toStream: [String: String] = [
        "history": "max_msgs_per_subject", "ttl": "max_age", "max_value_size": "max_msg_size",
        "limit_marker_ttl": "subject_delete_marker_ttl",
    ]
    static let fromStream: [String: String] = Dictionary(toStream.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })

    /// Stream fields every bucket sets the same way (or derives from its other fields): not bucket settings.
    static let derivedStreamFields: Set<String> = [
        "subjects", "allow_rollup_hdrs", "deny_delete", "deny_purge", "allow_direct", "mirror_direct", "discard",
        "duplicate_window", "max_msgs", "max_consumers", "allow_msg_ttl", "retention",
    ]

    /// The stream config `nats kv add` / nats.go `CreateKeyValue` sends for this bucket (`config` holds
    /// bucket fields as the file declares them, wire values: durations in nanoseconds, sizes in bytes).
    public static func streamConfig(bucket: String, _ config: JSONObject) -> JSONObject {
        var s = JSONObject([("name", .string(streamName(bucket)))])
        if let d = config["description"] { s["description"] = d }
        let isMirror = config["mirror"] != nil
        if !isMirror { s["subjects"] = .array([.string("$KV.\(bucket).>")]) }
        s["max_msgs_per_subject"] = .int(config["history"]?.intValue ?? 1)
        s["max_bytes"] = .int(positiveOrUnlimited(config["max_bytes"]))
        let ttl = config["ttl"]?.intValue ?? 0
        s["max_age"] = .int(ttl)
        s["max_msg_size"] = .int(positiveOrUnlimited(config["max_value_size"]))
        if let storage = config["storage"] { s["storage"] = storage }
        s["num_replicas"] = .int(max(1, config["num_replicas"]?.intValue ?? 1))
        if let placement = config["placement"] { s["placement"] = placement }
        s["allow_rollup_hdrs"] = .bool(true)
        s["deny_delete"] = .bool(true)
        // A mirror has no duplicate window: the server clears one (jetstream.go fixCfgMirrorWithDedupWindow),
        // so sending nats.go's 2m would drift forever.
        let window: Int64 = 120 * second
        if !isMirror { s["duplicate_window"] = .int(ttl > 0 && ttl < window ? ttl : window) }
        s["max_msgs"] = .int(-1)
        s["max_consumers"] = .int(-1)
        s["allow_direct"] = .bool(true)
        if let republish = config["republish"] { s["republish"] = republish }
        s["compression"] = .string(config["compression"]?.boolValue == true ? "s2" : "none")
        s["discard"] = .string("new")
        if let marker = config["limit_marker_ttl"]?.intValue, marker != 0 {
            s["allow_msg_ttl"] = .bool(true)
            s["subject_delete_marker_ttl"] = .int(marker)
        }
        if let metadata = config["metadata"] { s["metadata"] = metadata }
        if let mirror = config["mirror"]?.objectValue {
            s["mirror"] = .object(prefixed(mirror))
            s["mirror_direct"] = .bool(true)
        }
        if let sources = config["sources"]?.arrayValue {
            s["sources"] = .array(sources.map { value -> JSONValue in
                guard var source = value.objectValue else { return value }
                // A source with its own transforms is taken as written (nats.go 1.48+).
                if source["subject_transforms"] != nil { return .object(source) }
                let named = source["name"]?.stringValue ?? ""
                let origin = named.hasPrefix("KV_") ? String(named.dropFirst(3)) : named
                source = prefixed(source)
                if source["external"] == nil || origin != bucket {
                    source["subject_transforms"] = generatedTransforms(from: origin, to: bucket)
                }
                return .object(source)
            })
        }
        return s
    }

    /// The bucket fields of a bucket's stream config, leaving out what `streamConfig` would fill in the
    /// same way (history 1, unlimited sizes, no ttl, no compression); nil when the stream is not a bucket
    /// as clients make them (name, subjects, roll-ups, no deletes, history at least 1).
    public static func bucketConfig(ofStream s: JSONObject) -> (bucket: String, config: JSONObject)? {
        guard let name = s["name"]?.stringValue, let bucket = bucket(ofStream: name),
              s["allow_rollup_hdrs"]?.boolValue == true, s["deny_delete"]?.boolValue == true,
              s["deny_purge"]?.boolValue != true, (s["max_msgs_per_subject"]?.intValue ?? 0) >= 1 else { return nil }
        let subjects = s["subjects"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if s["mirror"] == nil {
            guard subjects == ["$KV.\(bucket).>"] else { return nil }
        } else if !subjects.isEmpty {
            return nil
        }
        var c = JSONObject()
        if let d = s["description"]?.stringValue, !d.isEmpty { c["description"] = .string(d) }
        if let h = s["max_msgs_per_subject"]?.intValue, h != 1 { c["history"] = .int(h) }
        if let ttl = s["max_age"]?.intValue, ttl > 0 { c["ttl"] = .int(ttl) }
        if let size = s["max_msg_size"]?.intValue, size > 0 { c["max_value_size"] = .int(size) }
        if let bytes = s["max_bytes"]?.intValue, bytes > 0 { c["max_bytes"] = .int(bytes) }
        if let storage = s["storage"]?.stringValue, storage != "file" { c["storage"] = .string(storage) }
        if let r = s["num_replicas"]?.intValue, r > 1 { c["num_replicas"] = .int(r) }
        if s["compression"]?.stringValue == "s2" { c["compression"] = .bool(true) }
        if let placement = s["placement"]?.objectValue, !isEmpty(placement: placement) { c["placement"] = .object(placement) }
        if let republish = s["republish"] { c["republish"] = republish }
        if let mirror = s["mirror"]?.objectValue { c["mirror"] = .object(unprefixed(mirror)) }
        if let sources = s["sources"]?.arrayValue, !sources.isEmpty {
            c["sources"] = .array(sources.map { value -> JSONValue in
                guard var source = value.objectValue else { return value }
                let stripped = unprefixed(source)
                let origin = stripped["name"]?.stringValue ?? ""
                let generated = generatedTransforms(from: origin, to: bucket)
                // The transform the client generates is left out; any other is kept (with the full stream name).
                if source["subject_transforms"] == generated || (source["subject_transforms"] == nil && source["external"] != nil) {
                    source = stripped
                    source["subject_transforms"] = nil
                }
                return .object(source)
            })
        }
        if let marker = s["subject_delete_marker_ttl"]?.intValue, marker > 0 { c["limit_marker_ttl"] = .int(marker) }
        if let metadata = s["metadata"]?.objectValue {
            let kept = Metadata.userEntries(metadata)
            if !kept.isEmpty { c["metadata"] = .object(kept) }
        }
        return (bucket, c)
    }

    /// `{}` or `{"cluster": ""}` (what `nats obj add` sends; servers before 2.12 keep it).
    static func isEmpty(placement: JSONObject) -> Bool {
        (placement["cluster"]?.stringValue ?? "").isEmpty && (placement["tags"]?.arrayValue ?? []).isEmpty
    }

    /// The transform nats.go gives a source bucket: its keys into this bucket's subjects.
    public static func generatedTransforms(from origin: String, to bucket: String) -> JSONValue {
        .array([.object(JSONObject([("src", .string("$KV.\(origin).>")), ("dest", .string("$KV.\(bucket).>"))]))])
    }

    private static func positiveOrUnlimited(_ value: JSONValue?) -> Int64 {
        guard let v = value?.intValue, v > 0 else { return -1 }
        return v
    }

    private static func prefixed(_ source: JSONObject) -> JSONObject {
        var s = source
        if let name = s["name"]?.stringValue, !name.hasPrefix("KV_") { s["name"] = .string("KV_" + name) }
        return s
    }

    private static func unprefixed(_ source: JSONObject) -> JSONObject {
        var s = source
        if let name = s["name"]?.stringValue, let bucket = bucket(ofStream: name) { s["name"] = .string(bucket) }
        return s
    }
}
