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
        let dot = UInt8(ascii: ".")
        var tokenLength = 0
        var tokenFirst: UInt8 = 0
        var sawFullWildcard = false  // a finished `>` token: nothing may follow it

        // Judges the token that just ended.
        func tokenIsAllowed() -> Bool {
            guard tokenLength > 0, !sawFullWildcard else { return false }
            if tokenLength == 1 {
                switch tokenFirst {
                case UInt8(ascii: "*"):
                    return wildcards
                case UInt8(ascii: ">"):
                    sawFullWildcard = true
                    return wildcards
                default:
                    break
                }
            }
            return true
        }

        for byte in subject.utf8 {
            if isForbidden(byte) { return false }
            if byte == dot {
                guard tokenIsAllowed() else { return false }
                tokenLength = 0
            } else {
                if tokenLength == 0 { tokenFirst = byte }
                tokenLength += 1
            }
        }
        return tokenIsAllowed()
    }
}
