public import JetStreamSchema
import Topology

/// Prints config values the way people write them in `topology.yaml`: durations `5s`/`1h30m`, sizes
/// `512MiB`, `unlimited` for -1 (and for a 0 `max_age`), subjects and enums bare, text quoted.
/// Uses the Topology target's `DurationText` and `ByteSizeText`.
public enum ValueFormatter {
    /// The value of field `path` of a stream or consumer; nil means "not set" and prints as the server's
    /// zero value for scalars (`false`, `0s`, `unlimited`) or `(none)` for the rest.
    public static func format(_ value: JSONValue?, path: String, kind: ResourceKind) -> String {
        format(value, as: FieldLookup.kind(of: path, in: kind))
    }

    static func format(_ value: JSONValue?, as kind: FieldKind?) -> String {
        guard let value, value != .null else { return unset(kind) }
        switch (kind, value) {
        case (.duration(let unlimitedIsZero)?, .int(let n)):
            if n == 0 && unlimitedIsZero { return "unlimited" }
            return n < 0 ? "unlimited" : DurationText.format(n)
        case (.size?, .int(let n)):
            return n < 0 ? "unlimited" : ByteSizeText.format(n)
        case (.integer(_, _, let unlimited)?, .int(let n)):
            return unlimited && n == -1 ? "unlimited" : String(n)
        case (.durationList?, .array(let items)):
            return "[" + items.map { format($0, as: .duration(unlimitedIsZero: false)) }.joined(separator: ", ") + "]"
        case (.subjectList?, .array(let items)), (.stringList?, .array(let items)):
            return "[" + items.map { format($0, as: .subject(wildcards: true)) }.joined(separator: ", ") + "]"
        case (.object(let fields)?, .object(let o)), (.objectList(let fields)?, .object(let o)):
            return "{" + o.members.map { "\($0.key): \(format($0.value, as: FieldCatalog.field($0.key, in: fields)?.kind))" }
                .joined(separator: ", ") + "}"
        case (.objectList?, .array(let items)):
            return "[" + items.map { format($0, as: kind) }.joined(separator: ", ") + "]"
        case (.stringMap?, .object(let o)):
            return "{" + o.members.map { "\($0.key): \(compact($0.value))" }.joined(separator: ", ") + "}"
        case (_, .string(let s)):
            return isBare(s) ? s : value.jsonString(pretty: false)
        default:
            return compact(value)
        }
    }

    private static func unset(_ kind: FieldKind?) -> String {
        switch kind {
        case .bool?: return "false"
        case .duration(let unlimitedIsZero)?: return unlimitedIsZero ? "unlimited" : "0s"
        case .integer?, .size?: return "0"
        default: return "(none)"
        }
    }

    /// Strings that read unambiguously without quotes: no spaces, separators or leading/trailing oddities.
    private static func isBare(_ s: String) -> Bool {
        !s.isEmpty && !s.contains { " ,:[]{}\"'#\n\t".contains($0) }
    }

    private static func compact(_ value: JSONValue) -> String {
        switch value {
        case .array(let items): return "[" + items.map(compact).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.members.map { "\($0.key): \(compact($0.value))" }.joined(separator: ", ") + "}"
        case .string(let s): return isBare(s) ? s : value.jsonString(pretty: false)
        default: return value.jsonString(pretty: false)
        }
    }

    /// `1,204 messages, 3.1 MB` (sizes in powers of 1024, as `topology.yaml` reads them).
    public static func holdings(_ holds: StreamHoldings) -> String {
        "\(grouped(holds.messages)) message\(holds.messages == 1 ? "" : "s"), \(approximateSize(holds.bytes))"
    }

    /// `1,204`.
    public static func grouped(_ n: UInt64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }

    /// `512 B`, `3.1 MB`, `12 GB`: one decimal below 10, none above.
    public static func approximateSize(_ bytes: UInt64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let rounded = value < 10 ? (value * 10).rounded() / 10 : value.rounded()
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
        return "\(text) \(units[unit])"
    }

    /// `30s`, `1.5s`, `2m`: a wait or expiry for people.
    public static func seconds(_ value: Double) -> String {
        if value >= 120 && value.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(value / 60))m" }
        if value == value.rounded() { return "\(Int(value))s" }
        return String(format: "%.1fs", value)
    }

    /// ``seconds(_:)-(Double)`` for a `Duration`.
    public static func seconds(_ duration: Duration) -> String {
        seconds(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
