public import JetStreamSchema

/// The `error` object of a JetStream API response: `{"code":404,"err_code":10059,"description":"stream not found"}`.
public struct APIError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// HTTP-like status (400, 404, 500, 503).
    public var code: Int
    /// The JetStream error code; compare with the named constants of ``JetStreamErrorCode``.
    public var errCode: JetStreamErrorCode
    public var description: String
    public var extra: [String: JSONValue] = [:]

    public init(code: Int, errCode: JetStreamErrorCode, description: String) {
        self.code = code
        self.errCode = errCode
        self.description = description
    }

    static let schema = ModelSchema<APIError>(extra: \.extra, [
        .required("code", \.code),
        .field("err_code", \.errCodeOptional),
        .field("description", \.descriptionOptional),
    ])

    // Old servers may omit err_code/description; they decode as 0 / "".
    private var errCodeOptional: JetStreamErrorCode? {
        get { errCode.rawValue == 0 ? nil : errCode }
        set { errCode = newValue ?? JetStreamErrorCode(0) }
    }
    private var descriptionOptional: String? {
        get { description.isEmpty ? nil : description }
        set { description = newValue ?? "" }
    }

    public init(from decoder: any Decoder) throws {
        self.init(code: 0, errCode: JetStreamErrorCode(0), description: "")
        try Self.schema.decode(into: &self, from: decoder)
    }
    public func encode(to encoder: any Encoder) throws { try Self.schema.encode(self, to: encoder) }
}
