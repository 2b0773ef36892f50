public import JetStreamSchema
import Topology

/// The ownership marker (DESIGN.md "Ownership marker"): every stream and consumer jetform creates carries
/// metadata `jetform.managed-by: <topology name>`; prune only deletes resources with this topology's marker.
public enum Ownership {
    /// Who owns a resource, seen from one topology.
    public enum Owner: Sendable, Hashable, Codable {
        /// Marked with this topology's name.
        case this
        /// Marked with another topology's name.
        case other(String)
        /// No marker: created by hand or another tool.
        case none
    }

    /// The marker value in a config's metadata.
    public static func marker(in config: JSONObject) -> String? {
        config["metadata"]?[TopologySpec.managedByMetadataKey]?.stringValue
    }

    /// Whose a resource with `config` is, for the topology named `topology`.
    public static func owner(of config: JSONObject, topology: String) -> Owner {
        guard let marker = marker(in: config) else { return .none }
        return marker == topology ? .this : .other(marker)
    }

    /// `config` with the marker of `topology` added to its metadata (after the file's own entries).
    public static func marked(_ config: JSONObject, topology: String) -> JSONObject {
        var config = config
        var metadata = config["metadata"]?.objectValue ?? JSONObject()
        metadata[TopologySpec.managedByMetadataKey] = .string(topology)
        config["metadata"] = .object(metadata)
        return config
    }
}
