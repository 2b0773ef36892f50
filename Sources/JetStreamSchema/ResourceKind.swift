/// Which kind of JetStream resource a config belongs to, and so which field table describes it.
public enum ResourceKind: String, Sendable, Hashable, Codable {
    case stream
    case consumer

    /// The field table of this kind.
    public var fields: [FieldSpec] { self == .stream ? StreamFields.all : ConsumerFields.all }

    /// Identity fields: part of the API config, not of the table.
    public var identityFields: Set<String> { self == .stream ? Self.streamIdentity : Self.consumerIdentity }

    /// The top-level field called `name` (a hash lookup).
    public func field(_ name: String) -> FieldSpec? {
        self == .stream ? StreamFields.byName[name] : ConsumerFields.byName[name]
    }

    /// What the value at a path such as `max_age`, `placement.tags` or `mirror.external.api` holds; an
    /// entry of a string map (`metadata.team`) is a string. Nil for paths the table does not know.
    public func valueKind(at path: String) -> FieldKind? {
        var fields = self.fields
        var rest = Substring(path)
        while true {
            let head = rest.prefix { $0 != "." }
            guard let field = fields.first(where: { $0.name == head }) else { return nil }
            rest = rest.dropFirst(head.count)
            if rest.isEmpty { return field.kind }
            rest = rest.dropFirst()
            switch field.kind {
            case .stringMap: return .string
            case .object(let nested): fields = nested
            default: return nil
            }
        }
    }

    private static let streamIdentity: Set<String> = ["name"]
    private static let consumerIdentity: Set<String> = ["name", "durable_name"]
}
