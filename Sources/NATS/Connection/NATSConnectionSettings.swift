/// Connection settings as people write them: the keys of a natscli context, all optional, so several
/// sources can be layered — command-line flags over environment variables over a topology context.
public struct NATSConnectionSettings: Sendable, Equatable {
    /// One URL or several separated by commas.
    public var url: String?
    public var user: String?
    public var password: String?
    public var token: String?
    /// Path to a `.creds` file (user JWT + seed).
    public var creds: String?
    /// Path to an nkey seed file.
    public var nkey: String?
    public var cert: String?
    public var key: String?
    public var ca: String?
    public var tlsFirst: Bool?
    public var inboxPrefix: String?
    /// The JetStream domain (`$JS.<domain>.API`); carried for the JetStream context, unused by the client.
    public var jetStreamDomain: String?

    public init(
        url: String? = nil, user: String? = nil, password: String? = nil, token: String? = nil,
        creds: String? = nil, nkey: String? = nil, cert: String? = nil, key: String? = nil, ca: String? = nil,
        tlsFirst: Bool? = nil, inboxPrefix: String? = nil, jetStreamDomain: String? = nil
    ) {
        self.url = url
        self.user = user
        self.password = password
        self.token = token
        self.creds = creds
        self.nkey = nkey
        self.cert = cert
        self.key = key
        self.ca = ca
        self.tlsFirst = tlsFirst
        self.inboxPrefix = inboxPrefix
        self.jetStreamDomain = jetStreamDomain
    }

    /// natscli's variables: `NATS_URL`, `NATS_USER`, `NATS_PASSWORD`, `NATS_TOKEN`, `NATS_CREDS`, `NATS_NKEY`,
    /// `NATS_CERT`, `NATS_KEY`, `NATS_CA`.
    public static func fromEnvironment(_ environment: [String: String]) -> NATSConnectionSettings {
        func value(_ name: String) -> String? {
            guard let v = environment[name], !v.isEmpty else { return nil }
            return v
        }
        return NATSConnectionSettings(
            url: value("NATS_URL"), user: value("NATS_USER"), password: value("NATS_PASSWORD"),
            token: value("NATS_TOKEN"), creds: value("NATS_CREDS"), nkey: value("NATS_NKEY"),
            cert: value("NATS_CERT"), key: value("NATS_KEY"), ca: value("NATS_CA")
        )
    }

    /// These settings where set, the others' elsewhere. A source that picks another kind of credential
    /// (token, creds, nkey, or user/password) drops the lower source's other kinds, so a `--token` flag
    /// never travels with a password from the topology file; `NATS_PASSWORD` alone replaces just the
    /// password of the context's user, as with natscli.
    public func overriding(_ lower: NATSConnectionSettings) -> NATSConnectionSettings {
        var merged = lower
        if let url { merged.url = url }
        if token != nil || creds != nil || nkey != nil {
            merged.user = user
            merged.password = password
            merged.token = token
            merged.creds = creds
            merged.nkey = nkey
        } else if user != nil || password != nil {
            merged.token = nil
            merged.creds = nil
            merged.nkey = nil
            if let user, user != lower.user {
                merged.user = user
                merged.password = password
            } else if let password {
                merged.password = password
            }
        }
        if let cert { merged.cert = cert }
        if let key { merged.key = key }
        if let ca { merged.ca = ca }
        if let tlsFirst { merged.tlsFirst = tlsFirst }
        if let inboxPrefix { merged.inboxPrefix = inboxPrefix }
        if let jetStreamDomain { merged.jetStreamDomain = jetStreamDomain }
        return merged
    }

    var hasCredentials: Bool { user != nil || password != nil || token != nil || creds != nil || nkey != nil }

    /// Client options for these settings; `name` is shown by the server in `connz`.
    public func clientOptions(name: String? = nil) throws(NATSError) -> NATSClientOptions {
        guard let url else {
            throw .invalidURL("", reason: "no server URL: give --server, set NATS_URL, or name a context with a url")
        }
        let auth: NATSAuth
        if let creds {
            auth = .credentialsFile(path: creds)
        } else if let nkey {
            auth = .nkeySeedFile(path: nkey)
        } else if let token {
            auth = .token(token)
        } else if let user {
            auth = .userPassword(user: user, password: password ?? "")
        } else {
            auth = .none
        }
        let tls = NATSTLSOptions(caFile: ca, certificateFile: cert, keyFile: key, handshakeFirst: tlsFirst ?? false)
        var options = try NATSClientOptions(urls: url, auth: auth, tls: tls, name: name)
        if let inboxPrefix { options.inboxPrefix = inboxPrefix }
        return options
    }
}

extension NATSConnectionSettings: CustomStringConvertible {
    /// The server list and which kind of credentials is used — never the secrets themselves.
    public var description: String {
        let auth: String
        if creds != nil { auth = "creds file" } else if nkey != nil { auth = "nkey" } else if token != nil { auth = "token" } else if let user { auth = "user \(user)" } else { auth = "no auth" }
        return "\(url.map { ServerAddress.redacted($0) } ?? "(no url)") with \(auth)"
    }
}
