/// The header block of an `HPUB`/`HMSG`: an optional status line and `Name: value` pairs.
///
/// Names keep the case they were given; lookups ignore case, as nats-server and nats.go do.
/// A name may carry several values, kept in the order they were added.
public struct NATSHeaders: Sendable, Equatable, Sequence {
    /// The status from the first line (`NATS/1.0 503`), or nil for a plain `NATS/1.0`.
    public var status: NATSStatus?
    /// Every `(name, value)` pair in order, names as given.
    public private(set) var fields: [(name: String, value: String)]

    public init(status: NATSStatus? = nil) {
        self.status = status
        self.fields = []
    }

    public init(_ pairs: [(String, String)]) {
        self.status = nil
        self.fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    public var isEmpty: Bool { status == nil && fields.isEmpty }

    /// The first value for `name` (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        get { fields.first { $0.name.caseInsensitiveEquals(name) }?.value }
        set {
            remove(name)
            if let newValue { fields.append((name: name, value: newValue)) }
        }
    }

    /// Every value for `name` (case-insensitive), in order.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    /// Adds a value, keeping the ones already there.
    public mutating func append(_ value: String, for name: String) {
        fields.append((name: name, value: value))
    }

    /// Removes every value for `name` (case-insensitive).
    public mutating func remove(_ name: String) {
        fields.removeAll { $0.name.caseInsensitiveEquals(name) }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    public static func == (lhs: NATSHeaders, rhs: NATSHeaders) -> Bool {
        lhs.status == rhs.status && lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// The status of a message whose header line carries a code (`NATS/1.0 503`).
public struct NATSStatus: Sendable, Equatable, Hashable {
    public var code: Int
    public var description: String?

    public init(code: Int, description: String? = nil) {
        self.code = code
        self.description = description
    }

    /// 100: idle heartbeat or flow control request.
    public static let controlCode = 100
    /// 400: bad request.
    public static let badRequestCode = 400
    /// 404: no messages (pull request with no_wait).
    public static let noMessagesCode = 404
    /// 408: request timeout / interest expired.
    public static let requestTimeoutCode = 408
    /// 409: conflict (batch completed, consumer deleted, leadership change, max waiting, shutdown…).
    public static let conflictCode = 409
    /// 503: no responders for a request.
    public static let noRespondersCode = 503
}

extension String {
    @inlinable
    func caseInsensitiveEquals(_ other: String) -> Bool {
        self.utf8.count == other.utf8.count && self.lowercased() == other.lowercased()
    }
}
