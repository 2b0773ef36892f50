public import JetStreamSchema

/// A consumer's configuration: every field of nats-server 2.10 through 2.15.
///
/// All fields are optional: nil means "not sent". Unknown keys are kept in ``extra``.
/// Durations are ``NanoDuration``; `opt_start_time` and `pause_until` are ``Timestamp``s.
public struct ConsumerConfig: Hashable, Sendable, Codable {
    public var durableName: String?
    public var name: String?
    public var description: String?
    public var deliverPolicy: DeliverPolicy?
    public var optStartSeq: UInt64?
    public var optStartTime: Timestamp?
    public var ackPolicy: AckPolicy?
    public var ackWait: NanoDuration?
    public var maxDeliver: Int?
    public var backoff: [NanoDuration]?
    public var filterSubject: String?
    public var filterSubjects: [String]?
    public var replayPolicy: ReplayPolicy?
    /// `rate_limit_bps`: bits per second (push consumers).
    public var rateLimitBps: UInt64?
    /// `sample_freq`, e.g. `"30%"`.
    public var sampleFrequency: String?
    public var maxWaiting: Int?
    public var maxAckPending: Int?
    public var flowControl: Bool?
    public var headersOnly: Bool?
    /// `max_batch`: the largest pull batch.
    public var maxRequestBatch: Int?
    /// `max_expires`: the longest pull expiry.
    public var maxRequestExpires: NanoDuration?
    /// `max_bytes`: the largest pull `max_bytes`.
    public var maxRequestMaxBytes: Int?
    public var deliverSubject: String?
    public var deliverGroup: String?
    public var idleHeartbeat: NanoDuration?
    public var inactiveThreshold: NanoDuration?
    /// 0 = inherit the stream's replicas.
    public var numReplicas: Int?
    public var memStorage: Bool?
    public var direct: Bool?
    /// 2.14+: a consumer used for stream sourcing.
    public var sourcing: Bool?
    public var metadata: [String: String]?
    /// 2.11+.
    public var pauseUntil: Timestamp?
    /// 2.11+.
    public var priorityGroups: [String]?
    /// 2.11+.
    public var priorityPolicy: PriorityPolicy?
    /// 2.11+: `priority_timeout` (the pinned-client TTL).
    public var priorityTimeout: NanoDuration?
    public var extra: [String: JSONValue] = [:]

    public init(durableName: String? = nil, ackPolicy: AckPolicy? = nil, filterSubject: String? = nil) {
        self.durableName = durableName
        self.ackPolicy = ackPolicy
        self.filterSubject = filterSubject
    }

    static let schema = ModelSchema<ConsumerConfig>(extra: \.extra, [
        .field("durable_name", \.durableName),
        .field("name", \.name),
        .field("description", \.description),
        .field("deliver_policy", \.deliverPolicy),
        .field("opt_start_seq", \.optStartSeq),
        .field("opt_start_time", \.optStartTime),
        .field("ack_policy", \.ackPolicy),
        .field("ack_wait", \.ackWait),
        .field("max_deliver", \.maxDeliver),
        .field("backoff", \.backoff),
        .field("filter_subject", \.filterSubject),
        .field("filter_subjects", \.filterSubjects),
        .field("replay_policy", \.replayPolicy),
        .field("rate_limit_bps", \.rateLimitBps),
        .field("sample_freq", \.sampleFrequency),
        .field("max_waiting", \.maxWaiting),
        .field("max_ack_pending", \.maxAckPending),
        .field("flow_control", \.flowControl),
        .field("headers_only", \.headersOnly),
        .field("max_batch", \.maxRequestBatch),
        .field("max_expires", \.maxRequestExpires),
        .field("max_bytes", \.maxRequestMaxBytes),
        .field("deliver_subject", \.deliverSubject),
        .field("deliver_group", \.deliverGroup),
        .field("idle_heartbeat", \.idleHeartbeat),
        .field("inactive_threshold", \.inactiveThreshold),
        .field("num_replicas", \.numReplicas),
        .field("mem_storage", \.memStorage),
        .field("direct", \.direct),
        .field("sourcing", \.sourcing),
        .field("metadata", \.metadata),
        .field("pause_until", \.pauseUntil),
        .field("priority_groups", \.priorityGroups),
        .field("priority_policy", \.priorityPolicy),
        .field("priority_timeout", \.priorityTimeout),
    ])

    /// The JSON keys this model knows.
    public static var knownKeys: Set<String> { schema.known }

    /// The name the server will use: `name`, else `durable_name`.
    public var effectiveName: String? { name ?? durableName }

    public init(from decoder: any Decoder) throws { self.init(); try Self.schema.decode(into: &self, from: decoder) }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}
