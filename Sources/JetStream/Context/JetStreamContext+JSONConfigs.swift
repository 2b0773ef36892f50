public import JetStreamSchema
public import NIOCore

/// Creates and updates that send a config exactly as given, as a JSON object: for the reconciler,
/// whose configs are JSON from the file (what it declares, no model in between, so a field this module
/// has no property for still reaches the server). Replies are the `STREAM.INFO` / `CONSUMER.INFO`
/// objects as the server wrote them.
extension JetStreamContext {
    /// `STREAM.CREATE.<name>` with `config` (which holds `name`), `pedantic` where the server has it.
    public func createStream(json config: JSONObject, pedantic: Bool) async throws(JetStreamError) -> JSONObject {
        try await streamRequest("CREATE", config, pedantic: pedantic)
    }

    /// `STREAM.UPDATE.<name>` with `config`.
    public func updateStream(json config: JSONObject, pedantic: Bool) async throws(JetStreamError) -> JSONObject {
        try await streamRequest("UPDATE", config, pedantic: pedantic)
    }

    /// `CONSUMER.CREATE.<stream>.<name>` with `config` (which holds `durable_name` or `name`).
    public func createConsumer(stream: String, json config: JSONObject, action: ConsumerAction,
                               pedantic: Bool) async throws(JetStreamError) -> JSONObject {
        let name = config["name"]?.stringValue ?? config["durable_name"]?.stringValue ?? ""
        var body: JSONObject = ["stream_name": .string(stream), "config": .object(config)]
        if !action.rawValue.isEmpty { body["action"] = .string(action.rawValue) }
        if pedantic && (serverVersion?.supportsPedantic ?? false) { body["pedantic"] = .bool(true) }
        let api = name.isEmpty ? "CONSUMER.CREATE.\(stream)" : "CONSUMER.CREATE.\(stream).\(name)"
        return try await request(api, body: Self.buffer(body), reading: Self.object(api))
    }

    /// `CONSUMER.PAUSE.<stream>.<name>` (2.11+): pauses delivery until `until` (an RFC 3339 time), or
    /// resumes it when nil. The reply's `pause_until` is what the server stored.
    public func pauseConsumer(stream: String, name: String, until: String?) async throws(JetStreamError) -> JSONObject {
        var body = JSONObject()
        if let until { body["pause_until"] = .string(until) }
        let api = "CONSUMER.PAUSE.\(stream).\(name)"
        return try await request(api, body: Self.buffer(body), reading: Self.object(api))
    }

    private func streamRequest(_ verb: String, _ config: JSONObject, pedantic: Bool) async throws(JetStreamError) -> JSONObject {
        var body = config
        if pedantic && (serverVersion?.supportsPedantic ?? false) { body["pedantic"] = .bool(true) }
        let api = "STREAM.\(verb).\(config["name"]?.stringValue ?? "")"
        return try await request(api, body: Self.buffer(body), reading: Self.object(api))
    }

    static func buffer(_ object: JSONObject) -> ByteBuffer { ByteBuffer(string: object.jsonString(pretty: false)) }

    static func object(_ api: String) -> (ByteBuffer) throws(JetStreamError) -> JSONObject {
        { (payload) throws(JetStreamError) -> JSONObject in
            let parsed = payload.withUnsafeReadableBytes { bytes in
                Result { () throws(JSONParseError) -> JSONValue in try JSONValue(parsing: bytes) }
            }
            switch parsed {
            case .success(let value):
                guard let object = value.objectValue else {
                    throw .invalidResponse(operation: operationName(api), detail: "the reply is not a JSON object")
                }
                return object
            case .failure(let error):
                throw .invalidResponse(operation: operationName(api), detail: "\(error)")
            }
        }
    }
}

extension JetStreamContext {
    /// Reads a reply as a JSON object, for the `reading:` calls (``streamInfo(_:reading:)``, …).
    public static func jsonObject(_ payload: ByteBuffer) throws(JetStreamError) -> JSONObject {
        try object("reply")(payload)
    }
}
