public import JetStreamSchema

/// Every field the topology format knows: JetStream stream and consumer fields of nats-server 2.10–2.15
/// (json tags of `StreamConfig`/`ConsumerConfig`), natscli context keys, and the smoke section.
///
/// The stream and consumer fields are JetStreamSchema's table; this adds the keys only a topology file
/// has. The loader, the validator and the JSON Schema generator all read these tables.
public enum FieldCatalog {
    /// `StreamConfig` fields (the schema's table) and the stream's consumers. `name` is not listed: the
    /// key under `streams` is the name.
    public static let stream: [FieldSpec] = StreamFields.all.map(withDomainShorthand) + [
        FieldSpec("consumers", .namedObjects(consumer), "Durable consumers of this stream, by name."),
        check(CheckMetric.stream, of: "stream"),
    ] + lifecycle

    /// `ConsumerConfig` fields (the schema's table). `durable_name`/`name` are not listed: the key under
    /// `consumers` is the name.
    public static let consumer: [FieldSpec] = ConsumerFields.all + [check(CheckMetric.consumer, of: "consumer")] + lifecycle

    /// Key-Value bucket fields (the schema's table). The key under `kv` is the bucket's name.
    public static let kv: [FieldSpec] = KVFields.all + [check(CheckMetric.stream, of: "bucket")] + keys + lifecycle

    /// A Key-Value bucket's entries the file owns, and what apply does with them; jetform's own, never
    /// part of the bucket's config.
    public static let keys: [FieldSpec] = [
        FieldSpec("keys", .keyValues,
                  "Entries the file owns, key: value; apply puts those the bucket lacks (a value from ${VAR}, or written {value: …, secret: true}, is never printed). Keys the file does not name are left alone."),
        FieldSpec("keys_policy", .enumeration([EnumValue("create"), EnumValue("enforce")]),
                  "create (default): put the keys the bucket lacks, leave values others changed; enforce: also put back values that differ from the file."),
    ]
    /// Object store fields (the schema's table). The key under `object_stores` is the store's name.
    public static let objectStore: [FieldSpec] = ObjectStoreFields.all + [check(CheckMetric.stream, of: "object store")] + lifecycle

    /// The newest release any field or enum value of the tables needs: a server this new supports every
    /// file (the plan's per-field release check has nothing to find).
    public static let newestRelease: ServerVersion = {
        func newest(_ fields: [FieldSpec]) -> ServerVersion {
            fields.reduce(ServerVersion.baseline) { result, field in
                var found = max(result, field.since)
                switch field.kind {
                case .enumeration(let values): found = values.reduce(found) { max($0, $1.since) }
                case .object(let nested), .objectList(let nested), .namedObjects(let nested): found = max(found, newest(nested))
                default: break
                }
                return found
            }
        }
        return newest(stream + kv + objectStore)
    }()

    /// The fields of a bucket kind as the file writes them.
    public static func bucket(_ kind: BucketKind) -> [FieldSpec] { kind == .kv ? kv : objectStore }

    /// `mirror` and `sources` take `domain: NAME`, the shorthand natscli and nats.go know for
    /// `external: {api: $JS.NAME.API}` (the loader expands it; export writes it back).
    static func withDomainShorthand(_ field: FieldSpec) -> FieldSpec {
        guard field.name == "mirror" || field.name == "sources", let nested = field.nested else { return field }
        let domain = FieldSpec("domain", .string, "JetStream domain of the origin stream: short for external: {api: $JS.<domain>.API}.")
        var extended = field
        extended.kind = field.name == "mirror" ? .object(nested + [domain]) : .objectList(nested + [domain])
        return extended
    }

    /// Keys of the file that say how jetform treats a resource; never sent to the server (Terraform's
    /// `lifecycle` block, NACK's `preventDelete`).
    public static let lifecycle: [FieldSpec] = [
        FieldSpec("prevent_destroy", .bool,
                  "Refuse to delete or replace this resource, even with --allow-replace, --allow-data-loss or --prune (jetform also marks it on the cluster with metadata jetform.prevent-destroy)."),
        FieldSpec("ignore_changes", .stringList,
                  "Fields operators tune on the live cluster: never reported as drift, never reverted (a create still uses the file's value)."),
    ]

    /// Whether `name` is one of the `lifecycle` keys, which stay out of the config.
    public static func isLifecycleKey(_ name: String) -> Bool { name == "prevent_destroy" || name == "ignore_changes" }

    /// `check:`, health thresholds for `jetform check` (`CheckMetric`); jetform's own, never sent to the server.
    /// The loader reads it with `CheckDecoder`; this entry names it for unknown-key messages and the JSON Schema.
    static func check(_ metrics: [CheckMetric], of resource: String) -> FieldSpec {
        FieldSpec("check", .object(metrics.map { metric in
            FieldSpec(metric.rawValue, .object([
                FieldSpec("warn", metric.thresholdKind, "A warning (exit 1) when the value is above this."),
                FieldSpec("crit", metric.thresholdKind, "Critical (exit 2) when the value is above this."),
            ]), metric.doc)
        }), "Health thresholds `jetform check` holds this \(resource) to, each with warn and crit (warn at most crit); jetform's own, never sent to the server.")
    }

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
        FieldSpec("kv", .object([
            FieldSpec("bucket", .string, required: true, "A Key-Value bucket declared under kv."),
            FieldSpec("count", count, "Puts to make (default 1000)."),
            FieldSpec("keys", count, "Distinct keys the puts rotate over (default 10)."),
        ]), "Key-Value puts with expected revisions, reads, a watcher and the bucket's history, on keys of the run's own (jetform-smoke.<run id>.<n>, purged afterwards)."),
    ]

    /// What an environment's `overrides` may change: fields of the streams (and their consumers) and
    /// buckets the file declares.
    public static let overrides: [FieldSpec] = [
        FieldSpec("streams", .namedObjects(stream), "Stream fields that differ in this environment, by stream name."),
        FieldSpec("kv", .namedObjects(kv), "Key-Value bucket fields that differ in this environment."),
        FieldSpec("object_stores", .namedObjects(objectStore), "Object store fields that differ in this environment."),
    ]

    /// One entry of `environments`.
    public static let environment: [FieldSpec] = [
        FieldSpec("description", .string, "What the environment is."),
        FieldSpec("cluster", .string,
                  "The cluster name its servers report (INFO cluster): every command stops, changing nothing, when the connected cluster has another name."),
        FieldSpec("domain", .string, "The JetStream domain its servers report (INFO domain), checked like cluster."),
        FieldSpec("context", .string, "The context JetStream work uses in this environment (replaces the top-level context)."),
        FieldSpec("system_context", .string, "The system context in this environment (replaces the top-level one)."),
        FieldSpec("overrides", .object(overrides),
                  "Values that differ in this environment, laid over what the file declares (mappings merge, other values replace, null removes)."),
    ]

    /// Top-level keys of `topology.yaml`.
    public static let topLevel: [FieldSpec] = [
        FieldSpec("name", .string, required: true,
                  "Name of this topology; jetform marks what it owns with metadata jetform.managed-by: <name>."),
        FieldSpec("contexts", .namedObjects(context), required: true, "Connection contexts (natscli context keys), by name."),
        FieldSpec("context", .string, "Context used for JetStream work (required with more than one context)."),
        FieldSpec("system_context", .string, "Context of the system account, used to read cluster health."),
        FieldSpec("streams", .namedObjects(stream), "Streams, by name, with their consumers."),
        FieldSpec("kv", .namedObjects(kv), "Key-Value buckets, by name (each is the stream KV_<name>, made as `nats kv add` makes it)."),
        FieldSpec("object_stores", .namedObjects(objectStore),
                  "Object stores, by name (each is the stream OBJ_<name>, made as `nats obj add` makes it)."),
        FieldSpec("smoke", .object(smoke), "How the smoke test uses the streams."),
        FieldSpec("environments", .namedObjects(environment),
                  "Environments (dev, staging, prod…), by name: the cluster each must be, its contexts and the values that differ; chosen with --env or JETFORM_ENV."),
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
        "key_value": "kv", "keyvalue": "kv", "buckets": "kv", "kv_buckets": "kv",
        "object_store": "object_stores", "objectstores": "object_stores", "obj": "object_stores", "objects": "object_stores",
        "max_history": "history", "history_depth": "history", "max_value": "max_value_size", "max_age_ttl": "ttl", "max_age": "ttl",
    ]

    /// Finds a field by name in a list.
    public static func field(_ name: String, in fields: [FieldSpec]) -> FieldSpec? {
        fields.first { $0.name == name }
    }
}
