public import JetStreamSchema
public import Topology

/// What `prevent_destroy` and `ignore_changes` do to a plan.
///
/// - An ignored field takes the live value (or its absence) before the file's config is compared or
///   sent, so it is neither drift nor reverted by an update of another field; a create uses the file.
/// - A protected resource carries metadata `jetform.prevent-destroy: "true"`, so a later prune (the file
///   no longer declares it) is refused by what the cluster says, not only by what the file says.
public enum LifecycleRules {
    /// The metadata value of the protection marker.
    public static let markerValue = "true"

    /// `declared` with the live value, or its absence, at every path `lifecycle` ignores.
    public static func keepingLive(_ declared: JSONObject, live: JSONObject, _ lifecycle: Lifecycle) -> JSONObject {
        var config = declared
        for path in lifecycle.ignoreChanges {
            let parts = path.split(separator: ".").map(String.init)
            config = replacing(config, at: parts[...], with: value(in: live, at: parts[...]))
        }
        return config
    }

    /// `config` with the protection marker in its metadata when `protect` is set.
    public static func marked(_ config: JSONObject, protect: Bool) -> JSONObject {
        guard protect else { return config }
        var config = config
        var metadata = config["metadata"]?.objectValue ?? JSONObject()
        metadata[TopologySpec.preventDestroyMetadataKey] = .string(markerValue)
        config["metadata"] = .object(metadata)
        return config
    }

    /// Whether a live config carries the protection marker.
    public static func isMarked(_ live: JSONObject) -> Bool {
        live["metadata"]?[TopologySpec.preventDestroyMetadataKey]?.stringValue == markerValue
    }

    private static func value(in object: JSONObject, at path: ArraySlice<String>) -> JSONValue? {
        guard let head = path.first, let v = object[head] else { return nil }
        if path.count == 1 { return v }
        guard let nested = v.objectValue else { return nil }
        return value(in: nested, at: path.dropFirst())
    }

    private static func replacing(_ object: JSONObject, at path: ArraySlice<String>, with new: JSONValue?) -> JSONObject {
        guard let head = path.first else { return object }
        var object = object
        if path.count == 1 {
            object[head] = new
            return object
        }
        let nested = object[head]?.objectValue ?? JSONObject()
        let replaced = replacing(nested, at: path.dropFirst(), with: new)
        object[head] = replaced.isEmpty && object[head] == nil ? nil : .object(replaced)
        return object
    }
}
