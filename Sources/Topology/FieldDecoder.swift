import JetStreamSchema
import Foundation

/// An object decoded against a field list: the wire JSON, where each field was written, and the
/// `namedObjects` children (e.g. `consumers`) left for the caller to decode with their own names.
struct DecodedObject {
    var json = JSONObject()
    var locations: [String: SourceLocation] = [:]
    var children: [String: (key: YScalar, value: YNode)] = [:]
}

/// Checks YAML values against `FieldCatalog` kinds and turns them into JetStream wire values.
struct FieldDecoder {
    /// How the top-level mapping is named in messages.
    static let topLevelOwner = "the topology"

    /// Keys that exist in the API but are set by jetform, mapped to the fix shown when someone writes them.
    var reservedKeys: [String: String] = [:]
    /// Whether messages may quote values. Off for contexts: a credential pasted into the wrong key must not be echoed.
    var quotesValues = true
    /// Keys of the outermost object whose nodes are left to the caller, as `namedObjects` are (`check`).
    var deferredKeys: Set<String> = []

    /// Decodes a mapping. `owner` names it in messages ("stream 'ORDERS'"), `path` prefixes field locations.
    /// `root` names the outermost object (nil for the top level) so nested fields read `'placement.cluster' in stream 'S'`.
    func decodeObject(_ node: YNode, fields: [FieldSpec], owner: String, path: String = "", root: String? = nil,
                      bag: inout DiagnosticBag) -> DecodedObject? {
        let root = root ?? (path.isEmpty && owner != Self.topLevelOwner ? owner : nil)
        guard case .mapping(let entries, let location) = node else {
            typeError(node, expected: "a mapping", what: owner, bag: &bag)
            return nil
        }
        var result = DecodedObject()
        var seen = Set<String>()
        for entry in entries {
            let key = entry.key.text
            guard seen.insert(key).inserted else {
                bag.error(entry.key.location, "duplicate key '\(key)' in \(owner)",
                          fix: "each key may appear once; merge the two entries")
                continue
            }
            if let fix = reservedKeys[key] {
                bag.error(entry.key.location, "key '\(key)' is not allowed in \(owner)", fix: fix)
                continue
            }
            guard let field = fields.first(where: { $0.name == key }) else {
                let names = fields.map(\.name)
                if let suggestion = Suggestions.suggest(key, among: names, aliases: FieldCatalog.keyAliases) {
                    bag.error(entry.key.location, "unknown key '\(key)' in \(owner)", fix: "did you mean '\(suggestion)'?")
                } else {
                    bag.error(entry.key.location, "unknown key '\(key)' in \(owner)",
                              fix: "remove it; known keys: \(names.joined(separator: ", "))")
                }
                continue
            }
            let fieldPath = path.isEmpty ? key : "\(path).\(key)"
            result.locations[fieldPath] = entry.key.location
            switch field.kind {
            case .namedObjects, .keyValues:
                result.children[key] = (entry.key, entry.value)
                continue
            default:
                break
            }
            if deferredKeys.contains(key) {
                result.children[key] = (entry.key, entry.value)
                continue
            }
            let what = root.map { "'\(fieldPath)' in \($0)" } ?? "'\(fieldPath)'"
            if let value = decodeValue(entry.value, field: field, what: what, path: fieldPath, root: root,
                                       locations: &result.locations, bag: &bag) {
                result.json[key] = value
            }
        }
        for field in fields where field.required && !seen.contains(field.name) {
            bag.error(location, "\(owner) has no '\(field.name)'",
                      fix: "add '\(field.name): …' (\(field.doc.hasSuffix(".") ? String(field.doc.dropLast()) : field.doc))")
        }
        return result
    }

    /// Decodes one value of `field`. `what` names it in messages ("'max_age' in stream 'ORDERS'").
    func decodeValue(_ node: YNode, field: FieldSpec, what: String, path: String, root: String?,
                     locations: inout [String: SourceLocation], bag: inout DiagnosticBag) -> JSONValue? {
        // Reserved keys apply to the outermost object only (a mirror's `name` is fine).
        let nested = FieldDecoder(quotesValues: quotesValues)
        switch field.kind {
        case .object(let fields):
            guard let decoded = nested.decodeObject(node, fields: fields, owner: what, path: path, root: root, bag: &bag)
            else { return nil }
            locations.merge(decoded.locations) { a, _ in a }
            return .object(decoded.json)
        case .objectList(let fields):
            guard case .sequence(let items, _) = node else {
                typeError(node, expected: "a list of mappings", what: what, bag: &bag)
                return nil
            }
            var out: [JSONValue] = []
            for (i, item) in items.enumerated() {
                let itemPath = "\(path)[\(i)]"
                locations[itemPath] = item.location
                let itemWhat = root.map { "'\(itemPath)' in \($0)" } ?? "'\(itemPath)'"
                guard let decoded = nested.decodeObject(item, fields: fields, owner: itemWhat, path: itemPath, root: root,
                                                        bag: &bag) else { continue }
                locations.merge(decoded.locations) { a, _ in a }
                out.append(.object(decoded.json))
            }
            return .array(out)
        case .subjectList, .stringList, .durationList:
            guard case .sequence(let items, _) = node else {
                var fix = "write a list"
                if case .scalar(let s) = node, !s.isNull, !field.secret, !s.expanded, quotesValues {
                    fix = "write a list: [\(Self.clip(s.text))]"
                }
                bag.error(node.location, "\(what) must be \(field.kind.expectation), got \(node.kindName)", fix: fix)
                return nil
            }
            let element: FieldKind
            switch field.kind {
            case .subjectList(let wildcards): element = .subject(wildcards: wildcards)
            case .durationList: element = .duration(unlimitedIsZero: false)
            default: element = .string
            }
            var out: [JSONValue] = []
            for (i, item) in items.enumerated() {
                locations["\(path)[\(i)]"] = item.location
                var itemField = field
                itemField.kind = element
                if let v = decodeScalar(item, field: itemField, what: what, bag: &bag) {
                    out.append(v)
                }
            }
            return .array(out)
        case .stringMap:
            guard case .mapping(let entries, _) = node else {
                typeError(node, expected: "a map of strings", what: what, bag: &bag)
                return nil
            }
            var out = JSONObject()
            for entry in entries {
                if out[entry.key.text] != nil {
                    bag.error(entry.key.location, "duplicate key '\(entry.key.text)' in \(what)", fix: "keep one")
                    continue
                }
                locations["\(path).\(entry.key.text)"] = entry.key.location
                var itemField = field
                itemField.kind = .string
                if let v = decodeScalar(entry.value, field: itemField, what: "key '\(entry.key.text)' of \(what)", bag: &bag) {
                    out[entry.key.text] = v
                }
            }
            return .object(out)
        case .namedObjects, .keyValues:
            return nil
        default:
            return decodeScalar(node, field: field, what: what, bag: &bag)
        }
    }

    /// Scalar kinds: string, bool, integer, duration, size, enumeration, subject, timestamp.
    private func decodeScalar(_ node: YNode, field: FieldSpec, what: String, bag: inout DiagnosticBag) -> JSONValue? {
        if case .scalar(let s) = node, s.failed { return nil }
        guard case .scalar(let s) = node, !s.isNull else {
            if case .scalar = node {
                bag.error(node.location, "\(what) has no value", fix: "write \(field.kind.expectation), or remove the key")
            } else {
                typeError(node, expected: field.kind.expectation, what: what, bag: &bag)
            }
            return nil
        }
        let text = s.text
        // Secrets and values that came from the environment are never echoed back.
        let shown = field.secret || s.expanded || !quotesValues ? "the value" : "'\(Self.clip(text))'"
        switch field.kind {
        case .string:
            return .string(text)
        case .bool:
            if text == "true" { return .bool(true) }
            if text == "false" { return .bool(false) }
            let lowered = text.lowercased()
            if ["yes", "y", "on", "true"].contains(lowered) {
                bag.error(s.location, "\(what) must be true or false, not \(shown)", fix: "write true")
            } else if ["no", "n", "off", "false"].contains(lowered) {
                bag.error(s.location, "\(what) must be true or false, not \(shown)", fix: "write false")
            } else {
                bag.error(s.location, "\(what) must be true or false, not \(shown)", fix: "write true or false")
            }
            return nil
        case .integer(let min, let max, let unlimited):
            if unlimited && (text == "unlimited" || text == "-1") { return .int(-1) }
            guard let value = Int64(text) else {
                if Double(text) != nil {
                    bag.error(s.location, "\(what) must be a whole number, not \(shown)", fix: "remove the fraction")
                } else {
                    bag.error(s.location, "\(what) must be \(field.kind.expectation), not \(shown)",
                              fix: unlimited ? "write a number, or unlimited" : "write a number")
                }
                return nil
            }
            guard value >= min && value <= max else {
                let range = value > max ? "at most \(max)" : max == Int64.max ? "at least \(min)" : "a value from \(min) to \(max)"
                bag.error(s.location, "\(what) is \(shown), outside the allowed range",
                          fix: "use \(range)\(unlimited ? ", or unlimited" : "")")
                return nil
            }
            return .int(value)
        case .duration(let unlimitedIsZero):
            if unlimitedIsZero && (text == "unlimited" || text == "-1") { return .int(0) }
            guard let nanos = DurationText.parse(text) else {
                let days = text.hasSuffix("d") && Int(text.dropLast()) != nil
                bag.error(s.location, "\(what) is not a duration: \(shown)",
                          fix: days ? "days are not a unit; write hours, e.g. \((Int(text.dropLast()) ?? 1) * 24)h"
                                    : "write it like 500ms, 5s, 2m or 1h30m, or as integer nanoseconds")
                return nil
            }
            return .int(nanos)
        case .size(let max, let unlimited):
            if unlimited && (text == "unlimited" || text == "-1") { return .int(-1) }
            guard let bytes = ByteSizeText.parse(text) else {
                bag.error(s.location, "\(what) is not a size: \(shown)",
                          fix: "write it like 512MB, 1GiB (powers of 1024) or as bytes\(unlimited ? ", or unlimited" : "")")
                return nil
            }
            guard bytes <= max else {
                bag.error(s.location, "\(what) is larger than the server allows",
                          fix: "use at most \(max) bytes (\(ByteSizeText.format(max &+ 1)) minus one byte)")
                return nil
            }
            return .int(bytes)
        case .enumeration(let values):
            if values.contains(where: { $0.value == text }) { return .string(text) }
            let lowered = text.lowercased()
            let suggestion = values.first(where: { $0.value == lowered || $0.aliases.contains(lowered) })?.value
                ?? Suggestions.suggest(text, among: values.map(\.value))
            let list = values.map(\.value).joined(separator: ", ")
            bag.error(s.location, "\(what) must be one of \(list), not \(shown)",
                      fix: suggestion.map { "did you mean '\($0)'?" } ?? "pick one of \(list)")
            return nil
        case .subject(let wildcards):
            if let problem = Subjects.problem(text, wildcards: wildcards) {
                bag.error(s.location, "subject \(shown) in \(what) \(problem.what)", fix: problem.fix)
                return nil
            }
            return .string(text)
        case .timestamp:
            guard Self.isTimestamp(text) else {
                bag.error(s.location, "\(what) is not a timestamp: \(shown)", fix: "write RFC 3339, e.g. 2025-01-02T15:04:05Z")
                return nil
            }
            return .string(text)
        default:
            return nil
        }
    }

    private func typeError(_ node: YNode, expected: String, what: String, bag: inout DiagnosticBag) {
        bag.error(node.location, "\(what) must be \(expected), got \(node.kindName)",
                  fix: node.kindName == "nothing" ? "write a value or remove the key" : "change the value to \(expected)")
    }

    static func clip(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(57)) + "..." : text
    }

    static func isTimestamp(_ text: String) -> Bool {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return plain.date(from: text) != nil || fractional.date(from: text) != nil
    }
}
