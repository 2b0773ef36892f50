import Foundation

/// Byte sizes as people write them: `512MB`, `1GiB`, `64K`, or plain bytes.
///
/// Like the nats-server configuration file, `KB`/`MB`/`GB`/`TB` are powers of 1024, the same as
/// `KiB`/`MiB`/`GiB`/`TiB`, so `1GB` here is the `1GB` an operator sees in `nats-server.conf`.
public enum ByteSizeText {
    private static let units: [(suffixes: [String], factor: Double)] = [
        (["b"], 1),
        (["k", "kb", "kib"], 1024),
        (["m", "mb", "mib"], 1024 * 1024),
        (["g", "gb", "gib"], 1024 * 1024 * 1024),
        (["t", "tb", "tib"], 1024 * 1024 * 1024 * 1024),
    ]

    /// Parses a size into bytes; nil when it is not a size. Does not accept `-1`/`unlimited`; callers that
    /// allow "no limit" check for those first.
    public static func parse(_ text: String) -> Int64? {
        let s = trimmedOfSpaces(text)
        if s.isEmpty { return nil }
        if s.allSatisfy(\.isASCIIDigit) { return Int64(s) }
        let number = s.prefix { $0.isASCIIDigit || $0 == "." }
        let suffix = trimmedOfSpaces(s.dropFirst(number.count)).lowercased()
        guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, let value = Double(number),
              let unit = units.first(where: { $0.suffixes.contains(suffix) }) else { return nil }
        let bytes = value * unit.factor
        guard bytes < 9.2e18, bytes == bytes.rounded(.down) else { return nil }
        return Int64(bytes)
    }

    /// Renders bytes compactly for messages: `512MiB`, `1GiB`, `1000` (exact values only).
    public static func format(_ bytes: Int64) -> String {
        for (suffix, factor) in [("TiB", Int64(1) << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes != 0 && bytes % factor == 0 {
            return "\(bytes / factor)\(suffix)"
        }
        return String(bytes)
    }
}
