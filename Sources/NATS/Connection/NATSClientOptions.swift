public import Logging
/// How a client authenticates. Secrets are kept in memory only; nothing here is ever printed.
public enum NATSAuth: Sendable, Equatable {
    case none
    case userPassword(user: String, password: String)
    case token(String)
    /// An nkey seed (`SU…`), read from a file or given directly.
    case nkeySeed(String)
    case nkeySeedFile(path: String)
    /// A user JWT and its nkey seed, as found in a `.creds` file.
    case credentials(jwt: String, seed: String)
    case credentialsFile(path: String)
}

/// TLS settings. Any of them set (or a `tls://` URL, or a server that requires TLS) turns TLS on.
public struct NATSTLSOptions: Sendable, Equatable {
    /// PEM file with the CA certificates to trust; the system's trust store when nil.
    public var caFile: String?
    /// PEM client certificate and key, for servers that verify clients.
    public var certificateFile: String?
    public var keyFile: String?
    /// Start TLS before the server's INFO (nats-server `handshake_first`).
    public var handshakeFirst: Bool

    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, handshakeFirst: Bool = false) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.handshakeFirst = handshakeFirst
    }

    var isConfigured: Bool { caFile != nil || certificateFile != nil || handshakeFirst }
}

/// Everything a ``NATSClient`` needs to connect. Defaults follow nats.go.
public struct NATSClientOptions: Sendable {
    public var servers: [ServerAddress]
    public var auth: NATSAuth
    public var tls: NATSTLSOptions
    /// Client name shown by the server (`connz`).
    public var name: String?
    public var connectTimeout: Duration = .seconds(2)
    /// Reconnect after the connection drops. When false, a drop closes the client.
    public var allowReconnect = true
    /// Consecutive failed attempts per server before it leaves the pool (-1: never).
    public var maxReconnectAttempts = 60
    /// Pause after a full pass over the pool without success, plus up to `reconnectJitter`.
    public var reconnectWait: Duration = .seconds(2)
    public var reconnectJitter: Duration = .milliseconds(100)
    /// Bytes of publishes kept while disconnected; beyond that, `publish` throws.
    public var reconnectBufferSize = 8 * 1024 * 1024
    public var pingInterval: Duration = .seconds(120)
    /// Unanswered PINGs before the connection is declared stale and dropped.
    public var maxPingsOutstanding = 2
    /// Shuffle the configured servers before the first connect (spreads clients over a cluster).
    public var randomizeServers = true
    /// Default timeout for `request`.
    public var requestTimeout: Duration = .seconds(5)
    /// Prefix of the inbox subjects used for replies.
    public var inboxPrefix = "_INBOX"
    /// Where the client tells what it does (connects, reconnects, server errors), at debug level.
    public var logger = Logger(label: "jetform.nats")
    /// Receive our own publishes on our subscriptions.
    public var echo = true
    /// Messages buffered per subscription before the oldest are dropped (slow consumer).
    public var subscriptionPendingLimit = 1_048_576
    /// Bytes of publishes accepted before `publish` waits for the socket to drain.
    public var writeHighWaterMark = 4 * 1024 * 1024

    public init(servers: [ServerAddress], auth: NATSAuth = .none, tls: NATSTLSOptions = .init(), name: String? = nil) {
        self.servers = servers
        self.auth = auth
        self.tls = tls
        self.name = name
    }

    /// Options for a comma-separated URL list such as `nats://a:4222,nats://b:4222`.
    public init(urls: String, auth: NATSAuth = .none, tls: NATSTLSOptions = .init(), name: String? = nil) throws(NATSError) {
        self.init(servers: try ServerAddress.parseList(urls), auth: auth, tls: tls, name: name)
    }
}
