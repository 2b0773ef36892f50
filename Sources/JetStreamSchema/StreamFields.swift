/// The fields of a stream config (`StreamConfig` in nats-server), releases 2.10 through 2.15: the one
/// place jetform knows what a stream field is, what the server fills in for it and how it may change.
/// The topology format, its JSON Schema, the normaliser, the differ and the replace rules read this table.
///
/// `name` is not listed: it is the stream's identity (the key under `streams` in a topology file).
public enum StreamFields {
    static let v211 = ServerVersion(2, 11)
    static let v212 = ServerVersion(2, 12)
    static let v214 = ServerVersion(2, 14)
    static let int32Max = Int64(Int32.max)
    static let millisecond: Int64 = 1_000_000
    static let second: Int64 = 1_000_000_000

    static let subjectTransform: [FieldSpec] = [
        FieldSpec("src", .subject(wildcards: true), "Subjects to transform (may use wildcards)."),
        FieldSpec("dest", .string, required: true, "Destination, may use {{wildcard(1)}} style mappings."),
    ]

    /// A `mirror` or one of the `sources`.
    public static let source: [FieldSpec] = [
        FieldSpec("name", .string, required: true, "Name of the stream to source from or mirror."),
        FieldSpec("opt_start_seq", .integer(min: 0, max: .max, unlimited: false), "Start at this sequence."),
        FieldSpec("opt_start_time", .timestamp, "Start at messages stored at or after this time."),
        FieldSpec("filter_subject", .subject(wildcards: true), "Only take messages on this subject."),
        FieldSpec("subject_transforms", .objectList(subjectTransform), "Filters and transforms applied while copying."),
        FieldSpec("external", .object([
            FieldSpec("api", .string, "API prefix of the other domain or account, e.g. $JS.hub.API."),
            FieldSpec("deliver", .string, "Delivery prefix for the other domain or account."),
        ]), "Reach the stream in another JetStream domain or account."),
        FieldSpec("consumer", .object([
            FieldSpec("name", .string, "Name of the durable consumer on the origin stream."),
            FieldSpec("deliver_subject", .subject(wildcards: false), "Subject the origin consumer delivers to."),
        ]), since: v214, "Use a durable consumer on the origin stream."),
    ]

    public static let all: [FieldSpec] = [
        FieldSpec("description", .string, "What the stream is for."),
        FieldSpec("subjects", .subjectList(wildcards: true), default: .computed("subjects"),
                  "Subjects the stream captures; must not overlap another stream's subjects."),
        FieldSpec("retention", .enumeration([
            EnumValue("limits", aliases: ["limit", "stream"]),
            EnumValue("interest"),
            EnumValue("workqueue", aliases: ["work", "work_queue", "wq"]),
        ]), change: .always(.notToOrFromWorkQueue), default: .value(.string("limits")),
                  "How messages leave: limits, interest, or workqueue (removed when acknowledged)."),
        FieldSpec("max_consumers", .integer(min: -1, max: .max, unlimited: true),
                  change: ChangeRules([(.baseline, .replace), (ServerVersion(2, 12, 5), .inPlace)]), default: .unlimited,
                  "Most consumers the stream allows (-1/unlimited for no limit)."),
        FieldSpec("max_msgs", .integer(min: -1, max: .max, unlimited: true), default: .unlimited,
                  "Most messages kept (-1/unlimited)."),
        FieldSpec("max_bytes", .size(max: .max, unlimited: true), default: .unlimited, "Most bytes kept (-1/unlimited)."),
        FieldSpec("max_age", .duration(unlimitedIsZero: true), minimum: Minimum(100 * millisecond, errCode: 10052),
                  "Oldest message kept, e.g. 5s, 24h (unlimited = keep)."),
        FieldSpec("max_msgs_per_subject", .integer(min: -1, max: .max, unlimited: true), default: .unlimited,
                  "Most messages kept per subject (-1/unlimited)."),
        FieldSpec("max_msg_size", .size(max: int32Max, unlimited: true), default: .unlimited,
                  "Largest message accepted (-1/unlimited)."),
        FieldSpec("discard", .enumeration([EnumValue("old"), EnumValue("new")]), default: .value(.string("old")),
                  "When full: old drops the oldest messages, new refuses new ones."),
        FieldSpec("storage", .enumeration([EnumValue("file", aliases: ["disk"]), EnumValue("memory", aliases: ["mem"])]),
                  change: .replace, default: .value(.string("file")), "file (survives restarts) or memory."),
        FieldSpec("num_replicas", .integer(min: 0, max: 5, unlimited: false), default: .value(.int(1)),
                  "Copies kept in the cluster, 1 to 5 (0 means 1)."),
        FieldSpec("no_ack", .bool, "Do not acknowledge publishes."),
        FieldSpec("duplicate_window", .duration(unlimitedIsZero: false), default: .computed("duplicate_window"),
                  minimum: Minimum(100 * millisecond, errCode: 10052),
                  "Window for Nats-Msg-Id deduplication; at most max_age."),
        FieldSpec("placement", .object([
            FieldSpec("cluster", .string, "Cluster to place the stream in."),
            FieldSpec("tags", .stringList, "Server tags the replicas must have."),
            FieldSpec("preferred", .string, since: v211,
                      "Never valid in a stream config (the server refuses it; it belongs to leader stepdown requests)."),
        ]), "Where the replicas live."),
        FieldSpec("mirror", .object(source), change: ChangeRules([(.baseline, .replace), (v212, .removeOnly)]),
                  "Make this stream a mirror of another."),
        FieldSpec("sources", .objectList(source), "Streams whose messages are copied into this one."),
        FieldSpec("compression", .enumeration([EnumValue("none"), EnumValue("s2")]), default: .value(.string("none")),
                  "Storage compression: none or s2."),
        FieldSpec("first_seq", .integer(min: 0, max: .max, unlimited: false), change: .always(.creationOnly),
                  "Sequence of the first message (creation only)."),
        FieldSpec("subject_transform", .object(subjectTransform), "Rewrite subjects of incoming messages."),
        FieldSpec("republish", .object([
            FieldSpec("src", .subject(wildcards: true), "Stored subjects to republish (default >)."),
            FieldSpec("dest", .string, required: true, "Subject to republish to."),
            FieldSpec("headers_only", .bool, "Republish headers only."),
        ]), default: .computed("republish"), "Republish stored messages to another subject."),
        FieldSpec("allow_direct", .bool, "Allow direct get of messages."),
        FieldSpec("mirror_direct", .bool, default: .computed("mirror_direct"),
                  "Allow direct get on this mirror (the server requires the origin's allow_direct)."),
        FieldSpec("discard_new_per_subject", .bool,
                  "Refuse new messages per subject when max_msgs_per_subject is reached (needs discard: new)."),
        FieldSpec("sealed", .bool, change: .onlyToTrue, default: .computed("sealed"),
                  "Seal the stream: no more writes or deletes (only an existing stream can be sealed)."),
        FieldSpec("deny_delete", .bool, change: .onlyToTrue, "Refuse deleting messages through the API."),
        FieldSpec("deny_purge", .bool, change: .onlyToTrue, "Refuse purging the stream through the API."),
        FieldSpec("allow_rollup_hdrs", .bool, default: .computed("allow_rollup_hdrs"),
                  "Allow Nats-Rollup headers to purge older messages."),
        FieldSpec("consumer_limits", .object([
            FieldSpec("inactive_threshold", .duration(unlimitedIsZero: false), "Default inactive threshold for consumers."),
            FieldSpec("max_ack_pending", .integer(min: -1, max: .max, unlimited: true), "Default and cap of max_ack_pending."),
        ]), "Defaults and limits for the stream's consumers."),
        FieldSpec("allow_msg_ttl", .bool, since: v211,
                  change: ChangeRules([(v211, .replace), (ServerVersion(2, 11, 2), .onlyToTrue)]),
                  default: .computed("allow_msg_ttl"), "Honour per-message Nats-TTL headers."),
        FieldSpec("subject_delete_marker_ttl", .duration(unlimitedIsZero: false), since: v211,
                  minimum: Minimum(second, errCode: 10052, since: v211),
                  "Leave delete markers for this long when max_age removes a subject's last message."),
        FieldSpec("allow_msg_counter", .bool, since: v212, change: .replace, "Make the stream a counter (CRDT) stream."),
        FieldSpec("allow_atomic", .bool, since: v212, "Allow atomic batch publishes."),
        FieldSpec("allow_msg_schedules", .bool, since: v212, change: .onlyToTrue, "Allow scheduled messages."),
        FieldSpec("persist_mode", .enumeration([EnumValue("default"), EnumValue("async")]), since: v212,
                  change: .replace, zeroName: "default",
                  "default flushes before acknowledging; async may lose writes on a crash."),
        FieldSpec("allow_batched", .bool, since: v214, "Allow fast batch publishes."),
        FieldSpec("metadata", .stringMap, default: .computed("metadata"),
                  "String labels; jetform.managed-by is set by jetform."),
    ]

    /// Fields by name (a hash lookup: the planner asks for every field of every config).
    public static let byName: [String: FieldSpec] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
}
