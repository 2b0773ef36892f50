import JetStreamSchema

/// How a model maps to JSON: one entry per known key, plus a place for the keys it does not know.
///
/// Every field of a model is optional and is written only when set, so field presence round-trips
/// (a field the server did not send is not sent back) and old servers are never sent fields they do
/// not know. Keys not in the schema are collected into `extra` and written back unchanged.
struct ModelSchema<Model>: Sendable {
    struct Field: Sendable {
        let key: String
        let decode: @Sendable (inout Model, KeyedDecodingContainer<JSONKey>) throws -> Void
        let encode: @Sendable (Model, inout KeyedEncodingContainer<JSONKey>) throws -> Void
    }

    let fields: [Field]
    let extra: any WritableKeyPath<Model, [String: JSONValue]> & Sendable
    let known: Set<String>

    init(extra: any WritableKeyPath<Model, [String: JSONValue]> & Sendable, _ fields: [Field]) {
        self.fields = fields
        self.extra = extra
        self.known = Set(fields.map(\.key))
    }

    func decode(into model: inout Model, from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: JSONKey.self)
        for field in fields { try field.decode(&model, c) }
        var unknown: [String: JSONValue] = [:]
        for key in c.allKeys where !known.contains(key.stringValue) {
            unknown[key.stringValue] = try c.decode(JSONValue.self, forKey: key)
        }
        model[keyPath: extra] = unknown
    }

    func encode(_ model: Model, to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        for field in fields { try field.encode(model, &c) }
        for (key, value) in model[keyPath: extra] where !known.contains(key) {
            try c.encode(value, forKey: JSONKey(key))
        }
    }
}

extension ModelSchema.Field {
    /// An optional field: absent in JSON ⇔ nil. An explicit JSON `null` also decodes as nil.
    static func field<T: Codable & Sendable>(_ key: String, _ path: any WritableKeyPath<Model, T?> & Sendable) -> Self {
        let codingKey = JSONKey(key)
        return Self(
            key: key,
            decode: { model, c in model[keyPath: path] = try c.decodeIfPresent(T.self, forKey: codingKey) },
            encode: { model, c in try c.encodeIfPresent(model[keyPath: path], forKey: codingKey) }
        )
    }

    /// A field the server always sends; missing means the JSON is not what we expect.
    static func required<T: Codable & Sendable>(_ key: String, _ path: any WritableKeyPath<Model, T> & Sendable) -> Self {
        let codingKey = JSONKey(key)
        return Self(
            key: key,
            decode: { model, c in model[keyPath: path] = try c.decode(T.self, forKey: codingKey) },
            encode: { model, c in try c.encode(model[keyPath: path], forKey: codingKey) }
        )
    }
}

/// A coding key made from any string: lets a model walk every key of an object.
struct JSONKey: CodingKey, Hashable, ExpressibleByStringLiteral {
    let stringValue: String
    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init(stringLiteral value: String) { stringValue = value }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}
