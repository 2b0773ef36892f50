/// Which kind of JetStream resource a config belongs to, and so which field table describes it.
public enum ResourceKind: String, Sendable, Hashable, Codable {
    case stream
    case consumer
    /// An entry of a Key-Value bucket (a message on `$KV.<bucket>.<key>`): no config fields.
    case key

    /// The field table of this kind.
    public var fields: [FieldSpec] {
        switch self {
        case .stream: StreamFields.all
        case .consumer: ConsumerFields.all
        case .key: []
        }
    }

    /// Identity fields: part of the API config, not of the table.
    public var identityFields: Set<String> {
        switch self {
        case .stream: Self.streamIdentity
        case .consumer: Self.consumerIdentity
        case .key: []
        }
    }

    /// The top-level field called `name` (a hash lookup).
    public func field(_ name: String) -> FieldSpec? {
        switch self {
        case .stream: StreamFields.byName[name]
        case .consumer: ConsumerFields.byName[name]
        case .key: nil
        }
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
