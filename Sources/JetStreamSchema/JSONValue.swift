import Foundation

/// A JSON value whose objects keep their keys in insertion order, so configs read back in the order
/// the file wrote them and generated JSON is byte-for-byte stable.
///
/// Integers stay integers (`Int64`, or `UInt64` past `Int64.max`: stream sequences are unsigned), so
/// sequence numbers and nanosecond durations survive a round trip exactly.
public enum JSONValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The object, if this is one.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The array, if this is one.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The integer, if this is one.
    public var intValue: Int64? {
        if case .int(let i) = self { return i }
        return nil
    }

    /// The boolean, if this is one.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// Member of an object (nil for other values or a missing key).
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int64.self) {
            self = .int(i)
        } else if let u = try? container.decode(UInt64.self) {
            self = .uint(u)
        } else if let d = try? container.decode(Double.self) {
            self = .double(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode(JSONObject.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .int(let i): try container.encode(i)
        case .uint(let u): try container.encode(u)
        case .double(let d): try container.encode(d)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }

    /// Serialises with keys in their stored order. `pretty` indents by two spaces, like the shipped schema.
    public func jsonString(pretty: Bool = true) -> String {
        var out = ""
        write(to: &out, indent: pretty ? 0 : nil)
        return out
    }

    private func write(to out: inout String, indent: Int?) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .uint(let u): out += String(u)
        case .double(let d):
            out += d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)) : "null"
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                if let n = indent { out += "\n" + String(repeating: "  ", count: n + 1) }
                v.write(to: &out, indent: indent.map { $0 + 1 })
            }
            if let n = indent { out += "\n" + String(repeating: "  ", count: n) }
            out += "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{"
            for (i, m) in o.members.enumerated() {
                if i > 0 { out += "," }
                if let n = indent { out += "\n" + String(repeating: "  ", count: n + 1) }
                JSONValue.writeString(m.key, to: &out)
                out += indent == nil ? ":" : ": "
                m.value.write(to: &out, indent: indent.map { $0 + 1 })
            }
            if let n = indent { out += "\n" + String(repeating: "  ", count: n) }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    out += String(format: "\\u%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

/// A JSON object that keeps insertion order. Equality and hashing ignore order, as JSON does.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, Codable {
    /// Members in insertion order.
    public private(set) var members: [(key: String, value: JSONValue)]
    /// Position of each key in `members`, kept for objects above `indexThreshold` members: the planner
    /// reads and fills some forty fields of a few thousand configs, and a scan per lookup added up.
    private var positions: [String: Int]?
    private static let indexThreshold = 8

    /// Creates an object from ordered members; a repeated key keeps the last value at the first position.
    public init(_ members: [(String, JSONValue)] = []) {
        self.members = []
        for (k, v) in members { self[k] = v }
    }

    /// Members whose keys are known to be distinct (the JSON parser checks), taken as they are, with
    /// their index when there are more than `indexThreshold`.
    init(uniqueMembers: [(key: String, value: JSONValue)], positions: [String: Int]?) {
        self.members = uniqueMembers
        self.positions = positions
    }

    /// Members whose keys the caller knows to be distinct (a filtered copy of another object's members),
    /// taken as they are instead of checking each key against the ones before it.
    public init(uniqueKeysWithValues members: [(key: String, value: JSONValue)]) {
        assert(Set(members.map(\.key)).count == members.count, "repeated key")
        self.members = members
        reindex()
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    private mutating func reindex() {
        guard members.count > Self.indexThreshold else {
            positions = nil
            return
        }
        var index = [String: Int](minimumCapacity: members.count)
        for (i, member) in members.enumerated() { index[member.key] = i }
        positions = index
    }

    /// Keys in insertion order.
    public var keys: [String] { members.map(\.key) }
    /// This object as a `JSONValue`.
    public var jsonValue: JSONValue { .object(self) }
    /// Serialised with keys in stored order.
    public func jsonString(pretty: Bool = true) -> String { jsonValue.jsonString(pretty: pretty) }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    private func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        return members.firstIndex { $0.key == key }
    }

    /// Reads or replaces a member; setting nil removes it, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let i = position(of: key) {
                if let v = newValue {
                    members[i].value = v
                } else {
                    members.remove(at: i)
                    reindex()
                }
            } else if let v = newValue {
                members.append((key, v))
                if positions != nil {
                    positions?[key] = members.count - 1
                } else if members.count > Self.indexThreshold {
                    reindex()
                }
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    private struct MemberKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: MemberKey.self)
        // Decoders do not promise an order; sort so the result is deterministic.
        let keys = container.allKeys.map(\.stringValue).sorted()
        self.init(try keys.map { ($0, try container.decode(JSONValue.self, forKey: MemberKey(stringValue: $0))) })
    }

    /// Encodes members in stored order (encoders that keep order, like JSONEncoder, preserve it).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: MemberKey.self)
        for m in members { try container.encode(m.value, forKey: MemberKey(stringValue: m.key)) }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.members.allSatisfy { rhs[$0.key] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        for m in members.sorted(by: { $0.key < $1.key }) {
            hasher.combine(m.key)
            hasher.combine(m.value)
        }
    }
}
