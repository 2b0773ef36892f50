/// `${VAR}` and `${VAR:-default}` in string values; `$$` is a literal dollar.
///
/// The environment is passed in rather than read from the process so tests stay hermetic and the
/// CLI decides what the environment is.
enum VariableExpansion {
    enum Problem: Equatable {
        /// `${NAME}` with NAME unset and no default.
        case unset(name: String, offset: Int)
        /// `${` without a closing brace, or a bad name.
        case malformed(offset: Int)
    }

    /// Expands `text`; returns the result or the problems found (offsets count Unicode scalars into `text`).
    static func expand(_ text: String, environment: [String: String]) -> (value: String, problems: [Problem]) {
        guard text.unicodeScalars.contains("$") else { return (text, []) }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var problems: [Problem] = []
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            guard c == "$", i + 1 < scalars.count else { out.append(c); i += 1; continue }
            if scalars[i + 1] == "$" { out.append("$"); i += 2; continue }
            guard scalars[i + 1] == "{" else { out.append(c); i += 1; continue }
            guard let close = scalars[(i + 2)...].firstIndex(of: "}") else {
                problems.append(.malformed(offset: i))
                return (String(out), problems)
            }
            let inner = String(String.UnicodeScalarView(scalars[(i + 2)..<close]))
            let name: String, fallback: String?
            if let range = inner.range(of: ":-") {
                name = String(inner[..<range.lowerBound])
                fallback = String(inner[range.upperBound...])
            } else {
                name = inner
                fallback = nil
            }
            if !isValidName(name) {
                problems.append(.malformed(offset: i))
            } else if let value = environment[name], !(value.isEmpty && fallback != nil) {
                // Like the shell, `:-` also applies when the variable is set but empty.
                out.append(contentsOf: value.unicodeScalars)
            } else if let fallback {
                out.append(contentsOf: fallback.unicodeScalars)
            } else {
                problems.append(.unset(name: name, offset: i))
            }
            i = close + 1
        }
        return (String(out), problems)
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0)
        }
    }
}
