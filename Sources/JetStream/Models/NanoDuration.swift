/// A duration as JetStream puts it on the wire: an integer count of nanoseconds.
///
/// Every duration in the models (`max_age`, `ack_wait`, `backoff`, `idle_heartbeat`, …) uses this
/// type, so values compare exactly as the server stores them (no floating point, no unit mix-ups).
public struct NanoDuration: Hashable, Sendable, Codable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public init(integerLiteral value: Int64) { nanoseconds = value }

    public init(_ duration: Duration) {
        let (s, atto) = duration.components
        nanoseconds = s * 1_000_000_000 + atto / 1_000_000_000
    }

    public static func seconds(_ s: Int64) -> NanoDuration { NanoDuration(nanoseconds: s * 1_000_000_000) }
    public static func milliseconds(_ ms: Int64) -> NanoDuration { NanoDuration(nanoseconds: ms * 1_000_000) }
    public static func minutes(_ m: Int64) -> NanoDuration { .seconds(m * 60) }
    public static let zero = NanoDuration(nanoseconds: 0)

    public var duration: Duration { .nanoseconds(nanoseconds) }

    public init(from decoder: any Decoder) throws {
        nanoseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(nanoseconds)
    }

    public static func < (a: NanoDuration, b: NanoDuration) -> Bool { a.nanoseconds < b.nanoseconds }

    /// `2m`, `5s`, `250ms`, `1500ns`: the largest whole unit.
    public var description: String {
        let n = nanoseconds
        if n != 0 && n % 3_600_000_000_000 == 0 { return "\(n / 3_600_000_000_000)h" }
        if n != 0 && n % 60_000_000_000 == 0 { return "\(n / 60_000_000_000)m" }
        if n != 0 && n % 1_000_000_000 == 0 { return "\(n / 1_000_000_000)s" }
        if n != 0 && n % 1_000_000 == 0 { return "\(n / 1_000_000)ms" }
        return "\(n)ns"
    }
}
