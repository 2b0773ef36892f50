public import JetStreamSchema
public import Topology

/// One field that differs between the cluster and the file.
public struct FieldChange: Sendable, Hashable {
    /// The field: `max_age`, `placement.tags`, `metadata.team`.
    public var path: String
    /// The value in the cluster (comparison form; nil when not set, i.e. the server's zero value).
    public var old: JSONValue?
    /// The value the file asks for (comparison form; nil when not set).
    public var new: JSONValue?
    /// Why the server refuses this change in place (the change forces a replace); nil when it updates in place.
    public var replaceReason: String?
    /// Where the file sets the field (nil when the change comes from a default or a removed field).
    public var location: SourceLocation?

    public init(path: String, old: JSONValue?, new: JSONValue?, replaceReason: String? = nil,
                location: SourceLocation? = nil) {
        self.path = path
        self.old = old
        self.new = new
        self.replaceReason = replaceReason
        self.location = location
    }

    /// Whether the change forces a replace.
    public var immutable: Bool { replaceReason != nil }
}

extension FieldChange: Codable {
    enum CodingKeys: String, CodingKey {
        case path, old, new, forcesReplacement = "forces_replacement", replaceReason = "replace_reason", location
    }

    struct Location: Codable {
        var file: String
        var line: Int
        var column: Int
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        old = try c.decodeIfPresent(JSONValue.self, forKey: .old)
        new = try c.decodeIfPresent(JSONValue.self, forKey: .new)
        replaceReason = try c.decodeIfPresent(String.self, forKey: .replaceReason)
        location = try c.decodeIfPresent(Location.self, forKey: .location).map {
            SourceLocation(file: $0.file, line: $0.line, column: $0.column)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(old ?? .null, forKey: .old)
        try c.encode(new ?? .null, forKey: .new)
        try c.encode(immutable, forKey: .forcesReplacement)
        try c.encodeIfPresent(replaceReason, forKey: .replaceReason)
        try c.encodeIfPresent(location.map { Location(file: $0.file, line: $0.line, column: $0.column) }, forKey: .location)
    }
}
