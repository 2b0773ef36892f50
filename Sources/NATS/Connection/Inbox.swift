/// Unique tokens for inboxes and request ids: 22 random base-62 characters, like nats.go's NUID.
enum Inbox {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    static func uniqueToken(length: Int = 22) -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<length).map { _ in alphabet[Int(rng.next(upperBound: UInt8(alphabet.count)))] }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A short token for the n-th request on a connection (base 36).
    static func requestToken(_ n: UInt64) -> String {
        String(n, radix: 36)
    }
}
