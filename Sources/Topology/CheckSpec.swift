public import JetStreamSchema

/// What a `check:` threshold measures. The one table of health metrics: the loader, the JSON Schema and
/// `jetform check` all read it. Higher is worse for every metric: above `warn` is a warning, above
/// `crit` critical.
public enum CheckMetric: String, Sendable, Hashable, CaseIterable, Codable {
    /// Messages the consumer has not delivered yet (`num_pending`).
    case pending
    /// Messages delivered and not acknowledged yet (`num_ack_pending`).
    case ackPending = "ack_pending"
    /// Messages delivered more than once and not acknowledged yet (`num_redelivered`).
    case redelivered
    /// Pull requests waiting for messages (`num_waiting`).
    case waiting
    /// Time since the consumer last delivered a message (`delivered.last_active`; since its creation when
    /// it never delivered).
    case lastActive = "last_active"
    /// Messages the stream holds (`state.messages`).
    case messages
    /// Bytes the stream holds (`state.bytes`).
    case bytes
    /// How many messages a mirror or source is behind its origin (`mirror.lag`, `sources[].lag`).
    case lag

    /// How a measured value and its thresholds are written.
    public enum Unit: String, Sendable, Hashable {
        /// A count.
        case count
        /// Bytes (thresholds written as sizes: `512MB`).
        case bytes
        /// Nanoseconds (thresholds written as durations: `5m`).
        case duration
    }

    /// Metrics of a consumer's `check:`.
    public static let consumer: [CheckMetric] = [.pending, .ackPending, .redelivered, .waiting, .lastActive]
    /// Metrics of a stream's or bucket's `check:`.
    public static let stream: [CheckMetric] = [.messages, .bytes, .lag]

    public var unit: Unit {
        switch self {
        case .bytes: return .bytes
        case .lastActive: return .duration
        default: return .count
        }
    }

    /// Whether it is measured on consumers (else on streams and buckets).
    public var isConsumerMetric: Bool { Self.consumer.contains(self) }

    /// One line for people (shown in editors through the JSON Schema).
    public var doc: String {
        switch self {
        case .pending: return "Messages the consumer has not delivered yet (num_pending)."
        case .ackPending: return "Messages delivered and not acknowledged yet (num_ack_pending)."
        case .redelivered: return "Messages delivered more than once and not acknowledged yet (num_redelivered)."
        case .waiting: return "Pull requests waiting for messages (num_waiting)."
        case .lastActive: return "Time since the consumer last delivered a message (delivered.last_active; since it was created when it never did)."
        case .messages: return "Messages the stream holds (state.messages)."
        case .bytes: return "Bytes the stream holds (state.bytes)."
        case .lag: return "Messages a mirror or source is behind its origin (mirror.lag, sources[].lag)."
        }
    }

    /// What `warn` and `crit` hold: counts, sizes or durations, never negative.
    public var thresholdKind: FieldKind {
        switch unit {
        case .count: return .integer(min: 0, max: .max, unlimited: false)
        case .bytes: return .size(max: .max, unlimited: false)
        case .duration: return .duration(unlimitedIsZero: false)
        }
    }

    /// A value of this metric as people write it: `150`, `512MiB`, `5m`.
    public func format(_ value: Int64) -> String {
        switch unit {
        case .count: return String(value)
        case .bytes: return ByteSizeText.format(value)
        case .duration: return DurationText.format(value)
        }
    }
}

/// One metric's thresholds under `check:`. A measured value above `warn` is a warning, above `crit` critical.
public struct CheckThreshold: Sendable, Hashable {
    public var metric: CheckMetric
    /// Wire units: counts, bytes, nanoseconds.
    public var warn: Int64?
    public var crit: Int64?
    /// Where the metric's key was written.
    public var location: SourceLocation

    public init(metric: CheckMetric, warn: Int64?, crit: Int64?, location: SourceLocation) {
        self.metric = metric
        self.warn = warn
        self.crit = crit
        self.location = location
    }
}

/// The `check:` section of a stream, consumer or bucket: health thresholds for `jetform check`. jetform's
/// own — never part of the config sent to the server, and never drift.
public struct CheckSpec: Sendable, Hashable {
    /// In file order.
    public var thresholds: [CheckThreshold]
    /// Where `check` was written.
    public var location: SourceLocation

    public init(thresholds: [CheckThreshold], location: SourceLocation) {
        self.thresholds = thresholds
        self.location = location
    }

    /// The thresholds of `metric`, if declared.
    public func threshold(_ metric: CheckMetric) -> CheckThreshold? { thresholds.first { $0.metric == metric } }
}
