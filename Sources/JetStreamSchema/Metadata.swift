/// Resource metadata: the server's own keys (`_nats.req.level`, `_nats.ver`, … from 2.11) are not the
/// user's, never drift, and are never exported.
public enum Metadata {
    /// The prefix of the keys the server writes itself.
    public static let serverPrefix = "_nats."

    /// `metadata` without the server's keys, in order.
    public static func userEntries(_ metadata: JSONObject) -> JSONObject {
        JSONObject(metadata.members.filter { !$0.key.hasPrefix(serverPrefix) }.map { ($0.key, $0.value) })
    }
}
