public import Topology

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

    /// Stream fields the server turns from 0 (or anything below -1) into -1, "unlimited".
    static let streamUnlimitedFields = ["max_consumers", "max_msgs", "max_bytes", "max_msgs_per_subject", "max_msg_size"]

    /// The stream config as the server would store it after creating `config` (or updating to it).
    /// Keeps the fields and order of `config` and appends the defaults it fills.
    public static func stream(_ config: JSONObject, capabilities: ServerCapabilities) -> JSONObject {
        var c = config
        let name = c["name"]?.stringValue ?? ""
        let isMirror = c["mirror"].map { $0 != .null } ?? false
        let isDerived = isMirror || !(c["sources"]?.arrayValue ?? []).isEmpty
        // Sourced streams get no default duplicate window from 2.14 on; before, only mirrors go without.
        let skipsDuplicateWindow = capabilities.version >= ServerVersion(2, 14) ? isDerived : isMirror

        setIfEmpty(&c, "retention", .string("limits"))
        setIfEmpty(&c, "storage", .string("file"))
        setIfEmpty(&c, "discard", .string("old"))
        setIfEmpty(&c, "compression", .string("none"))
        if int(c, "num_replicas") == 0 { c["num_replicas"] = .int(1) }
        for field in streamUnlimitedFields where int(c, field) == 0 || int(c, field) < -1 {
            c[field] = .int(-1)
        }
        let maxAge = int(c, "max_age")
        if int(c, "duplicate_window") == 0 && !skipsDuplicateWindow {
            c["duplicate_window"] = .int(maxAge != 0 && maxAge < duplicateWindow ? maxAge : duplicateWindow)
        }
        if capabilities.forcesRollupForMarkers {
            // Non-pedantic servers switch these on rather than refuse the config.
            if int(c, "subject_delete_marker_ttl") > 0 {
                c["allow_msg_ttl"] = .bool(true)
                forceRollup(&c)
            }
            if bool(c, "allow_msg_schedules") { forceRollup(&c) }
        }
        if (c["subjects"]?.arrayValue ?? []).isEmpty && !isDerived {
            c["subjects"] = .array([.string(name)])
        }
        if var republish = c["republish"]?.objectValue, (republish["src"]?.stringValue ?? "").isEmpty {
            republish["src"] = .string(">")
            c["republish"] = .object(republish)
        }
        if bool(c, "sealed") {
            c["max_age"] = .int(0)
            c["discard"] = .string("new")
            c["deny_delete"] = .bool(true)
            c["deny_purge"] = .bool(true)
            c["allow_rollup_hdrs"] = .bool(false)
        }
        return c
    }

    /// The consumer config as the server would store it after creating `config` on a stream whose stored
    /// config is `stream` (its `consumer_limits` supply defaults).
    public static func consumer(_ config: JSONObject, stream: JSONObject, capabilities: ServerCapabilities) -> JSONObject {
        var c = config
        if (c["name"]?.stringValue ?? "").isEmpty, let durable = c["durable_name"]?.stringValue, !durable.isEmpty {
            c["name"] = .string(durable)
        }
        setIfEmpty(&c, "deliver_policy", .string("all"))
        setIfEmpty(&c, "ack_policy", .string("none"))
        setIfEmpty(&c, "replay_policy", .string("instant"))
        let ack = c["ack_policy"]?.stringValue ?? "none"
        let isPull = (c["deliver_subject"]?.stringValue ?? "").isEmpty

        if int(c, "max_deliver") == 0 || int(c, "max_deliver") < -1 { c["max_deliver"] = .int(-1) }
        if int(c, "max_waiting") < 0 { c["max_waiting"] = .int(0) }
        if int(c, "max_ack_pending") < -1 { c["max_ack_pending"] = .int(-1) }
        if isPull && int(c, "max_waiting") == 0 { c["max_waiting"] = .int(maxWaiting) }
        if int(c, "ack_wait") == 0 && (ack == "explicit" || ack == "all") { c["ack_wait"] = .int(ackWait) }
        if let first = c["backoff"]?.arrayValue?.first?.intValue { c["ack_wait"] = .int(first) }

        let limits = stream["consumer_limits"]?.objectValue ?? [:]
        if int(c, "max_ack_pending") == 0, let limit = limits["max_ack_pending"]?.intValue, limit != 0 {
            c["max_ack_pending"] = .int(limit)
        }
        if int(c, "inactive_threshold") == 0, let limit = limits["inactive_threshold"]?.intValue, limit != 0 {
            c["inactive_threshold"] = .int(limit)
        }
        if int(c, "max_ack_pending") == 0 && ack != "none" { c["max_ack_pending"] = .int(maxAckPending) }
        if c["priority_policy"]?.stringValue == "pinned_client" && int(c, "priority_timeout") == 0 {
            c["priority_timeout"] = .int(pinnedTimeout)
        }
        if ack == "flow_control" {
            c["flow_control"] = .bool(true)
            c["idle_heartbeat"] = .int(flowControlHeartbeat)
        }
        return c
    }

    private static func forceRollup(_ c: inout JSONObject) {
        if !bool(c, "allow_rollup_hdrs") {
            c["allow_rollup_hdrs"] = .bool(true)
            c["deny_purge"] = .bool(false)
        }
    }

    private static func setIfEmpty(_ c: inout JSONObject, _ key: String, _ value: JSONValue) {
        if (c[key]?.stringValue ?? "").isEmpty { c[key] = value }
    }

    static func int(_ c: JSONObject, _ key: String) -> Int64 {
        switch c[key] {
        case .int(let i)?: return i
        case .double(let d)? where d.isFinite && d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: return 0
        }
    }

    static func bool(_ c: JSONObject, _ key: String) -> Bool { c[key]?.boolValue ?? false }
}
