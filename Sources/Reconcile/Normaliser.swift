public import JetStreamSchema

/// Turns configs into the form in which two configs that the server treats the same are equal, so the
/// differ is a plain field-by-field comparison (DESIGN.md "No false drift").
///
/// Both sides get the same treatment: server defaults filled (`ServerDefaults`), then
/// - `_nats.*` metadata keys dropped (the server adds them from 2.11 on);
/// - fields the topology format cannot express dropped (server-computed or unknown to the catalog);
/// - zero values dropped: nats-server decodes a missing field as Go's zero value, so `false`, `0`, `""`,
///   `[]`, `{}` and `null` mean the same as no field (`max_age: 0`, `sealed: false`, `consumer_limits: {}`,
///   an empty `placement`), as do `persist_mode: default` and `priority_policy: none`;
/// - subject lists, tag lists and priority groups sorted (they are sets); source lists sorted;
/// - durations and sizes compared as integers (a `1e9` double equals `1000000000`);
/// - timestamps rewritten in UTC with trailing zero fractions removed.
public enum Normaliser {
    /// The comparison form of a stream config (desired or observed).
    public static func canonical(stream config: JSONObject, capabilities: ServerCapabilities) -> JSONObject {
        clean(ServerDefaults.stream(config, capabilities: capabilities), kind: .stream)
    }

    /// The comparison form of a consumer config; `stream` is the config of its stream (desired for a
    /// desired consumer, observed for an observed one), whose `consumer_limits` supply defaults.
    public static func canonical(consumer config: JSONObject, stream: JSONObject,
                                 capabilities: ServerCapabilities) -> JSONObject {
        clean(ServerDefaults.consumer(config, stream: stream, capabilities: capabilities), kind: .consumer)
    }

    /// Drops what the server treats as absent and puts sets in order; no defaults are filled.
    public static func clean(_ config: JSONObject, kind: ResourceKind) -> JSONObject {
        // A subset of `config`'s members, so the keys stay distinct.
        var out: [(key: String, value: JSONValue)] = []
        out.reserveCapacity(config.count)
        let identity = kind.identityFields
        let rules = kind == .stream ? CleanRule.stream : CleanRule.consumer
        for (key, value) in config {
            if identity.contains(key) {
                if let s = value.stringValue, !s.isEmpty { out.append((key, value)) }
                continue
            }
            guard let rule = rules[key], let cleaned = clean(value, rule) else { continue }
            out.append((key, cleaned))
        }
        return JSONObject(uniqueKeysWithValues: out)
    }

    static func clean(_ value: JSONValue, field: FieldSpec) -> JSONValue? { clean(value, CleanRule(field)) }

    /// What `clean` does with a field's value, worked out once per field of the table (looking up and
    /// copying the whole `FieldSpec` for every member of every config was a third of planning 1,000 streams).
    indirect enum CleanRule: Sendable {
        case bool, number, string, timestamp, durationList, stringMap, drop
        case enumeration(zeroName: String?)
        /// Subject and string lists: sets.
        case stringSet
        case object([String: CleanRule])
        /// Lists of objects (`sources`): compared as sets too.
        case objectList([String: CleanRule])

        init(_ field: FieldSpec) {
            switch field.kind {
            case .bool: self = .bool
            case .integer, .duration, .size: self = .number
            case .string, .subject: self = .string
            case .timestamp: self = .timestamp
            case .enumeration: self = .enumeration(zeroName: field.zeroName)
            case .subjectList, .stringList: self = .stringSet
            case .durationList: self = .durationList
            case .stringMap: self = .stringMap
            case .object(let fields): self = .object(Self.table(fields))
            case .objectList(let fields): self = .objectList(Self.table(fields))
            case .namedObjects, .keyValues: self = .drop
            }
        }

        static func table(_ fields: [FieldSpec]) -> [String: CleanRule] {
            Dictionary(fields.map { ($0.name, CleanRule($0)) }, uniquingKeysWith: { first, _ in first })
        }

        static let stream = table(StreamFields.all)
        static let consumer = table(ConsumerFields.all)
    }

    static func clean(_ value: JSONValue, _ rule: CleanRule) -> JSONValue? {
        if value == .null { return nil }
        switch rule {
        case .bool:
            return value == .bool(false) ? nil : value
        case .number:
            let n = integer(value)
            return n == .int(0) ? nil : n
        case .string:
            return value == .string("") ? nil : value
        case .timestamp:
            guard let s = value.stringValue, !s.isEmpty else { return value == .string("") ? nil : value }
            return .string(Timestamps.canonical(s) ?? s)
        case .enumeration(let zeroName):
            if value == .string("") || (zeroName != nil && value.stringValue == zeroName) { return nil }
            return value
        case .stringSet:
            guard let items = value.arrayValue else { return value }
            if items.isEmpty { return nil }
            guard items.allSatisfy({ $0.stringValue != nil }) else { return value }
            let strings = Set(items.compactMap(\.stringValue)).sorted()
            return .array(strings.map(JSONValue.string))
        case .durationList:
            guard let items = value.arrayValue else { return value }
            return items.isEmpty ? nil : .array(items.map(integer))
        case .stringMap:
            guard let map = value.objectValue else { return value }
            let kept = Metadata.userEntries(map)
            return kept.isEmpty ? nil : .object(kept)
        case .object(let rules):
            guard let object = value.objectValue else { return value }
            let cleaned = cleanNested(object, rules)
            return cleaned.isEmpty ? nil : .object(cleaned)
        case .objectList(let rules):
            guard let items = value.arrayValue else { return value }
            let cleaned = items.map { item -> JSONValue in
                item.objectValue.map { .object(cleanNested($0, rules)) } ?? item
            }
            if cleaned.isEmpty { return nil }
            return .array(cleaned.sorted { $0.jsonString(pretty: false) < $1.jsonString(pretty: false) })
        case .drop:
            return nil
        }
    }

    private static func cleanNested(_ object: JSONObject, _ rules: [String: CleanRule]) -> JSONObject {
        var out: [(key: String, value: JSONValue)] = []
        for (key, value) in object {
            guard let rule = rules[key], let cleaned = clean(value, rule) else { continue }
            out.append((key, cleaned))
        }
        return JSONObject(uniqueKeysWithValues: out)
    }

    /// Whole doubles become integers so `1e9` and `1000000000` compare equal.
    static func integer(_ value: JSONValue) -> JSONValue {
        if case .double(let d) = value, d.isFinite, d.rounded() == d, abs(d) < 9.2e18 { return .int(Int64(d)) }
        return value
    }
}

/// Finds the table's field behind a change path (`max_age`, `placement.tags`, `metadata.team`).
enum FieldLookup {
    /// Kind of value at `path`; metadata entries are strings. Nil for paths the table does not know.
    static func kind(of path: String, in kind: ResourceKind) -> FieldKind? {
        kind.identityFields.contains(path) ? .string : kind.valueKind(at: path)
    }
}
