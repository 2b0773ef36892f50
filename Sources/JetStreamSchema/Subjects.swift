/// NATS subject rules: dot-separated tokens, `*` matches one token, `>` matches one or more at the end.
public enum Subjects {
    /// Why a subject is invalid, as a phrase that fits after "subject 'x' ".
    public static func problem(_ subject: String, wildcards: Bool) -> (what: String, fix: String)? {
        if subject.isEmpty { return ("is empty", "write a subject like orders.new") }
        // Bytes, not characters: the validator checks every subject of every stream and consumer.
        let ascii = subject.utf8.allSatisfy { $0 < 0x80 }
        let blank = ascii ? subject.utf8.contains { $0 <= 0x20 || $0 == 0x7f }
            : subject.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }
        if blank {
            return ("contains spaces or control characters", "remove them; tokens are separated by dots")
        }
        let star = UInt8(ascii: "*"), greater = UInt8(ascii: ">")
        let tokens = subject.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if tokens.contains(where: \.isEmpty) {
            return ("has an empty token", "remove the leading, trailing or doubled dot")
        }
        for (i, token) in tokens.enumerated() {
            let single = token.count == 1 ? token.first : nil
            if token.count > 1 && token.contains(where: { $0 == star || $0 == greater }) {
                return ("has a wildcard inside token '\(String(decoding: token, as: UTF8.self))'",
                        "a wildcard must be a whole token: use '*' for one token or '>' for the rest")
            }
            if single == greater && i != tokens.count - 1 {
                return ("has '>' before the last token", "'>' may only be the last token; use '*' in the middle")
            }
            if !wildcards && (single == star || single == greater) {
                return ("has a wildcard where a literal subject is needed", "write the exact subject, without '*' or '>'")
            }
        }
        return nil
    }

    /// Whether `subject` is a valid subject (wildcards allowed when `wildcards` is true).
    public static func isValid(_ subject: String, wildcards: Bool = true) -> Bool {
        problem(subject, wildcards: wildcards) == nil
    }

    /// Whether `subject` contains a `*` or `>` token.
    public static func hasWildcard(_ subject: String) -> Bool {
        var tokens = Tokens(subject)
        while let token = tokens.next() { if token.isStar || token.isFull { return true } }
        return false
    }

    /// Whether some literal subject matches both patterns.
    public static func overlap(_ a: String, _ b: String) -> Bool {
        var x = Tokens(a), y = Tokens(b)
        while true {
            switch (x.next(), y.next()) {
            case (nil, nil): return true
            case (nil, _), (_, nil): return false
            case let (p?, q?):
                if p.isFull || q.isFull { return true }
                if !p.isStar && !q.isStar && !p.bytes.elementsEqual(q.bytes) { return false }
            }
        }
    }

    /// Whether every subject `a` matches is also matched by `b` (`a.b` ⊆ `a.*` ⊆ `a.>`).
    public static func isSubset(_ a: String, of b: String) -> Bool {
        var x = Tokens(a), y = Tokens(b)
        while let token = y.next() {
            let mine = x.next()
            if token.isFull { return mine != nil }
            guard let mine, !mine.isFull else { return false }
            if token.isStar { continue }
            if !mine.bytes.elementsEqual(token.bytes) { return false }
        }
        return x.next() == nil
    }

    /// The dot-separated tokens of a subject, as slices of its bytes: the comparisons above run for every
    /// subject of every stream in a plan, so they allocate nothing.
    struct Tokens {
        struct Token {
            var bytes: Substring.UTF8View
            var isStar: Bool { bytes.count == 1 && bytes.first == UInt8(ascii: "*") }
            var isFull: Bool { bytes.count == 1 && bytes.first == UInt8(ascii: ">") }
        }
        private let utf8: Substring.UTF8View
        private var position: Substring.UTF8View.Index?

        init(_ subject: String) {
            utf8 = Substring(subject).utf8
            position = utf8.startIndex
        }

        mutating func next() -> Token? {
            guard let start = position else { return nil }
            if let dot = utf8[start...].firstIndex(of: UInt8(ascii: ".")) {
                position = utf8.index(after: dot)
                return Token(bytes: utf8[start..<dot])
            }
            position = nil
            return Token(bytes: utf8[start...])
        }
    }
}

/// Naming rules for streams, consumers and contexts.
public enum Names {
    /// nats-server's `JSMaxNameLen`.
    public static let maxLength = 255

    /// Why a stream or consumer name is invalid (nats-server `isValidName` plus path separators
    /// and non-printable characters, which the server refuses or which break file storage).
    public static func assetNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.count > maxLength { return "is longer than \(maxLength) characters" }
        if name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }) {
            return "contains whitespace or non-printable characters"
        }
        if let bad = name.first(where: { ".*>/\\".contains($0) }) {
            return "contains '\(bad)'"
        }
        return nil
    }

    /// Why a Key-Value or object store bucket name is invalid: the clients allow `^[a-zA-Z0-9_-]+$`.
    public static func bucketNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if let bad = name.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-")) }) {
            return "contains '\(bad)'"
        }
        if name.count + 3 > maxLength { return "is longer than \(maxLength - 3) characters" }
        return nil
    }

    /// Why a Key-Value key is invalid: the clients allow `^[-/_=.a-zA-Z0-9]+$` without a leading or
    /// trailing `.` (nats.go `keyValid`); the key is the last tokens of a subject, so `..` (an empty
    /// token) is refused too.
    public static func keyProblem(_ key: String) -> String? {
        if key.isEmpty { return "is empty" }
        if let bad = key.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "-/_=.".contains($0))) }) {
            return "contains '\(bad)'"
        }
        if key.hasPrefix(".") || key.hasSuffix(".") { return "starts or ends with '.'" }
        if key.contains("..") { return "contains '..' (an empty subject token)" }
        return nil
    }

    /// Why a natscli context name is invalid; natscli stores `<name>.json` in a folder.
    public static func contextNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.contains("..") { return "contains '..'" }
        if let bad = name.first(where: { "/\\".contains($0) }) { return "contains '\(bad)'" }
        if name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }) {
            return "contains whitespace or non-printable characters"
        }
        return nil
    }

    /// Whether a stream or consumer name is valid.
    public static func isValidAssetName(_ name: String) -> Bool { assetNameProblem(name) == nil }
    /// Whether a natscli context name is valid.
    public static func isValidContextName(_ name: String) -> Bool { contextNameProblem(name) == nil }
}
