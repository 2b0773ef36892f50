/// The fields of a consumer config (`ConsumerConfig` in nats-server), releases 2.10 through 2.15: the
/// one place jetform knows what a consumer field is, what the server fills in and how it may change.
///
/// `durable_name` and `name` are not listed: they are the consumer's identity (the key under `consumers`).
public enum ConsumerFields {
    static let v211 = ServerVersion(2, 11)
    static let v212 = ServerVersion(2, 12)
    static let v214 = ServerVersion(2, 14)
    static let v2146 = ServerVersion(2, 14, 6)
    static let millisecond: Int64 = 1_000_000

    public static let all: [FieldSpec] = [
        FieldSpec("description", .string, "What the consumer is for."),
        FieldSpec("deliver_policy", .enumeration([
            EnumValue("all"), EnumValue("last"), EnumValue("new"), EnumValue("by_start_sequence"),
            EnumValue("by_start_time"), EnumValue("last_per_subject"),
        ]), change: .replace, default: .value(.string("all")), "Where delivery starts."),
        FieldSpec("opt_start_seq", .integer(min: 0, max: .max, unlimited: false), change: .replace,
                  "Start sequence for deliver_policy: by_start_sequence."),
        FieldSpec("opt_start_time", .timestamp, change: .replace, "Start time for deliver_policy: by_start_time."),
        FieldSpec("ack_policy", .enumeration([
            EnumValue("none"), EnumValue("all"), EnumValue("explicit", aliases: ["ack", "explicit_ack"]),
            EnumValue("flow_control", since: v214),
        ]), change: .replace, default: .value(.string("none")),
                  "How messages are acknowledged; work queues need explicit."),
        FieldSpec("ack_wait", .duration(unlimitedIsZero: false), default: .computed("ack_wait"),
                  "How long a delivered message waits for its ack before redelivery (server default 30s)."),
        FieldSpec("max_deliver", .integer(min: -1, max: .max, unlimited: true), default: .unlimited,
                  "Most deliveries of one message (-1/unlimited)."),
        FieldSpec("backoff", .durationList, "Redelivery delays, one per attempt; no more steps than max_deliver."),
        FieldSpec("filter_subject", .subject(wildcards: true), "Only deliver messages on this subject."),
        FieldSpec("filter_subjects", .subjectList(wildcards: true), "Only deliver messages on these subjects."),
        FieldSpec("replay_policy", .enumeration([EnumValue("instant"), EnumValue("original")]), change: .replace,
                  default: .value(.string("instant")), "instant, or original to replay at the recorded pace."),
        FieldSpec("rate_limit_bps", .integer(min: 0, max: .max, unlimited: false), "Delivery rate limit, bits per second (push consumers)."),
        FieldSpec("sample_freq", .string, "Percentage of acks sampled for metrics, e.g. 100%."),
        FieldSpec("max_waiting", .integer(min: 0, max: .max, unlimited: false), change: .replace,
                  default: .computed("max_waiting"), "Most outstanding pull requests (pull consumers)."),
        FieldSpec("max_ack_pending", .integer(min: -1, max: .max, unlimited: true), default: .computed("max_ack_pending"),
                  "Most delivered but unacknowledged messages (-1/unlimited)."),
        FieldSpec("flow_control", .bool, change: .replace, default: .computed("flow_control"), "Flow control for push consumers."),
        FieldSpec("headers_only", .bool, "Deliver headers only."),
        FieldSpec("max_batch", .integer(min: 0, max: .max, unlimited: false), "Largest batch one pull may request."),
        FieldSpec("max_expires", .duration(unlimitedIsZero: false), minimum: Minimum(millisecond, errCode: 10115),
                  "Longest expiry one pull may request."),
        FieldSpec("max_bytes", .size(max: .max, unlimited: false), "Most bytes one pull may request."),
        FieldSpec("deliver_subject", .subject(wildcards: false), change: .always(.presenceOnly),
                  "Makes a push consumer delivering to this subject."),
        FieldSpec("deliver_group", .string, "Queue group for push delivery."),
        FieldSpec("idle_heartbeat", .duration(unlimitedIsZero: false), change: .replace, default: .computed("idle_heartbeat"),
                  minimum: Minimum(100 * millisecond, errCode: 10083), "Heartbeat interval (push consumers)."),
        FieldSpec("inactive_threshold", .duration(unlimitedIsZero: false), default: .computed("inactive_threshold"),
                  "Delete the consumer after this long inactive."),
        FieldSpec("num_replicas", .integer(min: 0, max: 5, unlimited: false), "Replicas, 0 to inherit from the stream."),
        FieldSpec("mem_storage", .bool, change: ChangeRules([(.baseline, .inPlace), (ServerVersion(2, 14, 4), .replace)]),
                  "Keep consumer state in memory."),
        // 2.14.6 and 2.15 refuse changing `direct` and `sourcing` (10012 "… can not be updated"); 2.14.5
        // updates `sourcing` in place (measured on 2.14.5, 2.14.6, 2.15.0, 2.15.1).
        FieldSpec("direct", .bool, change: ChangeRules([(.baseline, .inPlace), (v2146, .replace)]),
                  "Internal to the server (the consumers of mirrors and sources); never valid in a topology."),
        FieldSpec("sourcing", .bool, since: v214, change: ChangeRules([(.baseline, .inPlace), (v2146, .replace)]),
                  "Internal: consumer used by a stream's sourcing."),
        FieldSpec("metadata", .stringMap, default: .computed("metadata"), "String labels; jetform.managed-by is set by jetform."),
        FieldSpec("pause_until", .timestamp, since: v211, change: .always(.ownAPI),
                  "Pause delivery until this time (changed through CONSUMER.PAUSE)."),
        FieldSpec("priority_groups", .stringList, since: v211, "Priority group names (pull consumers)."),
        FieldSpec("priority_policy", .enumeration([
            EnumValue("none"), EnumValue("overflow"), EnumValue("pinned_client"), EnumValue("prioritized", since: v212),
        ]), since: v211, zeroName: "none", "How priority groups pick clients."),
        FieldSpec("priority_timeout", .duration(unlimitedIsZero: false), since: v211, default: .computed("priority_timeout"),
                  "Pinned client timeout."),
    ]

    /// Fields by name.
    public static let byName: [String: FieldSpec] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
}
