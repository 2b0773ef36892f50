/// The fields of an object store (`object_stores.<BUCKET>` in a topology file) and how it maps onto its
/// stream, exactly as the official clients make it (nats.go `jetstream/object.go`, which `nats obj add`
/// uses): `OBJ_<bucket>` on `$O.<bucket>.C.>` (chunks) and `$O.<bucket>.M.>` (object metadata), with
/// roll-ups, direct get and `discard: new`.
public enum ObjectStoreFields {
    public static let all: [FieldSpec] = [
        FieldSpec("description", .string, "What the object store is for."),
        FieldSpec("ttl", .duration(unlimitedIsZero: true), minimum: Minimum(100_000_000, errCode: 10052),
                  "How long an object is kept, e.g. 24h (unlimited = keep)."),
        FieldSpec("max_bytes", .size(max: .max, unlimited: true), default: .unlimited, "Most bytes the store holds (-1/unlimited)."),
        StreamFields.byName["storage"]!,
        StreamFields.byName["num_replicas"]!,
        FieldSpec("compression", .bool, "Compress stored chunks (s2)."),
        StreamFields.byName["placement"]!,
        StreamFields.byName["metadata"]!,
    ]

    public static let byName: [String: FieldSpec] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    public static func streamName(_ bucket: String) -> String { "OBJ_\(bucket)" }

    public static func subjects(_ bucket: String) -> [String] { ["$O.\(bucket).C.>", "$O.\(bucket).M.>"] }

    /// The bucket a stream name belongs to, if it is an object store's (`OBJ_<b>` with a valid bucket name).
    public static func bucket(ofStream name: String) -> String? {
        guard name.hasPrefix("OBJ_") else { return nil }
        let bucket = String(name.dropFirst(4))
        return Names.bucketNameProblem(bucket) == nil ? bucket : nil
    }

    static let toStream: [String: String] = ["ttl": "max_age"]
    static let fromStream: [String: String] = ["max_age": "ttl"]

    /// Stream fields every object store sets the same way: not settings of the store.
    public static let derivedStreamFields: Set<String> = [
        "subjects", "allow_rollup_hdrs", "allow_direct", "discard", "duplicate_window", "max_msgs", "max_consumers",
        "max_msgs_per_subject", "max_msg_size", "deny_delete", "deny_purge", "retention", "mirror_direct",
    ]

    /// The stream config `nats obj add` / nats.go `CreateObjectStore` sends for this store.
    public static func streamConfig(bucket: String, _ config: JSONObject) -> JSONObject {
        var s = JSONObject([("name", .string(streamName(bucket)))])
        if let d = config["description"] { s["description"] = d }
        s["subjects"] = .array(subjects(bucket).map(JSONValue.string))
        s["max_age"] = .int(config["ttl"]?.intValue ?? 0)
        s["max_bytes"] = .int(config["max_bytes"]?.intValue.flatMap { $0 > 0 ? $0 : nil } ?? -1)
        if let storage = config["storage"] { s["storage"] = storage }
        s["num_replicas"] = .int(max(1, config["num_replicas"]?.intValue ?? 1))
        if let placement = config["placement"] { s["placement"] = placement }
        s["discard"] = .string("new")
        s["allow_rollup_hdrs"] = .bool(true)
        s["allow_direct"] = .bool(true)
        if let metadata = config["metadata"] { s["metadata"] = metadata }
        s["compression"] = .string(config["compression"]?.boolValue == true ? "s2" : "none")
        return s
    }

    /// The store's fields from its stream config, leaving out what `streamConfig` fills in the same way;
    /// nil when the stream is not an object store as clients make them.
    public static func bucketConfig(ofStream s: JSONObject) -> (bucket: String, config: JSONObject)? {
        guard let name = s["name"]?.stringValue, let bucket = bucket(ofStream: name), s["allow_rollup_hdrs"]?.boolValue == true,
              Set(s["subjects"]?.arrayValue?.compactMap(\.stringValue) ?? []) == Set(subjects(bucket)) else { return nil }
        var c = JSONObject()
        if let d = s["description"]?.stringValue, !d.isEmpty { c["description"] = .string(d) }
        if let ttl = s["max_age"]?.intValue, ttl > 0 { c["ttl"] = .int(ttl) }
        if let bytes = s["max_bytes"]?.intValue, bytes > 0 { c["max_bytes"] = .int(bytes) }
        if let storage = s["storage"]?.stringValue, storage != "file" { c["storage"] = .string(storage) }
        if let r = s["num_replicas"]?.intValue, r > 1 { c["num_replicas"] = .int(r) }
        if s["compression"]?.stringValue == "s2" { c["compression"] = .bool(true) }
        if let placement = s["placement"]?.objectValue, !KVFields.isEmpty(placement: placement) { c["placement"] = .object(placement) }
        if let metadata = s["metadata"]?.objectValue {
            let kept = Metadata.userEntries(metadata)
            if !kept.isEmpty { c["metadata"] = .object(kept) }
        }
        return (bucket, c)
    }
}
