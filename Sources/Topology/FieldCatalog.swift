/// Every field the topology format knows: JetStream stream and consumer fields of nats-server 2.10–2.15
/// (json tags of `StreamConfig`/`ConsumerConfig`), natscli context keys, and the smoke section.
///
/// The loader, the validator and the JSON Schema generator all read these tables, so they cannot disagree.
/// The reconciler uses `since` and `change` for API-level checks.
public enum FieldCatalog {
    private static let v211 = ServerVersion(2, 11)
    private static let v212 = ServerVersion(2, 12)
    private static let v214 = ServerVersion(2, 14)
    private static let int32Max = Int64(Int32.max)

    static let subjectTransform: [FieldSpec] = [
        FieldSpec("src", .subject(wildcards: true), "Subjects to transform (may use wildcards)."),
        FieldSpec("dest", .string, required: true, "Destination, may use {{wildcard(1)}} style mappings."),
    ]

    static let streamSource: [FieldSpec] = [
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

    /// `StreamConfig` fields. `name` is not listed: the key under `streams` is the name.
    public static let stream: [FieldSpec] = [
        FieldSpec("description", .string, "What the stream is for."),
        FieldSpec("subjects", .subjectList(wildcards: true),
                  "Subjects the stream captures; must not overlap another stream's subjects."),
        FieldSpec("retention", .enumeration([
            EnumValue("limits", aliases: ["limit", "stream"]),
            EnumValue("interest"),
            EnumValue("workqueue", aliases: ["work", "work_queue", "wq"]),
        ]), change: .replace, "How messages leave: limits, interest, or workqueue (removed when acknowledged)."),
        FieldSpec("max_consumers", .integer(min: -1, max: .max, unlimited: true), change: .replace,
                  "Most consumers the stream allows (-1/unlimited for no limit)."),
        FieldSpec("max_msgs", .integer(min: -1, max: .max, unlimited: true), "Most messages kept (-1/unlimited)."),
        FieldSpec("max_bytes", .size(max: .max, unlimited: true), "Most bytes kept (-1/unlimited)."),
        FieldSpec("max_age", .duration(unlimitedIsZero: true), "Oldest message kept, e.g. 5s, 24h (unlimited = keep)."),
        FieldSpec("max_msgs_per_subject", .integer(min: -1, max: .max, unlimited: true),
                  "Most messages kept per subject (-1/unlimited)."),
        FieldSpec("max_msg_size", .size(max: int32Max, unlimited: true), "Largest message accepted (-1/unlimited)."),
        FieldSpec("discard", .enumeration([EnumValue("old"), EnumValue("new")]),
                  "When full: old drops the oldest messages, new refuses new ones."),
        FieldSpec("storage", .enumeration([EnumValue("file", aliases: ["disk"]), EnumValue("memory", aliases: ["mem"])]),
                  change: .replace, "file (survives restarts) or memory."),
        FieldSpec("num_replicas", .integer(min: 1, max: 5, unlimited: false), "Copies kept in the cluster, 1 to 5."),
        FieldSpec("no_ack", .bool, "Do not acknowledge publishes."),
        FieldSpec("duplicate_window", .duration(unlimitedIsZero: false),
                  "Window for Nats-Msg-Id deduplication; at most max_age."),
        FieldSpec("placement", .object([
            FieldSpec("cluster", .string, "Cluster to place the stream in."),
            FieldSpec("tags", .stringList, "Server tags the replicas must have."),
            FieldSpec("preferred", .string, since: v211, "Server preferred as leader."),
        ]), "Where the replicas live."),
        FieldSpec("mirror", .object(streamSource), change: .replace, "Make this stream a mirror of another."),
        FieldSpec("sources", .objectList(streamSource), "Streams whose messages are copied into this one."),
        FieldSpec("compression", .enumeration([EnumValue("none"), EnumValue("s2")]), "Storage compression: none or s2."),
        FieldSpec("first_seq", .integer(min: 0, max: .max, unlimited: false), "Sequence of the first message (creation only)."),
        FieldSpec("subject_transform", .object(subjectTransform), "Rewrite subjects of incoming messages."),
        FieldSpec("republish", .object([
            FieldSpec("src", .subject(wildcards: true), "Stored subjects to republish."),
            FieldSpec("dest", .string, required: true, "Subject to republish to."),
            FieldSpec("headers_only", .bool, "Republish headers only."),
        ]), "Republish stored messages to another subject."),
        FieldSpec("allow_direct", .bool, "Allow direct get of messages."),
        FieldSpec("mirror_direct", .bool, "Allow direct get on mirrors of this stream."),
        FieldSpec("discard_new_per_subject", .bool,
                  "Refuse new messages per subject when max_msgs_per_subject is reached (needs discard: new)."),
        FieldSpec("sealed", .bool, change: .onlyToTrue, "Seal the stream: no more writes or deletes."),
        FieldSpec("deny_delete", .bool, change: .onlyToTrue, "Refuse deleting messages through the API."),
        FieldSpec("deny_purge", .bool, change: .onlyToTrue, "Refuse purging the stream through the API."),
        FieldSpec("allow_rollup_hdrs", .bool, "Allow Nats-Rollup headers to purge older messages."),
        FieldSpec("consumer_limits", .object([
            FieldSpec("inactive_threshold", .duration(unlimitedIsZero: false), "Default inactive threshold for consumers."),
            FieldSpec("max_ack_pending", .integer(min: -1, max: .max, unlimited: true), "Default and cap of max_ack_pending."),
        ]), "Defaults and limits for the stream's consumers."),
        FieldSpec("allow_msg_ttl", .bool, since: v211, change: .onlyToTrue, "Honour per-message Nats-TTL headers."),
        FieldSpec("subject_delete_marker_ttl", .duration(unlimitedIsZero: false), since: v211,
                  "Leave delete markers for this long when max_age removes a subject's last message."),
        FieldSpec("allow_msg_counter", .bool, since: v212, change: .replace, "Make the stream a counter (CRDT) stream."),
        FieldSpec("allow_atomic", .bool, since: v212, "Allow atomic batch publishes."),
        FieldSpec("allow_msg_schedules", .bool, since: v212, change: .onlyToTrue, "Allow scheduled messages."),
        FieldSpec("persist_mode", .enumeration([EnumValue("default"), EnumValue("async")]), since: v212,
                  change: .replace, "default flushes before acknowledging; async may lose writes on a crash."),
        FieldSpec("allow_batched", .bool, since: v214, "Allow fast batch publishes."),
        FieldSpec("metadata", .stringMap, "String labels; jetform.managed-by is set by jetform."),
        FieldSpec("consumers", .namedObjects(consumer), "Durable consumers of this stream, by name."),
    ]

    /// `ConsumerConfig` fields. `durable_name`/`name` are not listed: the key under `consumers` is the name.
    public static let consumer: [FieldSpec] = [
        FieldSpec("description", .string, "What the consumer is for."),
        FieldSpec("deliver_policy", .enumeration([
            EnumValue("all"), EnumValue("last"), EnumValue("new"), EnumValue("by_start_sequence"),
            EnumValue("by_start_time"), EnumValue("last_per_subject"),
        ]), change: .replace, "Where delivery starts."),
        FieldSpec("opt_start_seq", .integer(min: 0, max: .max, unlimited: false), change: .replace,
                  "Start sequence for deliver_policy: by_start_sequence."),
        FieldSpec("opt_start_time", .timestamp, change: .replace, "Start time for deliver_policy: by_start_time."),
        FieldSpec("ack_policy", .enumeration([
            EnumValue("none"), EnumValue("all"), EnumValue("explicit", aliases: ["ack", "explicit_ack"]),
            EnumValue("flow_control", since: v214),
        ]), change: .replace, "How messages are acknowledged; work queues need explicit."),
        FieldSpec("ack_wait", .duration(unlimitedIsZero: false),
                  "How long a delivered message waits for its ack before redelivery (server default 30s)."),
        FieldSpec("max_deliver", .integer(min: -1, max: .max, unlimited: true), "Most deliveries of one message (-1/unlimited)."),
        FieldSpec("backoff", .durationList, "Redelivery delays, one per attempt; no more steps than max_deliver."),
        FieldSpec("filter_subject", .subject(wildcards: true), "Only deliver messages on this subject."),
        FieldSpec("filter_subjects", .subjectList(wildcards: true), "Only deliver messages on these subjects."),
        FieldSpec("replay_policy", .enumeration([EnumValue("instant"), EnumValue("original")]), change: .replace,
                  "instant, or original to replay at the recorded pace."),
        FieldSpec("rate_limit_bps", .integer(min: 0, max: .max, unlimited: false), "Delivery rate limit, bits per second."),
        FieldSpec("sample_freq", .string, "Percentage of acks sampled for metrics, e.g. 100%."),
        FieldSpec("max_waiting", .integer(min: 0, max: .max, unlimited: false), change: .replace,
                  "Most outstanding pull requests (pull consumers)."),
        FieldSpec("max_ack_pending", .integer(min: -1, max: .max, unlimited: true),
                  "Most delivered but unacknowledged messages (-1/unlimited)."),
        FieldSpec("flow_control", .bool, change: .replace, "Flow control for push consumers."),
        FieldSpec("headers_only", .bool, "Deliver headers only."),
        FieldSpec("max_batch", .integer(min: 0, max: .max, unlimited: false), "Largest batch one pull may request."),
        FieldSpec("max_expires", .duration(unlimitedIsZero: false), "Longest expiry one pull may request."),
        FieldSpec("max_bytes", .size(max: .max, unlimited: false), "Most bytes one pull may request."),
        FieldSpec("deliver_subject", .subject(wildcards: false), change: .replace,
                  "Makes a push consumer delivering to this subject."),
        FieldSpec("deliver_group", .string, "Queue group for push delivery."),
        FieldSpec("idle_heartbeat", .duration(unlimitedIsZero: false), change: .replace, "Heartbeat interval (push consumers)."),
        FieldSpec("inactive_threshold", .duration(unlimitedIsZero: false), "Delete the consumer after this long inactive."),
        FieldSpec("num_replicas", .integer(min: 0, max: 5, unlimited: false), "Replicas, 0 to inherit from the stream."),
        FieldSpec("mem_storage", .bool, change: .replace, "Keep consumer state in memory."),
        FieldSpec("direct", .bool, change: .replace, "Internal: direct consumer (used by mirrors and sources)."),
        FieldSpec("sourcing", .bool, since: v214, "Internal: consumer used by a stream's sourcing."),
        FieldSpec("metadata", .stringMap, "String labels; jetform.managed-by is set by jetform."),
        FieldSpec("pause_until", .timestamp, since: v211, "Pause delivery until this time."),
        FieldSpec("priority_groups", .stringList, since: v211, "Priority group names (pull consumers)."),
        FieldSpec("priority_policy", .enumeration([
            EnumValue("none"), EnumValue("overflow"), EnumValue("pinned_client"), EnumValue("prioritized", since: v212),
        ]), since: v211, "How priority groups pick clients."),
        FieldSpec("priority_timeout", .duration(unlimitedIsZero: false), since: v211, "Pinned client timeout."),
    ]

    /// natscli context file keys.
    public static let context: [FieldSpec] = [
        FieldSpec("description", .string, "What the context is for."),
        FieldSpec("url", .string, required: true, "Server URL, or several separated by commas."),
        FieldSpec("user", .string, "User name."),
        FieldSpec("password", .string, secret: true, "Password; use ${VAR} to keep it out of the file."),
        FieldSpec("token", .string, secret: true, "Authentication token; use ${VAR}."),
        FieldSpec("creds", .string, "Path to a .creds file."),
        FieldSpec("nkey", .string, secret: true, "Path to an nkey seed file."),
        FieldSpec("cert", .string, "Path to a TLS client certificate."),
        FieldSpec("key", .string, "Path to the TLS client key."),
        FieldSpec("ca", .string, "Path to the TLS CA certificate."),
        FieldSpec("tls_first", .bool, "Start TLS before the NATS handshake."),
        FieldSpec("jetstream_domain", .string, "JetStream domain."),
        FieldSpec("inbox_prefix", .string, "Prefix for reply inboxes."),
    ]

    private static let count = FieldKind.integer(min: 1, max: .max, unlimited: false)
    private static let endpoint: [FieldSpec] = [
        FieldSpec("stream", .string, required: true, "A stream declared under streams."),
        FieldSpec("consumer", .string, required: true, "A consumer declared under that stream."),
    ]

    /// The `smoke` section (validated here, run by `jetform smoke`).
    public static let smoke: [FieldSpec] = [
        FieldSpec("context", .string, "Context the smoke test connects with (default: the top-level context)."),
        FieldSpec("durable", .object([
            FieldSpec("requests", .object(endpoint), required: true, "Where producers publish requests (a work-queue stream)."),
            FieldSpec("responses", .object(endpoint), required: true, "Where workers publish responses."),
            FieldSpec("in_flight", count, "Most requests a producer keeps unanswered."),
            FieldSpec("producers", count, "Number of producers."),
            FieldSpec("workers", count, "Number of workers."),
            FieldSpec("count", count, "Requests each producer sends."),
        ]), "Durable request/response over JetStream."),
        FieldSpec("pubsub", .object([
            FieldSpec("subject", .subject(wildcards: false), required: true, "Subject to publish on."),
            FieldSpec("subscribers", count, "Number of subscribers."),
            FieldSpec("count", count, "Messages to publish."),
        ]), "Core NATS fan-out."),
        FieldSpec("queue", .object([
            FieldSpec("subject", .subject(wildcards: false), required: true, "Subject to publish on."),
            FieldSpec("group", .string, "Queue group name."),
            FieldSpec("members", count, "Queue group members."),
            FieldSpec("count", count, "Messages to publish."),
        ]), "Core NATS queue group."),
        FieldSpec("request", .object([
            FieldSpec("subject", .subject(wildcards: false), required: true, "Subject requests go to."),
            FieldSpec("responders", count, "Number of responders."),
            FieldSpec("count", count, "Requests to send."),
        ]), "Core NATS request/reply."),
    ]

    /// Top-level keys of `topology.yaml`.
    public static let topLevel: [FieldSpec] = [
        FieldSpec("name", .string, required: true,
                  "Name of this topology; jetform marks what it owns with metadata jetform.managed-by: <name>."),
        FieldSpec("contexts", .namedObjects(context), required: true, "Connection contexts (natscli context keys), by name."),
        FieldSpec("context", .string, "Context used for JetStream work (required with more than one context)."),
        FieldSpec("system_context", .string, "Context of the system account, used to read cluster health."),
        FieldSpec("streams", .namedObjects(stream), "Streams, by name, with their consumers."),
        FieldSpec("smoke", .object(smoke), "How the smoke test uses the streams."),
    ]

    /// Wrong keys people write, mapped to the right one (natscli flag names, other tools, plain mistakes).
    static let keyAliases: [String: String] = [
        "replicas": "num_replicas", "replica": "num_replicas", "r": "num_replicas",
        "dupe_window": "duplicate_window", "dupe-window": "duplicate_window", "duplicates": "duplicate_window",
        "max_msgs_per_subj": "max_msgs_per_subject", "max-msgs-per-subject": "max_msgs_per_subject",
        "max_per_subject": "max_msgs_per_subject", "max_msg_per_subject": "max_msgs_per_subject",
        "max_msg_sz": "max_msg_size", "max_message_size": "max_msg_size", "max_messages": "max_msgs",
        "retention_policy": "retention", "storage_type": "storage", "discard_policy": "discard",
        "ack": "ack_policy", "ack-policy": "ack_policy", "wait": "ack_wait", "ack-wait": "ack_wait",
        "max_deliveries": "max_deliver", "max-deliver": "max_deliver", "deliver": "deliver_policy",
        "filter": "filter_subject", "filters": "filter_subjects", "pull": "max_waiting", "target": "deliver_subject",
        "max_pending": "max_ack_pending", "max-pending": "max_ack_pending", "replay": "replay_policy",
        "heartbeat": "idle_heartbeat", "durable": "consumers", "subject": "subjects",
        "deny-delete": "deny_delete", "deny-purge": "deny_purge", "allow_rollup": "allow_rollup_hdrs",
        "allow-rollup": "allow_rollup_hdrs", "rollup": "allow_rollup_hdrs", "ttl": "allow_msg_ttl",
        "server": "url", "servers": "url", "urls": "url", "username": "user", "pass": "password",
        "credentials": "creds", "tlscert": "cert", "tlskey": "key", "tlsca": "ca", "js_domain": "jetstream_domain",
        "domain": "jetstream_domain", "system": "system_context", "sys_context": "system_context",
        "stream": "streams", "consumer": "consumers",
    ]

    /// Finds a field by name in a list.
    public static func field(_ name: String, in fields: [FieldSpec]) -> FieldSpec? {
        fields.first { $0.name == name }
    }
}
