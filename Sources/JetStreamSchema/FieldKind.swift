/// One allowed value of an enumerated field.
public struct EnumValue: Sendable, Hashable {
    /// The JetStream API string.
    public var value: String
    /// First release that accepts it.
    public var since: ServerVersion
    /// Other spellings people use (natscli flags, other tools) that deserve a "did you mean".
    public var aliases: [String]

    public init(_ value: String, since: ServerVersion = .baseline, aliases: [String] = []) {
        self.value = value
        self.since = since
        self.aliases = aliases
    }
}

/// What a field holds, in the file and on the wire.
public indirect enum FieldKind: Sendable, Hashable {
    /// Any string.
    case string
    /// `true` or `false` only.
    case bool
    /// A whole number in `min...max`; with `unlimited`, `-1` and the word `unlimited` mean no limit (-1).
    case integer(min: Int64, max: Int64, unlimited: Bool)
    /// A duration, sent as Int64 nanoseconds. With `unlimitedIsZero`, `unlimited`/`-1` mean 0 (no limit).
    case duration(unlimitedIsZero: Bool)
    /// A byte size up to `max`, sent as bytes; with `unlimited`, `-1`/`unlimited` mean -1.
    case size(max: Int64, unlimited: Bool)
    /// One of a fixed set of strings.
    case enumeration([EnumValue])
    /// A NATS subject; `wildcards` says whether `*` and `>` are allowed.
    case subject(wildcards: Bool)
    /// A list of subjects.
    case subjectList(wildcards: Bool)
    /// A list of strings.
    case stringList
    /// A list of durations (nanoseconds on the wire).
    case durationList
    /// An RFC 3339 timestamp, e.g. `2025-01-02T15:04:05Z`.
    case timestamp
    /// A map of string keys to string values.
    case stringMap
    /// An object with the given fields.
    case object([FieldSpec])
    /// A list of objects with the given fields.
    case objectList([FieldSpec])
    /// A map from a name to an object with the given fields (e.g. `consumers`).
    case namedObjects([FieldSpec])
    /// A Key-Value bucket's entries: key names to values, each a string or `{value: …, secret: true}`.
    case keyValues

    /// Short human wording used in "expected …" messages.
    public var expectation: String {
        switch self {
        case .string: return "a string"
        case .bool: return "true or false"
        case .integer(let min, let max, let unlimited):
            let range = max == Int64.max ? "a whole number ≥ \(min)" : "a whole number from \(min) to \(max)"
            return unlimited ? "\(range), or -1/unlimited" : range
        case .duration(let unlimitedIsZero):
            return unlimitedIsZero ? "a duration like 5s, 2m, 1h30m (or unlimited)" : "a duration like 5s, 2m, 1h30m"
        case .size(_, let unlimited):
            return unlimited ? "a size like 512MB, 1GiB or bytes (or -1/unlimited)" : "a size like 512MB, 1GiB or bytes"
        case .enumeration(let values): return "one of " + values.map(\.value).joined(separator: ", ")
        case .subject: return "a subject"
        case .subjectList: return "a list of subjects"
        case .stringList: return "a list of strings"
        case .durationList: return "a list of durations"
        case .timestamp: return "an RFC 3339 timestamp like 2025-01-02T15:04:05Z"
        case .stringMap: return "a map of strings"
        case .object: return "a mapping"
        case .objectList: return "a list of mappings"
        case .namedObjects: return "a mapping of names to mappings"
        case .keyValues: return "a mapping of keys to values"
        }
    }
}

/// One field of a JetStream config (or of the topology format): its JSON name and type, the release
/// that introduced it, what the server fills in when it is absent, what counts as "absent", how it
/// compares, and how the server lets it change on an existing resource.
public struct FieldSpec: Sendable, Hashable {
    /// The key as written in YAML and sent on the wire.
    public var name: String
    public var kind: FieldKind
    /// First nats-server release that knows the field.
    public var since: ServerVersion
    /// One line for people (shown in editors via the JSON Schema).
    public var doc: String
    /// Whether the file must contain it.
    public var required: Bool
    /// Whether the value is a secret: it is never quoted in messages.
    public var secret: Bool
    /// How the server lets the field change after creation, by release.
    public var change: ChangeRules
    /// What the server stores when the field is absent (or holds its zero value).
    public var serverDefault: DefaultRule
    /// An enum value the server treats as absent (Go's zero value has a name: `persist_mode: default`).
    public var zeroName: String?
    /// Smallest value the server accepts when the field is set (durations and sizes in ns / bytes), with
    /// the release range and error code of that rule.
    public var minimum: Minimum?

    public init(
        _ name: String, _ kind: FieldKind, since: ServerVersion = .baseline, required: Bool = false,
        secret: Bool = false, change: ChangeRules = .inPlace, default serverDefault: DefaultRule = .none,
        zeroName: String? = nil, minimum: Minimum? = nil, _ doc: String
    ) {
        self.name = name
        self.kind = kind
        self.since = since
        self.doc = doc
        self.required = required
        self.secret = secret
        self.change = change
        self.serverDefault = serverDefault
        self.zeroName = zeroName
        self.minimum = minimum
    }

    /// Whether the value is a set on the server: order and repeats do not matter (subjects, tags,
    /// sources); `backoff` is ordered.
    public var comparesAsSet: Bool {
        switch kind {
        case .subjectList, .stringList, .objectList: return true
        default: return false
        }
    }

    /// The nested fields of an object or list-of-objects field.
    public var nested: [FieldSpec]? {
        switch kind {
        case .object(let fields), .objectList(let fields), .namedObjects(let fields): return fields
        default: return nil
        }
    }
}

/// A lower bound the server enforces on a set value.
public struct Minimum: Sendable, Hashable {
    /// The smallest accepted value (nanoseconds for durations).
    public var value: Int64
    /// The server's error code for a smaller value.
    public var errCode: Int
    /// First release with the rule.
    public var since: ServerVersion

    public init(_ value: Int64, errCode: Int, since: ServerVersion = .baseline) {
        self.value = value
        self.errCode = errCode
        self.since = since
    }
}

/// What the server stores for a field the config leaves out (or sets to its zero value).
public enum DefaultRule: Sendable, Hashable {
    /// Nothing: absent stays absent (or the zero value).
    case none
    /// This value.
    case value(JSONValue)
    /// -1, "unlimited" (also for values below -1).
    case unlimited
    /// Worked out from other fields and the release; `ServerDefaults` implements each by this name.
    case computed(String)
}

/// How a field may change on an existing stream or consumer.
public enum ChangeRule: String, Sendable, Hashable, Codable {
    /// Updated in place.
    case inPlace
    /// The server refuses any change: delete and recreate.
    case replace
    /// May go from `false` to `true` only (e.g. `deny_delete`); switching it off needs a replace.
    case onlyToTrue
    /// May be removed (the server promotes the stream) but not set or changed (`mirror` from 2.12).
    case removeOnly
    /// Set ↔ unset needs a replace (push ↔ pull), another value is an in-place change (`deliver_subject`).
    case presenceOnly
    /// To or from one value needs a replace, between the others in place (`retention` and `workqueue`).
    case notToOrFromWorkQueue
    /// Counts only when the resource is created; later changes are ignored (`first_seq`).
    case creationOnly
    /// The config update ignores it; jetform changes it through its own API (`pause_until`: CONSUMER.PAUSE).
    case ownAPI
}

/// A field's change rule by release: the rule of the newest step at or below the server's release.
public struct ChangeRules: Sendable, Hashable {
    public struct Step: Sendable, Hashable {
        public var from: ServerVersion
        public var rule: ChangeRule
    }
    public var steps: [Step]

    public init(_ steps: [(ServerVersion, ChangeRule)]) {
        self.steps = steps.map { Step(from: $0.0, rule: $0.1) }.sorted { $0.from < $1.from }
    }

    public static func always(_ rule: ChangeRule) -> ChangeRules { ChangeRules([(.baseline, rule)]) }
    public static let inPlace = ChangeRules.always(.inPlace)
    public static let replace = ChangeRules.always(.replace)
    public static let onlyToTrue = ChangeRules.always(.onlyToTrue)

    /// The rule on `version`.
    public func rule(on version: ServerVersion) -> ChangeRule {
        steps.last { $0.from <= version }?.rule ?? steps.first?.rule ?? .inPlace
    }
}
