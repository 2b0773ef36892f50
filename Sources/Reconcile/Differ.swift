public import JetStreamSchema
public import Topology

/// Field-level comparison of two configs in comparison form (`Normaliser.canonical`).
public enum Differ {
    /// The fields that differ, going from `observed` to `desired`: desired's fields in their order, then
    /// fields only the cluster has. Objects (`placement`, `consumer_limits`, `mirror`, …) and `metadata`
    /// are compared member by member (`placement.tags`, `metadata.team`); lists are compared whole.
    /// `locations` are the file positions of the desired fields (`StreamSpec.fieldLocations`).
    public static func diff(kind: ResourceKind, observed: JSONObject, desired: JSONObject,
                            capabilities: ServerCapabilities,
                            locations: [String: SourceLocation] = [:]) -> [FieldChange] {
        var changes: [FieldChange] = []
        collect(prefix: "", observed: observed, desired: desired, kind: kind, into: &changes)
        return changes.map { change in
            var change = change
            change.replaceReason = ImmutableFields.replaceReason(
                kind: kind, path: change.path, old: change.old, new: change.new, newConfig: desired,
                capabilities: capabilities)
            change.location = location(of: change.path, in: locations)
            return change
        }
    }

    private static func collect(prefix: String, observed: JSONObject, desired: JSONObject, kind: ResourceKind,
                                into changes: inout [FieldChange]) {
        var keys = desired.keys
        keys += observed.keys.filter { desired[$0] == nil }
        for key in keys {
            let old = observed[key], new = desired[key]
            if old == new { continue }
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if let oldObject = old?.objectValue ?? (old == nil ? JSONObject() : nil),
               let newObject = new?.objectValue ?? (new == nil ? JSONObject() : nil),
               descends(into: path, kind: kind) {
                collect(prefix: path, observed: oldObject, desired: newObject, kind: kind, into: &changes)
            } else {
                changes.append(FieldChange(path: path, old: old, new: new))
            }
        }
    }

    /// Objects compared member by member: nested configs and string maps (not list items).
    private static func descends(into path: String, kind: ResourceKind) -> Bool {
        switch FieldLookup.kind(of: path, in: kind) {
        case .object?, .stringMap?: return true
        default: return false
        }
    }

    /// The position of the field, or of the nearest enclosing field the file wrote.
    private static func location(of path: String, in locations: [String: SourceLocation]) -> SourceLocation? {
        var candidate = Substring(path)
        while true {
            if let location = locations[String(candidate)] { return location }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = candidate[..<dot]
        }
    }
}
