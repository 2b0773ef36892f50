/// One server to connect to, parsed from a URL such as `nats://user:pass@host:4222`, `tls://host`, or `host:4222`.
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// `tls://` asks for TLS even when the server does not require it.
    public var wantsTLS: Bool
    public var user: String?
    public var password: String?

    public init(host: String, port: Int = 4222, wantsTLS: Bool = false, user: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.wantsTLS = wantsTLS
        self.user = user
        self.password = password
    }

    /// Parses one URL. Accepted schemes: `nats`, `tls`, none. The port defaults to 4222.
    public init(parsing text: String) throws(NATSError) {
        var rest = Substring(text.trimmingSpaces())
        guard !rest.isEmpty else { throw .invalidURL(text, reason: "it is empty") }
        var tls = false
        if let range = rest.range(of: "://") {
            let scheme = rest[..<range.lowerBound].lowercased()
            switch scheme {
            case "nats": tls = false
            case "tls": tls = true
            default: throw .invalidURL(Self.redacted(text), reason: "scheme '\(scheme)' is not supported (use nats:// or tls://)")
            }
            rest = rest[range.upperBound...]
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var user: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let info = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = info.firstIndex(of: ":") {
                user = String(info[..<colon]).removingPercentEncodingIfPossible()
                password = String(info[info.index(after: colon)...]).removingPercentEncodingIfPossible()
            } else {
                user = String(info).removingPercentEncodingIfPossible()
            }
        }
        var host = rest
        var port = 4222
        if host.hasPrefix("[") {  // IPv6 literal
            guard let close = host.firstIndex(of: "]") else { throw .invalidURL(Self.redacted(text), reason: "unterminated IPv6 address") }
            let after = host[host.index(after: close)...]
            let inner = host[host.index(after: host.startIndex)..<close]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    throw .invalidURL(Self.redacted(text), reason: "the port is not a number from 1 to 65535")
                }
                port = p
            }
            host = inner
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]), (1...65535).contains(p) else {
                throw .invalidURL(Self.redacted(text), reason: "the port is not a number from 1 to 65535")
            }
            port = p
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw .invalidURL(Self.redacted(text), reason: "the host is missing") }
        self.init(host: String(host), port: port, wantsTLS: tls, user: user, password: password)
    }

    /// Parses a comma-separated list, as natscli's `url` field allows.
    public static func parseList(_ text: String) throws(NATSError) -> [ServerAddress] {
        var result: [ServerAddress] = []
        for part in text.split(separator: ",") where !part.trimmingSpaces().isEmpty {
            result.append(try ServerAddress(parsing: String(part)))
        }
        guard !result.isEmpty else { throw .invalidURL(text, reason: "no server URL given") }
        return result
    }

    /// `nats://host:port`, never with credentials.
    public var description: String { "\(wantsTLS ? "tls" : "nats")://\(host.contains(":") ? "[\(host)]" : host):\(port)" }

    /// The same URL with any password replaced, for error messages.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text.lastIndex(of: "@"), at > scheme.upperBound else { return text }
        let info = text[scheme.upperBound..<at]
        guard let colon = info.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    /// Same host and port (credentials and scheme aside): used to merge `connect_urls` into the pool.
    func sameEndpoint(as other: ServerAddress) -> Bool {
        port == other.port && Self.normalisedHost(host) == Self.normalisedHost(other.host)
    }

    private static func normalisedHost(_ host: String) -> String {
        let lower = host.lowercased()
        return lower == "localhost" ? "127.0.0.1" : lower
    }
}

extension StringProtocol {
    func trimmingSpaces() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return s
    }
}

extension String {
    /// Decodes `%XX` escapes (as in URL user info); leaves the text as it is when they are malformed.
    func removingPercentEncodingIfPossible() -> String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var it = Array(utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "%"), it.count >= 2,
               let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
