public import JetStreamSchema

/// Which changes nats-server refuses to make in place, so the planner replaces the resource instead:
/// each field's change rule on the server's release, from the schema's table (`FieldSpec.change`).
/// Placement and replicas together are not refused outright: the planner splits them.
public enum ImmutableFields {
    /// Why changing `path` from `old` to `new` needs a replace, or nil when the server changes it in place
    /// (or the change does not go through a config update at all: `first_seq`, `pause_until`).
    public static func replaceReason(kind: ResourceKind, path: String, old: JSONValue?, new: JSONValue?,
                                     newConfig: JSONObject, capabilities: ServerCapabilities) -> String? {
        let top = String(path.prefix { $0 != "." })
        guard let field = kind.field(top) else { return nil }
        let version = capabilities.version
        let topOld = top == path ? old : nil, topNew = newConfig[top]
        switch field.change.rule(on: version) {
        case .inPlace, .creationOnly, .ownAPI:
            return nil
        case .replace:
            return "\(top) cannot change in place" + until(field, version)
        case .onlyToTrue:
            guard topOld?.boolValue == true, topNew?.boolValue != true else { return nil }
            return "\(top) cannot be switched off once on" + until(field, version)
        case .removeOnly:
            return topNew == nil ? nil : "\(top) cannot change in place (only be removed)"
        case .presenceOnly:
            guard (old == nil) != (new == nil) else { return nil }
            return old == nil ? "a pull consumer cannot become a push consumer" : "a push consumer cannot become a pull consumer"
        case .notToOrFromWorkQueue:
            guard old?.stringValue == "workqueue" || new?.stringValue == "workqueue" else { return nil }
            return "retention cannot change to or from workqueue in place"
        }
    }

    /// " before nats-server X" when a later release relaxes the rule.
    private static func until(_ field: FieldSpec, _ version: ServerVersion) -> String {
        guard let later = field.change.steps.first(where: { $0.from > version }) else { return "" }
        return " before nats-server \(later.from)"
    }
}
