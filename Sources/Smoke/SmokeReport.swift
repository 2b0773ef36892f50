public import Histogram

/// The outcome of `jetform smoke`: one entry per scenario that ran. Encodes as the `--json` output.
public struct SmokeReport: Codable, Sendable, Hashable {
    /// The run id carried in every payload and message id of this run.
    public var runId: String
    public var scenarios: [ScenarioReport]

    public init(runId: String, scenarios: [ScenarioReport]) {
        self.runId = runId
        self.scenarios = scenarios
    }

    /// True when every scenario passed (lost and unexpected zero, checks passed).
    public var passed: Bool { !scenarios.isEmpty && scenarios.allSatisfy(\.passed) }

    enum CodingKeys: String, CodingKey { case runId = "run_id", scenarios, passed }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(runId, forKey: .runId)
        try c.encode(scenarios, forKey: .scenarios)
        try c.encode(passed, forKey: .passed)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        runId = try c.decode(String.self, forKey: .runId)
        scenarios = try c.decode([ScenarioReport].self, forKey: .scenarios)
    }
}

/// The smoke scenarios.
public enum ScenarioKind: String, Codable, Sendable, CaseIterable, Hashable {
    case durable, pubsub, queue, request, kv

    public var title: String {
        switch self {
        case .durable: "durable request/response"
        case .pubsub: "pub/sub"
        case .queue: "work queue (queue group)"
        case .request: "request/reply"
        case .kv: "key-value"
        }
    }
}

/// One scenario's figures and verdict.
public struct ScenarioReport: Codable, Sendable, Hashable {
    public var scenario: ScenarioKind
    /// The path messages took, e.g. `REQUESTS → workers → RESPONSES → producers`.
    public var flow: String
    public var count: Int
    /// Deliveries expected per message (subscribers for pub/sub, else 1).
    public var fanOut: Int
    public var sent: Int
    public var acknowledged: Int
    public var answered: Int
    public var lost: Int
    public var unexpected: Int
    public var duplicated: Int
    public var expired: Int
    public var redelivered: Int
    public var stale: Int
    public var outOfOrder: Int
    public var publishFailures: Int
    /// Who handled (durable, queue) or received (pub/sub) how many.
    public var workers: [WorkerShare]
    /// First answers per second.
    public var throughput: Double
    public var durationSeconds: Double
    public var latency: LatencySummary?
    public var histogram: [LatencyBucket]
    /// Extra checks with their own verdicts: no responders, redelivery time, unavailability window.
    public var checks: [ScenarioCheck]
    public var notes: [String]
    /// Why the scenario could not run to the end, if it could not.
    public var error: String?
    /// Bytes the checker's records took.
    public var recordBytes: Int

    /// Lost and unexpected are zero, every check passed, no error.
    public var passed: Bool { error == nil && lost == 0 && unexpected == 0 && checks.allSatisfy(\.passed) }

    /// Figures from a checker's records.
    public init(scenario: ScenarioKind, flow: String, checker: Checker, workerNames: [String], durationSeconds: Double,
                checks: [ScenarioCheck] = [], notes: [String] = [], error: String? = nil, useSlots: Bool = false) {
        self.scenario = scenario
        self.flow = flow
        count = checker.count
        fanOut = checker.fanOut
        sent = checker.sent
        acknowledged = checker.acknowledged
        answered = checker.answered
        lost = checker.lost
        unexpected = checker.unexpected
        duplicated = checker.duplicated
        expired = checker.expired
        redelivered = checker.redeliveries
        stale = checker.stale
        // Order is promised per publisher to each subscriber; concurrent requests and workers have none.
        outOfOrder = scenario == .pubsub ? checker.outOfOrder : 0
        publishFailures = checker.publishFailures
        let counts = useSlots ? checker.answeredPerSlot : checker.handledPerWorker
        let total = max(1, counts.reduce(0, +))
        workers = counts.enumerated().map { i, n in
            WorkerShare(name: i < workerNames.count ? workerNames[i] : "w\(i + 1)", count: n, percent: Double(n) * 100 / Double(total))
        }
        throughput = checker.throughput
        self.durationSeconds = durationSeconds
        latency = checker.latency.totalCount > 0 ? LatencySummary(checker.latency) : nil
        histogram = LatencyBucket.buckets(checker.latency)
        self.checks = checks
        self.notes = notes
        self.error = error
        recordBytes = checker.footprintBytes
    }

    /// A scenario that failed before producing figures.
    public static func failed(_ scenario: ScenarioKind, flow: String, error: String) -> ScenarioReport {
        ScenarioReport(scenario: scenario, flow: flow, checker: Checker(count: 0), workerNames: [], durationSeconds: 0, error: error)
    }

    enum CodingKeys: String, CodingKey {
        case scenario, flow, count, fanOut = "fan_out", sent, acknowledged, answered, lost, unexpected, duplicated, expired
        case redelivered, stale, outOfOrder = "out_of_order", publishFailures = "publish_failures", workers, throughput
        case durationSeconds = "duration_seconds", latency, histogram, checks, notes, error, recordBytes = "record_bytes", passed
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scenario, forKey: .scenario)
        try c.encode(passed, forKey: .passed)
        try c.encode(flow, forKey: .flow)
        try c.encode(count, forKey: .count)
        try c.encode(fanOut, forKey: .fanOut)
        try c.encode(sent, forKey: .sent)
        try c.encode(acknowledged, forKey: .acknowledged)
        try c.encode(answered, forKey: .answered)
        try c.encode(lost, forKey: .lost)
        try c.encode(unexpected, forKey: .unexpected)
        try c.encode(duplicated, forKey: .duplicated)
        try c.encode(expired, forKey: .expired)
        try c.encode(redelivered, forKey: .redelivered)
        try c.encode(stale, forKey: .stale)
        try c.encode(outOfOrder, forKey: .outOfOrder)
        try c.encode(publishFailures, forKey: .publishFailures)
        try c.encode(workers, forKey: .workers)
        try c.encode(throughput, forKey: .throughput)
        try c.encode(durationSeconds, forKey: .durationSeconds)
        try c.encodeIfPresent(latency, forKey: .latency)
        try c.encode(histogram, forKey: .histogram)
        try c.encode(checks, forKey: .checks)
        try c.encode(notes, forKey: .notes)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encode(recordBytes, forKey: .recordBytes)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scenario = try c.decode(ScenarioKind.self, forKey: .scenario)
        flow = try c.decode(String.self, forKey: .flow)
        count = try c.decode(Int.self, forKey: .count)
        fanOut = try c.decode(Int.self, forKey: .fanOut)
        sent = try c.decode(Int.self, forKey: .sent)
        acknowledged = try c.decode(Int.self, forKey: .acknowledged)
        answered = try c.decode(Int.self, forKey: .answered)
        lost = try c.decode(Int.self, forKey: .lost)
        unexpected = try c.decode(Int.self, forKey: .unexpected)
        duplicated = try c.decode(Int.self, forKey: .duplicated)
        expired = try c.decode(Int.self, forKey: .expired)
        redelivered = try c.decode(Int.self, forKey: .redelivered)
        stale = try c.decode(Int.self, forKey: .stale)
        outOfOrder = try c.decode(Int.self, forKey: .outOfOrder)
        publishFailures = try c.decode(Int.self, forKey: .publishFailures)
        workers = try c.decode([WorkerShare].self, forKey: .workers)
        throughput = try c.decode(Double.self, forKey: .throughput)
        durationSeconds = try c.decode(Double.self, forKey: .durationSeconds)
        latency = try c.decodeIfPresent(LatencySummary.self, forKey: .latency)
        histogram = try c.decode([LatencyBucket].self, forKey: .histogram)
        checks = try c.decode([ScenarioCheck].self, forKey: .checks)
        notes = try c.decode([String].self, forKey: .notes)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        recordBytes = try c.decode(Int.self, forKey: .recordBytes)
    }
}

/// How many requests (or messages) one worker, member or subscriber took.
public struct WorkerShare: Codable, Sendable, Hashable {
    public var name: String
    public var count: Int
    public var percent: Double
}

/// A check beyond the counts, e.g. "no responders answered in 0.4 ms".
public struct ScenarioCheck: Codable, Sendable, Hashable {
    public var name: String
    public var passed: Bool
    public var detail: String
    /// The measured time, in milliseconds, if the check measures one.
    public var milliseconds: Double?

    public init(name: String, passed: Bool, detail: String, milliseconds: Double? = nil) {
        self.name = name
        self.passed = passed
        self.detail = detail
        self.milliseconds = milliseconds
    }
}

/// Latency percentiles in milliseconds.
public struct LatencySummary: Codable, Sendable, Hashable {
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double
    public var mean: Double

    /// From a histogram of microseconds.
    public init(_ h: Histogram<UInt64>) {
        p50 = Double(h.valueAtPercentile(50)) / 1000
        p90 = Double(h.valueAtPercentile(90)) / 1000
        p99 = Double(h.valueAtPercentile(99)) / 1000
        max = Double(h.max) / 1000
        mean = h.mean / 1000
    }
}

/// One bar of the latency histogram: answers with latency up to `upToMs` (and above the previous bar).
public struct LatencyBucket: Codable, Sendable, Hashable {
    public var upToMs: Double
    public var count: Int

    enum CodingKeys: String, CodingKey { case upToMs = "up_to_ms", count }

    /// Doubling bounds (…, 0.5, 1, 2, 4 ms, …) from the bucket holding the minimum to the one holding the maximum.
    public static func buckets(_ h: Histogram<UInt64>) -> [LatencyBucket] {
        guard h.totalCount > 0 else { return [] }
        let lowest = h.min, highest = h.max
        var bounds: [UInt64] = []
        var bound: UInt64 = 125 // 0.125 ms
        while bound < lowest { bound *= 2 }
        bounds.append(bound)
        while bound < highest {
            bound *= 2
            bounds.append(bound)
        }
        var result: [LatencyBucket] = []
        var previous: UInt64 = 0
        for (i, upper) in bounds.enumerated() {
            let lower = i == 0 ? 0 : previous + 1
            let n = h.count(within: lower...upper)
            result.append(LatencyBucket(upToMs: Double(upper) / 1000, count: Int(n)))
            previous = upper
        }
        return result
    }
}
