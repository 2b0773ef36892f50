import Foundation

/// `text` without the spaces and tabs around it (what `trimmingCharacters(in: .whitespaces)` drops,
/// without the trip through NSString: 7% of building the specs of a 1,000-stream file went there).
func trimmedOfSpaces(_ text: some StringProtocol) -> Substring {
    func isSpace(_ c: Character) -> Bool {
        c.unicodeScalars.allSatisfy { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
    }
    let text = Substring(text)
    guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else { return "" }
    return text[first...last]
}

/// Go-style durations (`1h30m`, `500ms`, `1.5s`) and plain integers (nanoseconds), as JetStream sends them.
public enum DurationText {
    private static let units: [(suffix: String, nanos: Double)] = [
        // Longest suffixes first so `ms` is not read as `m` followed by garbage.
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("μs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    /// Parses a duration into nanoseconds; nil when the text is not a duration or does not fit in 64 bits.
    /// Negative durations are refused: no JetStream duration field means anything by them.
    public static func parse(_ text: String) -> Int64? {
        let s = trimmedOfSpaces(text)
        if s.isEmpty { return nil }
        if s.allSatisfy(\.isASCIIDigit) { return Int64(s) }
        var rest = Substring(s)
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCIIDigit || $0 == "." }
            guard !number.isEmpty, number != ".", number.filter({ $0 == "." }).count <= 1,
                  let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            // Reject `5msx` style junk: after a unit comes a digit or the end.
            rest = rest.dropFirst(unit.suffix.count)
            if let next = rest.first, !next.isASCIIDigit { return nil }
            total += value * unit.nanos
        }
        guard total < 9.2e18 else { return nil }
        return Int64(total.rounded())
    }

    /// Renders nanoseconds the way people write them: `5s`, `1h30m`, `250ms`, `0s`.
    public static func format(_ nanos: Int64) -> String {
        if nanos == 0 { return "0s" }
        if nanos < 0 { return "-" + format(-nanos) }
        if nanos % 1_000_000_000 != 0 {
            if nanos % 1_000_000 == 0 { return "\(nanos / 1_000_000)ms" }
            if nanos % 1_000 == 0 { return "\(nanos / 1_000)us" }
            return "\(nanos)ns"
        }
        var seconds = nanos / 1_000_000_000
        var out = ""
        if seconds >= 3600 { out += "\(seconds / 3600)h"; seconds %= 3600 }
        if seconds >= 60 { out += "\(seconds / 60)m"; seconds %= 60 }
        if seconds > 0 { out += "\(seconds)s" }
        return out
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
