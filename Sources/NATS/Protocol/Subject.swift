/// Checks on subject names, following nats-server: tokens are separated by `.`, none may be empty,
/// no whitespace or control characters anywhere, and `*` / `>` are wildcards only as whole tokens
/// (`a*b` is a literal token).
public enum Subject {
    /// A subject messages can be published to: non-empty tokens, no whitespace, no wildcard tokens.
    public static func isValidPublish(_ subject: String) -> Bool {
        validate(subject, wildcards: false)
    }

    /// A subject that can be subscribed to: like a publish subject, but `*` tokens are allowed
    /// anywhere and a `>` token as the last one.
    public static func isValidSubscribe(_ subject: String) -> Bool {
        validate(subject, wildcards: true)
    }

    /// A queue group name: non-empty, no whitespace or control characters.
    public static func isValidQueueGroup(_ queue: String) -> Bool {
        !queue.isEmpty && !queue.utf8.contains(where: isForbidden)
    }

    @inline(__always)
    private static func isForbidden(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == 0x7F
    }

    /// One pass, no allocation: this runs for every publish.
    private static func validate(_ subject: String, wildcards: Bool) -> Bool {
        if let result = subject.utf8.withContiguousStorageIfAvailable({ validate($0, wildcards: wildcards) }) {
            return result
        }
        return validate(Array(subject.utf8), wildcards: wildcards)
    }

    private static func validate(_ bytes: some Collection<UInt8>, wildcards: Bool) -> Bool {
        let dot = UInt8(ascii: ".")
        let star = UInt8(ascii: "*")
        let greater = UInt8(ascii: ">")
        var tokenLength = 0
        var tokenFirst: UInt8 = 0
        var afterFullWildcard = false  // a `>` token ended: nothing may follow it

        for byte in bytes {
            if isForbidden(byte) || afterFullWildcard { return false }
            if byte == dot {
                // Judge the token that just ended.
                if tokenLength == 0 { return false }
                if tokenLength == 1 && (tokenFirst == star || tokenFirst == greater) {
                    if !wildcards { return false }
                    afterFullWildcard = tokenFirst == greater
                }
                tokenLength = 0
            } else {
                if tokenLength == 0 { tokenFirst = byte }
                tokenLength += 1
            }
        }
        if tokenLength == 0 { return false }
        if tokenLength == 1 && (tokenFirst == star || tokenFirst == greater) && !wildcards { return false }
        return true
    }
}
