public import JetStreamSchema

/// The defaults nats-server fills in when it stores a stream or consumer config, so that a desired
/// config can be compared with what the server reports.
///
/// Checked against nats-server `checkStreamCfgLocked`, `configUpdateCheckLocked` (sealed) and
/// `setConsumerConfigDefaults` (2.10.25, 2.11.0, 2.12.x, 2.14.x and main), and against configs captured
/// from 2.10.25, 2.12.1 and 2.15.1 (see `CapturedConfigs` in the tests). Server-side limits from
/// `nats-server.conf` (`jetstream.limits`: duplicate window, max_ack_pending, max_request_batch) and
/// account limits can lower some of these; they are not visible to the reconciler.
public enum ServerDefaults {
    /// `duplicate_window` when not set (and not a mirror, nor a sourced stream from 2.14 on — 2.10.25 and
    /// 2.12.8 give sourced streams the window, 2.15.1 does not): 2 minutes, capped at `max_age`.
    public static let duplicateWindow: Int64 = 120_000_000_000
    /// `ack_wait` for `explicit`/`all` acks when not set: 30 s.
    public static let ackWait: Int64 = 30_000_000_000
    /// `max_ack_pending` for acked consumers when neither the consumer nor the stream's `consumer_limits` set it.
    public static let maxAckPending: Int64 = 1000
    /// `max_waiting` of pull consumers when not set.
    public static let maxWaiting: Int64 = 512
    /// `priority_timeout` for `pinned_client` consumers when not set: 2 minutes (2.11+).
    public static let pinnedTimeout: Int64 = 120_000_000_000
    /// `idle_heartbeat` forced by `ack_policy: flow_control` (2.14+): 1 s.
    public static let flowControlHeartbeat: Int64 = 1_000_000_000

    /// The stream config as the server would store it after creating `config` (or updating to it).
    /// Keeps the fields and order of `config` and appends the defaults it fills: the table's plain
    /// defaults (`DefaultRule.value`, `.unlimited`), then the computed ones in `streamComputed` order.
    /// `origin` is the config of the stream a mirror copies, when known (its `allow_direct` becomes the
    /// mirror's `mirror_direct`).
    public static func stream(_ config: JSONObject, capabilities: ServerCapabilities, origin: JSONObject? = nil) -> JSONObject {
        var c = config
        fillPlain(&c, streamPlain)
        let context = Context(capabilities: capabilities, origin: origin, stream: [:])
        for (_, rule) in streamComputed { rule(&c, context) }
        return c
    }

    /// The consumer config as the server would store it after creating `config` on a stream whose stored
    /// config is `stream` (its `consumer_limits` supply defaults).
    public static func consumer(_ config: JSONObject, stream: JSONObject, capabilities: ServerCapabilities) -> JSONObject {
        var c = config
        if (c["name"]?.stringValue ?? "").isEmpty, let durable = c["durable_name"]?.stringValue, !durable.isEmpty {
            c["name"] = .string(durable)
        }
        fillPlain(&c, consumerPlain)
        let context = Context(capabilities: capabilities, origin: nil, stream: stream)
        for (_, rule) in consumerComputed { rule(&c, context) }
        return c
    }

    /// What a computed default may look at besides the config itself.
    struct Context {
        var capabilities: ServerCapabilities
        var origin: JSONObject?
        var stream: JSONObject
    }
    typealias Rule = @Sendable (inout JSONObject, Context) -> Void

    /// The fields of a table with a plain default (`DefaultRule.value`, `.unlimited`), picked once.
    static func plainDefaults(_ fields: [FieldSpec]) -> [(name: String, rule: DefaultRule)] {
        fields.compactMap { field in
            switch field.serverDefault {
            case .value, .unlimited: (field.name, field.serverDefault)
            case .none, .computed: nil
            }
        }
    }
    static let streamPlain = plainDefaults(StreamFields.all)
    static let consumerPlain = plainDefaults(ConsumerFields.all)

    /// `DefaultRule.value` when the field is absent or zero; `.unlimited`: 0 and anything below -1 become -1.
    static func fillPlain(_ c: inout JSONObject, _ defaults: [(name: String, rule: DefaultRule)]) {
        for (name, rule) in defaults {
            switch rule {
            case .value(let value):
                if case .string = value {
                    if (c[name]?.stringValue ?? "").isEmpty { c[name] = value }
                } else if int(c, name) == 0 {
                    c[name] = value
                }
            case .unlimited:
                let n = int(c, name)
                if n == 0 || n < -1 { c[name] = .int(-1) }
            case .none, .computed:
                break
            }
        }
    }

    /// The stream defaults the server works out, in the order it applies them (by the table's names).
    static let streamComputed: [(String, Rule)] = [
        ("subjects", { c, _ in
            // A stream without subjects listens on its own name; mirrors and sourced streams get none.
            if (c["subjects"]?.arrayValue ?? []).isEmpty && !isDerived(c) {
                c["subjects"] = .array([.string(c["name"]?.stringValue ?? "")])
            }
        }),
        ("duplicate_window", { c, context in
            // 2 minutes capped at max_age; not for mirrors, nor (from 2.14) for sourced streams.
            let skips = context.capabilities.version >= ServerVersion(2, 14) ? isDerived(c) : isMirror(c)
            let maxAge = int(c, "max_age")
            if int(c, "duplicate_window") == 0 && !skips {
                c["duplicate_window"] = .int(maxAge != 0 && maxAge < duplicateWindow ? maxAge : duplicateWindow)
            }
        }),
        ("allow_msg_ttl", { c, context in
            // From 2.12 a marker TTL switches message TTLs on (2.11 refuses the config instead).
            if context.capabilities.forcesRollupForMarkers && int(c, "subject_delete_marker_ttl") > 0 {
                c["allow_msg_ttl"] = .bool(true)
            }
        }),
        ("allow_rollup_hdrs", { c, context in
            // From 2.12 marker TTLs and schedules switch roll-ups on (and so purges back on).
            guard context.capabilities.forcesRollupForMarkers,
                  int(c, "subject_delete_marker_ttl") > 0 || bool(c, "allow_msg_schedules"), !bool(c, "allow_rollup_hdrs")
            else { return }
            c["allow_rollup_hdrs"] = .bool(true)
            c["deny_purge"] = .bool(false)
        }),
        ("republish", { c, _ in
            if var republish = c["republish"]?.objectValue, (republish["src"]?.stringValue ?? "").isEmpty {
                republish["src"] = .string(">")
                c["republish"] = .object(republish)
            }
        }),
        ("mirror_direct", { c, context in
            // A mirror of a stream that allows direct gets serves them too.
            if isMirror(c), c["mirror_direct"] == nil, context.origin?["allow_direct"]?.boolValue == true {
                c["mirror_direct"] = .bool(true)
            }
        }),
        ("sealed", { c, _ in
            guard bool(c, "sealed") else { return }
            c["max_age"] = .int(0)
            c["discard"] = .string("new")
            c["deny_delete"] = .bool(true)
            c["deny_purge"] = .bool(true)
            c["allow_rollup_hdrs"] = .bool(false)
        }),
        // The server adds `_nats.*` keys (2.11+); the normaliser drops every one of them.
        ("metadata", { _, _ in }),
    ]

    /// The consumer defaults the server works out, in the order it applies them.
    static let consumerComputed: [(String, Rule)] = [
        ("max_waiting", { c, _ in
            if int(c, "max_waiting") < 0 { c["max_waiting"] = .int(0) }
            if isPull(c) && int(c, "max_waiting") == 0 { c["max_waiting"] = .int(maxWaiting) }
        }),
        ("ack_wait", { c, _ in
            let ack = c["ack_policy"]?.stringValue ?? "none"
            if int(c, "ack_wait") == 0 && (ack == "explicit" || ack == "all") { c["ack_wait"] = .int(ackWait) }
            if let first = c["backoff"]?.arrayValue?.first?.intValue { c["ack_wait"] = .int(first) }
        }),
        ("max_ack_pending", { c, context in
            if int(c, "max_ack_pending") < -1 { c["max_ack_pending"] = .int(-1) }
            let limit = context.stream["consumer_limits"]?["max_ack_pending"]?.intValue ?? 0
            if int(c, "max_ack_pending") == 0 && limit != 0 { c["max_ack_pending"] = .int(limit) }
            if int(c, "max_ack_pending") == 0 && (c["ack_policy"]?.stringValue ?? "none") != "none" {
                c["max_ack_pending"] = .int(maxAckPending)
            }
        }),
        ("inactive_threshold", { c, context in
            let limit = context.stream["consumer_limits"]?["inactive_threshold"]?.intValue ?? 0
            if int(c, "inactive_threshold") == 0 && limit != 0 { c["inactive_threshold"] = .int(limit) }
        }),
        ("priority_timeout", { c, _ in
            if c["priority_policy"]?.stringValue == "pinned_client" && int(c, "priority_timeout") == 0 {
                c["priority_timeout"] = .int(pinnedTimeout)
            }
        }),
        ("flow_control", { c, _ in
            if c["ack_policy"]?.stringValue == "flow_control" { c["flow_control"] = .bool(true) }
        }),
        ("idle_heartbeat", { c, _ in
            if c["ack_policy"]?.stringValue == "flow_control" { c["idle_heartbeat"] = .int(flowControlHeartbeat) }
        }),
        ("metadata", { _, _ in }),
    ]

    static func isMirror(_ c: JSONObject) -> Bool { c["mirror"].map { $0 != .null } ?? false }
    static func isDerived(_ c: JSONObject) -> Bool { isMirror(c) || !(c["sources"]?.arrayValue ?? []).isEmpty }
    static func isPull(_ c: JSONObject) -> Bool { (c["deliver_subject"]?.stringValue ?? "").isEmpty }

    static func int(_ c: JSONObject, _ key: String) -> Int64 { ServerRules.int(c, key) }

    static func bool(_ c: JSONObject, _ key: String) -> Bool { c[key]?.boolValue ?? false }
}
