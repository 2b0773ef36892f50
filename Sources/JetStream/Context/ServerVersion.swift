/// A nats-server release, parsed from INFO's `version` (`2.10.25`, `2.12.0-RC.1`).
public struct ServerVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    public init?(_ text: String) {
        let core = text.split(separator: "-", maxSplits: 1).first ?? ""
        let parts = core.split(separator: ".").map { Int($0) }
        guard parts.count >= 2, let major = parts[0], let minor = parts[1] else { return nil }
        self.init(major: major, minor: minor, patch: parts.count > 2 ? (parts[2] ?? 0) : 0)
    }

    public static func < (a: Self, b: Self) -> Bool { (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
    public var description: String { "\(major).\(minor).\(patch)" }

    /// `pedantic` on stream and consumer creates/updates is understood from 2.11 on.
    public var supportsPedantic: Bool { self >= ServerVersion(major: 2, minor: 11, patch: 0) }
    /// `CONSUMER.CREATE.<stream>.<consumer>.<filter>` is understood from 2.9 on.
    public var supportsFilterInCreateSubject: Bool { self >= ServerVersion(major: 2, minor: 9, patch: 0) }
}
