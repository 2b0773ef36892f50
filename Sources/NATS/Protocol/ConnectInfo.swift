/// The body of the client's `CONNECT {json}` line. Optional fields are omitted when nil.
public struct ConnectInfo: Sendable, Equatable, Encodable {
    public var verbose = false
    public var pedantic = false
    public var tlsRequired = false
    public var authToken: String?
    public var user: String?
    public var pass: String?
    public var name: String?
    public var lang = "swift"
    public var version: String
    public var `protocol` = 1
    public var echo = true
    public var headers = true
    public var noResponders = true
    public var jwt: String?
    public var nkey: String?
    public var sig: String?

    public init(version: String) { self.version = version }

    enum CodingKeys: String, CodingKey {
        case verbose, pedantic, tlsRequired = "tls_required", authToken = "auth_token", user, pass, name
        case lang, version, `protocol`, echo, headers, noResponders = "no_responders", jwt, nkey, sig
    }
}
