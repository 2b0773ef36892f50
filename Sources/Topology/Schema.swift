public import JetStreamSchema

/// Generates the JSON Schema (draft 2020-12) of `topology.yaml` from `FieldCatalog`.
///
/// Output is deterministic: the same catalog always produces the same bytes, so the shipped
/// `schema/topology.schema.json` can be compared to it in a test.
public enum TopologySchema {
    /// The schema as pretty-printed JSON with a trailing newline.
    public static func jsonString() -> String {
        document().jsonString(pretty: true) + "\n"
    }

    /// The schema as a value.
    public static func document() -> JSONValue {
        var root = object(fields: FieldCatalog.topLevel)
        var head = JSONObject([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("title", .string("jetform topology")),
            ("description", .string("The JetStream setup jetform keeps a NATS cluster in: contexts, streams, consumers, smoke test.")),
        ])
        for (k, v) in root { head[k] = v }
        root = head
        var defs = JSONObject()
        defs["duration"] = .object([
            "description": .string("A duration: Go style (500ms, 5s, 2m, 1h30m; units ns, us, µs, ms, s, m, h) or integer nanoseconds."),
            "anyOf": .array([
                .object(["type": .string("string"), "pattern": .string(#"^\s*([0-9]+(\.[0-9]+)?(ns|us|µs|μs|ms|s|m|h))+\s*$"#)]),
                .object(["type": .string("integer"), "minimum": .int(0)]),
                .object(["type": .string("string"), "pattern": .string("^[0-9]+$")]),
            ]),
        ])
        defs["size"] = .object([
            "description": .string("A size: bytes, or a number with B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB (all powers of 1024, as in nats-server configuration)."),
            "anyOf": .array([
                .object(["type": .string("string"),
                         "pattern": .string(#"^\s*[0-9]+(\.[0-9]+)?\s*([bB]|[kKmMgGtT]([bB]|i[bB]|IB)?)?\s*$"#)]),
                .object(["type": .string("integer"), "minimum": .int(0)]),
            ]),
        ])
        defs["subject"] = .object([
            "description": .string("A NATS subject: dot-separated tokens; '*' matches one token, '>' the rest (last token only)."),
            "type": .string("string"),
            "pattern": .string(#"^[^\s.]+(\.[^\s.]+)*$"#),
        ])
        defs["variable"] = .object([
            "description": .string("An environment variable, ${NAME} or ${NAME:-default}, expanded when the file is loaded."),
            "type": .string("string"),
            "pattern": .string(#"^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$"#),
        ])
        root["$defs"] = .object(defs)
        return .object(root)
    }

    private static func object(fields: [FieldSpec]) -> JSONObject {
        var properties = JSONObject()
        for field in fields { properties[field.name] = .object(property(field)) }
        var out = JSONObject([("type", .string("object")), ("properties", .object(properties))])
        let required = fields.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { out["required"] = .array(required) }
        out["additionalProperties"] = .bool(false)
        return out
    }

    private static func property(_ field: FieldSpec) -> JSONObject {
        var doc = field.doc
        if field.since > .baseline { doc += " (nats-server \(field.since)+)" }
        var out = JSONObject([("description", .string(doc))])
        let inner = schema(for: field.kind)
        switch field.kind {
        case .bool, .integer, .duration, .size, .enumeration:
            // `${VAR}` is expanded before type checking, so editors must accept it where a number or enum goes.
            out["anyOf"] = .array([.object(inner), .object(["$ref": .string("#/$defs/variable")])])
        default:
            for (k, v) in inner { out[k] = v }
        }
        return out
    }

    private static func unlimited(_ inner: JSONValue) -> JSONObject {
        ["anyOf": .array([inner, .object(["const": .int(-1)]), .object(["const": .string("unlimited")])])]
    }

    private static func schema(for kind: FieldKind) -> JSONObject {
        switch kind {
        case .string:
            return ["type": .string("string")]
        case .bool:
            return ["type": .string("boolean")]
        case .integer(let min, let max, let isUnlimited):
            var inner: JSONObject = ["type": .string("integer"), "minimum": .int(isUnlimited ? Swift.max(0, min) : min)]
            if max != Int64.max { inner["maximum"] = .int(max) }
            return isUnlimited ? unlimited(.object(inner)) : inner
        case .duration(let unlimitedIsZero):
            let ref: JSONValue = .object(["$ref": .string("#/$defs/duration")])
            return unlimitedIsZero ? unlimited(ref) : ["$ref": .string("#/$defs/duration")]
        case .size(_, let isUnlimited):
            let ref: JSONValue = .object(["$ref": .string("#/$defs/size")])
            return isUnlimited ? unlimited(ref) : ["$ref": .string("#/$defs/size")]
        case .enumeration(let values):
            return ["type": .string("string"), "enum": .array(values.map { .string($0.value) })]
        case .subject:
            return ["$ref": .string("#/$defs/subject")]
        case .subjectList:
            return ["type": .string("array"), "items": .object(["$ref": .string("#/$defs/subject")])]
        case .stringList:
            return ["type": .string("array"), "items": .object(["type": .string("string")])]
        case .durationList:
            return ["type": .string("array"), "items": .object(["$ref": .string("#/$defs/duration")])]
        case .timestamp:
            return ["type": .string("string"), "format": .string("date-time")]
        case .stringMap:
            return ["type": .string("object"), "additionalProperties": .object(["type": .string("string")])]
        case .object(let fields):
            return object(fields: fields)
        case .objectList(let fields):
            return ["type": .string("array"), "items": .object(object(fields: fields))]
        case .namedObjects(let fields):
            return ["type": .string("object"), "additionalProperties": .object(object(fields: fields))]
        case .keyValues:
            let plain: [JSONValue] = ["string", "number", "boolean"].map { .object(["type": .string($0)]) }
            let marked: JSONObject = [
                "type": .string("object"),
                "properties": .object([
                    "value": .object(["anyOf": .array(plain), "description": .string("The value.")]),
                    "secret": .object(["type": .string("boolean"), "description": .string("Never print the value.")]),
                ]),
                "required": .array([.string("value")]),
                "additionalProperties": .bool(false),
            ]
            return ["type": .string("object"), "additionalProperties": .object(["anyOf": .array(plain + [.object(marked)])])]
        }
    }
}
