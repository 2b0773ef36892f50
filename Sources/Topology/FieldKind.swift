/// A nats-server release, for "added in" checks (`2.11`, `2.12.0`).
public struct ServerVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `2.11`, `2.12.3`, `v2.10.0-beta` (anything after the numbers is ignored).
    public init?(_ text: String) {
        let trimmed = text.hasPrefix("v") ? text.dropFirst() : Substring(text)
        let numbers = trimmed.prefix { $0.isASCIIDigit || $0 == "." }.split(separator: ".").map { Int($0) }
        guard numbers.count >= 2, numbers.count <= 3, numbers.allSatisfy({ $0 != nil }) else { return nil }
        self.init(numbers[0]!, numbers[1]!, numbers.count == 3 ? numbers[2]! : 0)
    }

    /// The oldest release jetform supports; fields without a `since` exist there.
    public static let baseline = ServerVersion(2, 10)

    public var description: String { patch == 0 ? "\(major).\(minor)" : "\(major).\(minor).\(patch)" }

    public static func < (lhs: ServerVersion, rhs: ServerVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}

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
        }
    }
}

/// How a field may change on an existing stream or consumer (the reconciler plans a replace otherwise).
public enum ChangeRule: String, Sendable, Hashable {
    /// Updated in place.
    case inPlace
    /// The server refuses any change: delete and recreate.
    case replace
    /// May go from `false` to `true` only (e.g. `deny_delete`).
    case onlyToTrue
}

/// One field of the topology format, the JetStream API, or a natscli context.
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
    /// How the server lets the field change after creation.
    public var change: ChangeRule

    public init(
        _ name: String, _ kind: FieldKind, since: ServerVersion = .baseline, required: Bool = false,
        secret: Bool = false, change: ChangeRule = .inPlace, _ doc: String
    ) {
        self.name = name
        self.kind = kind
        self.since = since
        self.doc = doc
        self.required = required
        self.secret = secret
        self.change = change
    }
}
