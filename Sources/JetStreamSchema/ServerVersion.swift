/// A nats-server release: from INFO's `version` (`2.10.25`, `2.12.0-RC.1`), or a field's "added in"
/// release (`2.11`).
public struct ServerVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    public init(major: Int, minor: Int, patch: Int) { self.init(major, minor, patch) }

    /// Parses `2.11`, `2.12.3`, `v2.10.0-beta`, `2.12.0-RC.1` (anything after the numbers is ignored).
    public init?(_ text: String) {
        let trimmed = text.hasPrefix("v") ? text.dropFirst() : Substring(text)
        let numbers = trimmed.prefix { ("0"..."9").contains($0) || $0 == "." }
            .split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard numbers.count >= 2, numbers.count <= 3, numbers.allSatisfy({ $0 != nil }) else { return nil }
        self.init(numbers[0]!, numbers[1]!, numbers.count == 3 ? numbers[2]! : 0)
    }

    /// The oldest release jetform supports; fields without a `since` exist there.
    public static let baseline = ServerVersion(2, 10)

    /// `2.11` for a line's first release, `2.12.5` otherwise.
    public var description: String { patch == 0 ? "\(major).\(minor)" : "\(major).\(minor).\(patch)" }
    /// Always three numbers: `2.11.0`.
    public var fullDescription: String { "\(major).\(minor).\(patch)" }

    public static func < (lhs: ServerVersion, rhs: ServerVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    /// `pedantic` on stream and consumer creates and updates is understood from 2.11 on.
    public var supportsPedantic: Bool { self >= ServerVersion(2, 11) }
    /// `CONSUMER.CREATE.<stream>.<consumer>.<filter>` is understood from 2.9 on.
    public var supportsFilterInCreateSubject: Bool { self >= ServerVersion(2, 9) }
    /// `$JS.API.CONSUMER.PAUSE.<stream>.<consumer>` exists from 2.11 on.
    public var supportsConsumerPause: Bool { self >= ServerVersion(2, 11) }
}
