import Foundation

/// "Did you mean" for unknown keys and enum values: an alias table first, then edit distance.
enum Suggestions {
    /// The best known name for `word` among `candidates`, or nil when nothing is close.
    static func suggest(_ word: String, among candidates: [String], aliases: [String: String] = [:]) -> String? {
        let lowered = word.lowercased()
        if let alias = aliases[lowered], candidates.contains(alias) { return alias }
        let normalized = lowered.replacingOccurrences(of: "-", with: "_")
        if candidates.contains(normalized) { return normalized }
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let d = distance(normalized, candidate)
            if best == nil || d < best!.distance { best = (candidate, d) }
        }
        // Allow roughly one typo per three characters, at least one, so `dupe_window` is not matched to `deny_purge`.
        guard let best, best.distance <= max(1, min(word.count, best.name.count) / 3) else { return nil }
        return best.name
    }

    /// A declared name close to `word`, compared without case (names keep theirs: `ORDRES` → `ORDERS`).
    static func suggestName(_ word: String, among names: [String]) -> String? {
        let lowered = Dictionary(names.map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        return suggest(word, among: Array(lowered.keys)).flatMap { lowered[$0] }
    }

    /// Levenshtein distance over characters.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
