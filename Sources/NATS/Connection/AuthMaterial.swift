/// Credentials resolved once at connect time (files read, seeds checked), so a bad file fails `connect()`
/// with a clear message instead of every reconnect.
struct AuthMaterial: Sendable {
    var user: String?
    var password: String?
    var token: String?
    var jwt: String?
    var keyPair: NKeyPair?

    init(_ auth: NATSAuth) throws(NATSError) {
        switch auth {
        case .none:
            break
        case .userPassword(let user, let password):
            self.user = user
            self.password = password
        case .token(let token):
            self.token = token
        case .nkeySeed(let seed):
            keyPair = try Self.keyPair(seed: seed, source: "the nkey seed")
        case .nkeySeedFile(let path):
            let contents = try Self.read(path, what: "nkey seed file")
            guard let line = contents.split(whereSeparator: \.isNewline).map({ $0.trimmingSpaces() }).first(where: { $0.hasPrefix("SU") }) else {
                throw .invalidCredentials("\(path) holds no user nkey seed (a line starting with 'SU')")
            }
            keyPair = try Self.keyPair(seed: String(line), source: path)
        case .credentials(let jwt, let seed):
            self.jwt = jwt
            keyPair = try Self.keyPair(seed: seed, source: "the credentials")
        case .credentialsFile(let path):
            let contents = try Self.read(path, what: "credentials file")
            do {
                let creds = try NATSCredentials(contents: contents)
                jwt = creds.jwt
                keyPair = try Self.keyPair(seed: creds.seed, source: path)
            } catch let error as NATSError {
                throw error
            } catch {
                throw .invalidCredentials("\(path): \(error)")
            }
        }
    }

    private static func keyPair(seed: String, source: String) throws(NATSError) -> NKeyPair {
        do {
            return try NKeyPair(seed: seed)
        } catch {
            throw .invalidCredentials("\(source) is not a valid nkey seed: \(error)")
        }
    }

    private static func read(_ path: String, what: String) throws(NATSError) -> String {
        do {
            return try readTextFile(path)
        } catch {
            throw .invalidCredentials("cannot read \(what) \(path): \(error)")
        }
    }

    /// The CONNECT for this server: credentials from the URL win over the options, as in nats.go.
    func connectInfo(for info: ServerInfo, address: ServerAddress, options: NATSClientOptions) throws -> ConnectInfo {
        var connect = ConnectInfo(version: NATSClientVersion.current)
        connect.name = options.name
        connect.echo = options.echo
        connect.tlsRequired = info.tlsRequired || address.wantsTLS || options.tls.isConfigured
        if let user = address.user {
            connect.user = user
            connect.pass = address.password
        } else {
            connect.user = user
            connect.pass = password
            connect.authToken = token
        }
        if let keyPair {
            guard let nonce = info.nonce else {
                throw NATSError.invalidCredentials("the server sent no nonce to sign; is it configured for nkey/JWT auth?")
            }
            let signature = try keyPair.sign(Array(nonce.utf8))
            connect.sig = NKeyPair.base64URLNoPadding(signature)
            if let jwt { connect.jwt = jwt } else { connect.nkey = keyPair.publicKey }
        }
        return connect
    }
}

enum NATSClientVersion {
    static let current = "0.1.0"
}
