public import Foundation

/// A server time stamp (RFC 3339 with up to nanosecond precision, e.g. `2026-11-27T18:52:20.397562807Z`).
///
/// The text is kept exactly as the server sent it, so a value read from the server is sent back
/// unchanged; ``date`` parses it when needed.
public struct Timestamp: Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// Formats a date in UTC with nanosecond digits, as the server does.
    public init(_ date: Date) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let nanos = Int(((date.timeIntervalSince1970 - seconds) * 1_000_000_000).rounded())
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
        func pad(_ v: Int?, _ width: Int) -> String {
            let s = String(v ?? 0)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var text = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
        if nanos > 0 {
            var fraction = pad(min(nanos, 999_999_999), 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        rawValue = text + "Z"
    }

    /// The instant, or nil when the text is not RFC 3339. Go's zero time (`0001-01-01T00:00:00Z`)
    /// parses to year 1; check ``isZero`` for "never".
    public var date: Date? {
        // Split off the fraction ourselves: ISO8601DateFormatter only keeps milliseconds.
        var text = rawValue
        var fraction = 0.0
        if let dot = text.firstIndex(of: ".") {
            var end = text.index(after: dot)
            while end < text.endIndex, text[end].isNumber { end = text.index(after: end) }
            fraction = Double("0" + text[dot..<end]) ?? 0
            text.removeSubrange(dot..<end)
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let base = formatter.date(from: text) else { return nil }
        return base.addingTimeInterval(fraction)
    }

    /// Go's zero time: the server's way of saying "not set" (e.g. `first_ts` of an empty stream).
    public var isZero: Bool { rawValue.hasPrefix("0001-01-01T00:00:00") }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public var description: String { rawValue }
}
