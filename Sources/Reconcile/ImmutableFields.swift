public import Topology

/// Which changes nats-server refuses to make in place, so the planner replaces the resource instead.
///
/// Checked against nats-server `configUpdateCheckLocked` (stream.go), `jsClusteredStreamUpdateRequest`
/// (jetstream_cluster.go) and `checkNewConsumerConfig` (consumer.go), releases 2.10.25 to main:
/// - stream: `storage`; `retention` to or from `workqueue` (limits ↔ interest is allowed); `mirror` set
///   to anything but its current value (removing it promotes the mirror and is allowed);
///   `allow_msg_counter` either way; `persist_mode` either way; `max_consumers` before 2.12.5 (the
///   server allows changing it from 2.12.5 and 2.14.0 on); true → false of `sealed`, `deny_delete`,
///   `deny_purge`, `allow_msg_ttl`, `allow_msg_schedules`.
/// - consumer: `deliver_policy`, `opt_start_seq`, `opt_start_time`, `ack_policy`, `replay_policy`,
///   `idle_heartbeat`, `flow_control`, `max_waiting`, `mem_storage`, `direct`, `sourcing`, and push ↔ pull
///   (`deliver_subject` appearing or disappearing; changing a push consumer's subject is allowed).
/// `first_seq` is not here: it only counts when a stream is created, and the planner ignores it on
/// existing streams. Placement and replicas together are not refused outright: the planner splits them.
public enum ImmutableFields {
    /// Stream fields whose every change needs a replace.
    static let streamReplace: Set<String> = ["storage", "allow_msg_counter", "persist_mode"]
    /// Stream flags that can be switched on but never off.
    static let streamOneWay: Set<String> = ["sealed", "deny_delete", "deny_purge", "allow_msg_ttl", "allow_msg_schedules"]
    /// Consumer fields whose every change needs a replace.
    static let consumerReplace: Set<String> = [
        "deliver_policy", "opt_start_seq", "opt_start_time", "ack_policy", "replay_policy", "idle_heartbeat",
        "flow_control", "max_waiting", "mem_storage", "direct", "sourcing",
    ]

    /// Why changing `path` from `old` to `new` needs a replace, or nil when the server changes it in place.
    /// `newConfig` is the whole desired config (comparison form), for rules that look at the parent.
    public static func replaceReason(kind: ResourceKind, path: String, old: JSONValue?, new: JSONValue?,
                                     newConfig: JSONObject, capabilities: ServerCapabilities) -> String? {
        let top = String(path.prefix { $0 != "." })
        switch kind {
        case .stream:
            if streamReplace.contains(top) { return "\(top) cannot change in place" }
            if streamOneWay.contains(top), old?.boolValue == true, new?.boolValue != true {
                return "\(top) cannot be switched off once on"
            }
            if top == "retention", old?.stringValue == "workqueue" || new?.stringValue == "workqueue" {
                return "retention cannot change to or from workqueue in place"
            }
            if top == "mirror", newConfig["mirror"] != nil { return "mirror cannot change in place (only be removed)" }
            if top == "max_consumers", !capabilities.maxConsumersUpdatable {
                return "max_consumers cannot change in place before nats-server 2.12.5"
            }
        case .consumer:
            if consumerReplace.contains(top) { return "\(top) cannot change in place" }
            if top == "deliver_subject", (old == nil) != (new == nil) {
                return old == nil ? "a pull consumer cannot become a push consumer" : "a push consumer cannot become a pull consumer"
            }
        }
        return nil
    }
}
