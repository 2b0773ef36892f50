/// The two kinds of bucket a topology file declares in their own words, each a stream underneath:
/// Key-Value buckets (`kv:`, `KV_<name>`) and object stores (`object_stores:`, `OBJ_<name>`).
public enum BucketKind: String, Sendable, Hashable, Codable, CaseIterable {
    case kv
    case objectStore = "object_store"

    /// The bucket's fields.
    public var fields: [FieldSpec] { self == .kv ? KVFields.all : ObjectStoreFields.all }
    public var fieldsByName: [String: FieldSpec] { self == .kv ? KVFields.byName : ObjectStoreFields.byName }

    /// How the file and plans name the kind: `kv`, `object store`.
    public var label: String { self == .kv ? "kv" : "object store" }

    /// The bucket's stream: `KV_<name>`, `OBJ_<name>`.
    public func streamName(_ bucket: String) -> String {
        self == .kv ? KVFields.streamName(bucket) : ObjectStoreFields.streamName(bucket)
    }

    /// The stream config the official clients send for this bucket.
    public func streamConfig(bucket: String, _ config: JSONObject) -> JSONObject {
        self == .kv ? KVFields.streamConfig(bucket: bucket, config) : ObjectStoreFields.streamConfig(bucket: bucket, config)
    }

    /// The bucket a stream is, as the clients make it: its kind, name and non-default fields.
    public static func bucket(ofStream config: JSONObject) -> (kind: BucketKind, bucket: String, config: JSONObject)? {
        if let (b, c) = KVFields.bucketConfig(ofStream: config) { return (.kv, b, c) }
        if let (b, c) = ObjectStoreFields.bucketConfig(ofStream: config) { return (.objectStore, b, c) }
        return nil
    }

    private var toStream: [String: String] { self == .kv ? KVFields.toStream : ObjectStoreFields.toStream }
    private var fromStream: [String: String] { self == .kv ? KVFields.fromStream : ObjectStoreFields.fromStream }
    private var derived: Set<String> { self == .kv ? KVFields.derivedStreamFields : ObjectStoreFields.derivedStreamFields }

    /// The stream path a bucket path sets: `history` → `max_msgs_per_subject`, `placement.cluster` stays.
    public func streamPath(bucketPath path: String) -> String {
        let head = String(path.prefix { $0 != "." && $0 != "[" })
        guard let mapped = toStream[head] else { return path }
        return mapped + path.dropFirst(head.count)
    }

    /// Every stream path a bucket field decides, for `ignore_changes`: `ttl` also sets `duplicate_window`
    /// (min(ttl, 2m)).
    public func streamPaths(bucketPath path: String) -> [String] {
        let mapped = streamPath(bucketPath: path)
        switch path {
        case "ttl": return [mapped, "duplicate_window"]
        default: return [mapped]
        }
    }

    /// The bucket field a stream path shows as (`max_msgs_per_subject` → `history`); nil for a field every
    /// bucket of the kind sets the same way (`deny_delete`).
    public func bucketPath(streamPath path: String) -> String? {
        let head = String(path.prefix { $0 != "." && $0 != "[" })
        if derived.contains(head) { return nil }
        guard let mapped = fromStream[head] else { return path }
        return mapped + path.dropFirst(head.count)
    }

    /// The bucket's stream config with what the live bucket already has for the settings clients have made
    /// differently over the years, so adopting a bucket made by another client changes nothing: `discard`
    /// (old before nats.go 1.35 and nats-py 2.2), `allow_direct` (off unless asked in nats-py KV),
    /// `allow_msg_ttl` (on in every nats-py 2.13+ KV bucket; the server never turns it off again), and an
    /// empty `placement` (what `nats obj add` sends; servers before 2.12 keep it).
    public func keepingLive(_ config: JSONObject, live: JSONObject) -> JSONObject {
        var c = config
        if let discard = live["discard"] { c["discard"] = discard }
        if let direct = live["allow_direct"] { c["allow_direct"] = direct }
        if c["allow_msg_ttl"] == nil, live["allow_msg_ttl"]?.boolValue == true { c["allow_msg_ttl"] = .bool(true) }
        if c["placement"] == nil, let placement = live["placement"]?.objectValue, KVFields.isEmpty(placement: placement) {
            c["placement"] = .object(placement)
        }
        return c
    }
}
