/// The server's `INFO` block. Unknown fields are ignored; every field is optional on the wire.
public struct ServerInfo: Sendable, Equatable, Codable {
    public var serverID: String
    public var serverName: String?
    public var version: String
    public var proto: Int
    public var host: String?
    public var port: Int?
    public var headers: Bool
    public var maxPayload: Int
    public var authRequired: Bool
    public var tlsRequired: Bool
    public var tlsAvailable: Bool
    public var jetstream: Bool
    public var nonce: String?
    public var connectURLs: [String]
    public var ldm: Bool
    public var cluster: String?
    public var domain: String?
    public var clientID: UInt64?
    public var clientIP: String?

    public init(
        serverID: String = "", serverName: String? = nil, version: String = "", proto: Int = 1,
        host: String? = nil, port: Int? = nil, headers: Bool = true, maxPayload: Int = 1_048_576,
        authRequired: Bool = false, tlsRequired: Bool = false, tlsAvailable: Bool = false,
        jetstream: Bool = false, nonce: String? = nil, connectURLs: [String] = [], ldm: Bool = false,
        cluster: String? = nil, domain: String? = nil, clientID: UInt64? = nil, clientIP: String? = nil
    ) {
        self.serverID = serverID
        self.serverName = serverName
        self.version = version
        self.proto = proto
        self.host = host
        self.port = port
        self.headers = headers
        self.maxPayload = maxPayload
        self.authRequired = authRequired
        self.tlsRequired = tlsRequired
        self.tlsAvailable = tlsAvailable
        self.jetstream = jetstream
        self.nonce = nonce
        self.connectURLs = connectURLs
        self.ldm = ldm
        self.cluster = cluster
        self.domain = domain
        self.clientID = clientID
        self.clientIP = clientIP
    }

    enum CodingKeys: String, CodingKey {
        case serverID = "server_id", serverName = "server_name", version, proto, host, port, headers
        case maxPayload = "max_payload", authRequired = "auth_required", tlsRequired = "tls_required"
        case tlsAvailable = "tls_available", jetstream, nonce, connectURLs = "connect_urls", ldm = "ldm"
        case cluster, domain, clientID = "client_id", clientIP = "client_ip"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        serverID = try c.decodeIfPresent(String.self, forKey: .serverID) ?? ""
        serverName = try c.decodeIfPresent(String.self, forKey: .serverName)
        version = try c.decodeIfPresent(String.self, forKey: .version) ?? ""
        proto = try c.decodeIfPresent(Int.self, forKey: .proto) ?? 0
        host = try c.decodeIfPresent(String.self, forKey: .host)
        port = try c.decodeIfPresent(Int.self, forKey: .port)
        headers = try c.decodeIfPresent(Bool.self, forKey: .headers) ?? false
        maxPayload = try c.decodeIfPresent(Int.self, forKey: .maxPayload) ?? 1_048_576
        authRequired = try c.decodeIfPresent(Bool.self, forKey: .authRequired) ?? false
        tlsRequired = try c.decodeIfPresent(Bool.self, forKey: .tlsRequired) ?? false
        tlsAvailable = try c.decodeIfPresent(Bool.self, forKey: .tlsAvailable) ?? false
        jetstream = try c.decodeIfPresent(Bool.self, forKey: .jetstream) ?? false
        nonce = try c.decodeIfPresent(String.self, forKey: .nonce)
        connectURLs = try c.decodeIfPresent([String].self, forKey: .connectURLs) ?? []
        ldm = try c.decodeIfPresent(Bool.self, forKey: .ldm) ?? false
        cluster = try c.decodeIfPresent(String.self, forKey: .cluster)
        domain = try c.decodeIfPresent(String.self, forKey: .domain)
        clientID = try c.decodeIfPresent(UInt64.self, forKey: .clientID)
        clientIP = try c.decodeIfPresent(String.self, forKey: .clientIP)
    }
}
