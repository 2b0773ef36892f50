import Foundation
public import Topology

/// A monitoring-plugin status: the exit code of `jetform check`.
public enum CheckStatus: Int, Sendable, Hashable, Comparable, Codable, CaseIterable {
    case ok = 0
    case warning = 1
    case critical = 2
    /// The check could not be made (no connection, a bad file).
    case unknown = 3

    /// `OK`, `WARNING`, `CRITICAL`, `UNKNOWN`.
    public var label: String {
        switch self {
        case .ok: return "OK"
        case .warning: return "WARNING"
        case .critical: return "CRITICAL"
        case .unknown: return "UNKNOWN"
        }
    }

    public static func < (lhs: CheckStatus, rhs: CheckStatus) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a finding or a measurement is about: a stream, a consumer, or a bucket (its stream `KV_<b>`/`OBJ_<b>`).
public struct CheckResource: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        case stream, consumer, kv, objectStore = "object_store"
        /// The file as a whole (a plan error about no one resource).
        case topology
    }

    public var kind: Kind
    /// The stream (a bucket's stream for buckets).
    public var stream: String
    /// The consumer's name.
    public var consumer: String?
    /// The bucket's name.
    public var bucket: String?

    public static func stream(_ name: String) -> CheckResource { CheckResource(kind: .stream, stream: name) }
    public static func consumer(_ stream: String, _ name: String) -> CheckResource {
        CheckResource(kind: .consumer, stream: stream, consumer: name)
    }
    public static func topology(_ name: String) -> CheckResource { CheckResource(kind: .topology, stream: name) }
    public static func bucket(_ bucket: BucketSpec) -> CheckResource {
        CheckResource(kind: bucket.kind == .kv ? .kv : .objectStore, stream: bucket.streamName, bucket: bucket.name)
    }

    public init(kind: Kind, stream: String, consumer: String? = nil, bucket: String? = nil) {
        self.kind = kind
        self.stream = stream
        self.consumer = consumer
        self.bucket = bucket
    }

    /// `stream ORDERS`, `consumer ORDERS.runners`, `kv CONFIG`, `object store FILES`.
    public var description: String {
        switch kind {
        case .stream: return "stream \(stream)"
        case .consumer: return "consumer \(stream).\(consumer ?? "")"
        case .kv: return "kv \(bucket ?? stream)"
        case .objectStore: return "object store \(bucket ?? stream)"
        case .topology: return "topology \(stream)"
        }
    }

    public static func < (lhs: CheckResource, rhs: CheckResource) -> Bool {
        (lhs.stream, lhs.consumer ?? "") < (rhs.stream, rhs.consumer ?? "")
    }
}

/// One thing `jetform check` found wrong (or, for thresholds, measured against the file).
public struct CheckFinding: Sendable, Hashable {
    /// What was checked.
    public enum Check: String, Sendable, Hashable, Codable {
        /// The resource exists.
        case exists
        /// Its config is the file's (an empty plan for it).
        case drift
        /// The plan for it has an error (owned by another topology, a field the server lacks, …).
        case plan
        /// It has a leader.
        case leader
        /// Every replica is there and current.
        case replicas
        /// A consumer is not paused unless the file pauses it.
        case paused
        /// A `check:` threshold; `metric` says which.
        case threshold
    }

    public var status: CheckStatus
    public var resource: CheckResource
    public var check: Check
    /// For thresholds: the metric, the value measured and the threshold it is above.
    public var metric: CheckMetric?
    public var value: Int64?
    public var threshold: Int64?
    /// For `lag`: the mirror or source measured.
    public var source: String?
    /// For replicas: the peer (server) that is offline or behind.
    public var peer: String?
    /// What is wrong, after the resource: `pending 150 is above warn 100`.
    public var message: String
    /// Where the file declares what was checked (the threshold, the resource).
    public var location: SourceLocation?

    public init(_ status: CheckStatus, _ resource: CheckResource, _ check: Check, _ message: String,
                metric: CheckMetric? = nil, value: Int64? = nil, threshold: Int64? = nil, source: String? = nil,
                peer: String? = nil, at location: SourceLocation? = nil) {
        self.status = status
        self.resource = resource
        self.check = check
        self.metric = metric
        self.value = value
        self.threshold = threshold
        self.source = source
        self.peer = peer
        self.message = message
        self.location = location
    }

    /// `WARNING consumer ORDERS.runners: pending 150 is above warn 100`.
    public var line: String { "\(status.label) \(resource): \(message)" }
}

/// One value measured on a declared resource, with the thresholds the file sets for it.
public struct CheckMeasurement: Sendable, Hashable {
    public var resource: CheckResource
    public var metric: CheckMetric
    /// Counts, bytes, or nanoseconds (`last_active`).
    public var value: Int64
    public var warn: Int64?
    public var crit: Int64?
    /// For `lag`: the mirror's or source's stream name.
    public var source: String?

    public init(resource: CheckResource, metric: CheckMetric, value: Int64, warn: Int64? = nil, crit: Int64? = nil,
                source: String? = nil) {
        self.resource = resource
        self.metric = metric
        self.value = value
        self.warn = warn
        self.crit = crit
        self.source = source
    }

    /// What the value is against its thresholds.
    public var status: CheckStatus {
        if let crit, value > crit { return .critical }
        if let warn, value > warn { return .warning }
        return .ok
    }
}

/// What `jetform check` found: the findings (worst first), every value measured, and what was checked.
public struct CheckReport: Sendable, Hashable {
    public var topology: String
    public var findings: [CheckFinding]
    public var measurements: [CheckMeasurement]
    /// Declared resources checked.
    public var streams: Int
    public var consumers: Int
    public var buckets: Int

    public init(topology: String, findings: [CheckFinding], measurements: [CheckMeasurement], streams: Int, consumers: Int,
                buckets: Int) {
        self.topology = topology
        self.findings = findings
        self.measurements = measurements
        self.streams = streams
        self.consumers = consumers
        self.buckets = buckets
    }

    /// The worst finding's status; OK without findings.
    public var status: CheckStatus { findings.map(\.status).max() ?? .ok }

    /// `2 streams, 2 consumers, 1 bucket`.
    public var scope: String {
        func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        var parts = [count(streams, "stream", "streams"), count(consumers, "consumer", "consumers")]
        if buckets > 0 { parts.append(count(buckets, "bucket", "buckets")) }
        return parts.joined(separator: ", ")
    }
}
