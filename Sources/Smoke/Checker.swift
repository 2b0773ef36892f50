public import Histogram

/// The smoke test's bookkeeping: what was sent, acknowledged, handled and answered, and the verdict.
///
/// A pure value: events go in, figures come out, no clocks or connections. Request ids are the
/// integers `0..<count`; each has a few fixed-size slots (timestamps in nanoseconds since the run
/// started, small counters), so memory grows by about 20 bytes per request plus 2 bytes per
/// expected delivery, never by per-event logs.
///
/// Definitions the report uses:
/// - **sent**: published by a producer; **acknowledged**: the server (a JetStream pub ack, or for
///   core NATS a flush) confirmed it.
/// - **answered**: the first answer/delivery for a slot. A request has `fanOut` slots (one per
///   pub/sub subscriber, else one).
/// - **lost**: a slot of an acknowledged, not expired request that never got an answer.
/// - **unexpected**: an answer for an id of this run that was never sent (or a malformed one).
/// - **duplicated**: second and later answers for a slot, plus second and later handlings of a
///   request by workers. Counted, allowed (at-least-once), never counted as answers again.
/// - **redelivered**: handlings with a delivery count above 1.
/// - **expired**: acknowledged requests that the stream's max age removed before anyone answered;
///   the scenario decides which (see ``markExpired(_:)``); they are not counted as lost.
/// - **stale**: messages from earlier runs (another run id); neither lost nor unexpected.
public struct Checker: Sendable {
    /// Number of request ids (`0..<count`).
    public let count: Int
    /// Answers expected per request: subscribers for pub/sub, 1 otherwise.
    public let fanOut: Int

    private static let unset: Int64 = -1
    private var sentAt: [Int64]
    private var flags: [UInt8]
    /// Answers per (request, slot), saturating.
    private var answers: [UInt16]
    /// Worker handlings per request, saturating.
    private var handlings: [UInt16]
    /// Highest id each slot has seen, to detect reordering per publisher.
    private var highestSeen: [Int]

    public private(set) var sent = 0
    public private(set) var acknowledged = 0
    public private(set) var answered = 0
    public private(set) var unexpected = 0
    public private(set) var duplicatedAnswers = 0
    public private(set) var duplicatedHandlings = 0
    public private(set) var redeliveries = 0
    public private(set) var expired = 0
    public private(set) var stale = 0
    public private(set) var outOfOrder = 0
    public private(set) var publishFailures = 0
    /// Answered slots of acknowledged requests (an answer can arrive before its request's ack is seen).
    private var answeredAcknowledged = 0
    /// Handlings per worker, by the worker's index.
    public private(set) var handledPerWorker: [Int]
    /// First answers per receiver slot (the subscriber that got them).
    public private(set) var answeredPerSlot: [Int]
    /// Time of the first send (ns since the run started).
    public private(set) var firstSentAt: Int64?
    /// Time of the last first-answer.
    public private(set) var lastAnsweredAt: Int64?
    /// Time of the first handling with a delivery count above 1 (a redelivery).
    public private(set) var firstRedeliveryAt: Int64?
    /// Latency from send to first answer, in microseconds.
    public private(set) var latency: Histogram<UInt64>

    private enum Flag {
        static let sent: UInt8 = 1
        static let acked: UInt8 = 2
        static let expired: UInt8 = 4
        static let workerDone: UInt8 = 8
    }

    /// - Parameters:
    ///   - count: request ids `0..<count`.
    ///   - fanOut: answers expected for each request (pub/sub subscribers), at least 1.
    ///   - workers: number of workers for the per-worker split (more are added as they appear).
    public init(count: Int, fanOut: Int = 1, workers: Int = 0) {
        self.count = max(0, count)
        self.fanOut = max(1, fanOut)
        sentAt = Array(repeating: Self.unset, count: self.count)
        flags = Array(repeating: 0, count: self.count)
        answers = Array(repeating: 0, count: self.count * self.fanOut)
        handlings = Array(repeating: 0, count: self.count)
        highestSeen = Array(repeating: -1, count: self.fanOut)
        handledPerWorker = Array(repeating: 0, count: max(0, workers))
        answeredPerSlot = Array(repeating: 0, count: self.fanOut)
        latency = .latency()
    }

    private func valid(_ id: Int) -> Bool { id >= 0 && id < count }

    // MARK: - Events

    /// A producer published request `id` at `time` (ns since the run started).
    public mutating func sent(_ id: Int, at time: Int64) {
        guard valid(id), flags[id] & Flag.sent == 0 else { return }
        sent += 1
        sentAt[id] = time
        flags[id] |= Flag.sent
        if let first = firstSentAt, first <= time { return }
        firstSentAt = time
    }

    /// The server confirmed request `id` (a JetStream pub ack, or a flush for core NATS).
    public mutating func acknowledged(_ id: Int) {
        guard valid(id), flags[id] & Flag.acked == 0 else { return }
        flags[id] |= Flag.acked
        acknowledged += 1
        let base = id * fanOut
        for slot in 0..<fanOut where answers[base + slot] > 0 { answeredAcknowledged += 1 }
    }

    /// Publishing a request failed (no ack): it is neither lost nor expected.
    public mutating func publishFailed(_ id: Int) {
        publishFailures += 1
    }

    /// Worker `worker` took request `id`; `delivery` is the consumer's delivery count (1 = first).
    public mutating func handled(_ id: Int, by worker: Int, delivery: Int = 1, at time: Int64 = 0) {
        guard worker >= 0 else { return }
        if worker >= handledPerWorker.count {
            handledPerWorker.append(contentsOf: repeatElement(0, count: worker + 1 - handledPerWorker.count))
        }
        handledPerWorker[worker] += 1
        if delivery > 1 {
            redeliveries += 1
            if firstRedeliveryAt == nil { firstRedeliveryAt = time }
        }
        guard valid(id) else { return }
        if handlings[id] > 0 { duplicatedHandlings += 1 }
        if handlings[id] < UInt16.max { handlings[id] += 1 }
    }

    /// A worker stored its answer to request `id` and acknowledged the request.
    public mutating func workerCompleted(_ id: Int) {
        guard valid(id) else { return }
        flags[id] |= Flag.workerDone
    }

    /// An answer (for pub/sub and queues: a delivery) of request `id` reached receiver `slot` at `time`.
    public mutating func answered(_ id: Int, slot: Int = 0, at time: Int64) {
        guard valid(id), flags[id] & Flag.sent != 0, slot >= 0, slot < fanOut else {
            unexpected += 1
            return
        }
        let index = id * fanOut + slot
        if answers[index] > 0 {
            duplicatedAnswers += 1
            if answers[index] < UInt16.max { answers[index] += 1 }
            return
        }
        answers[index] = 1
        if flags[id] & Flag.acked != 0 { answeredAcknowledged += 1 }
        if id < highestSeen[slot] { outOfOrder += 1 } else { highestSeen[slot] = id }
        answered += 1
        answeredPerSlot[slot] += 1
        let micros = max(0, time - sentAt[id]) / 1000
        _ = latency.record(UInt64(max(1, micros)))
        if let last = lastAnsweredAt, last >= time { return }
        lastAnsweredAt = time
    }

    /// An answer that names no request of this run (malformed, or the wrong id for a request).
    public mutating func unexpectedSeen() { unexpected += 1 }

    /// A message from an earlier run (another run id) was seen and discarded.
    public mutating func staleSeen(_ n: Int = 1) { stale += n }

    /// Marks `ids` as removed by the stream's max age before anyone answered them. Ids that were
    /// answered in full, or never acknowledged, are ignored.
    public mutating func markExpired(_ ids: some Sequence<Int>) {
        for id in ids where valid(id) && flags[id] & Flag.acked != 0 && flags[id] & Flag.expired == 0 && !isComplete(id) {
            flags[id] |= Flag.expired
            expired += 1
        }
    }

    // MARK: - Queries

    /// Whether every slot of `id` has an answer.
    public func isComplete(_ id: Int) -> Bool {
        guard valid(id) else { return false }
        let base = id * fanOut
        for slot in 0..<fanOut where answers[base + slot] == 0 { return false }
        return true
    }

    /// Send time of `id` (ns since the run started), if sent.
    public func sentTime(of id: Int) -> Int64? {
        guard valid(id), sentAt[id] != Self.unset else { return nil }
        return sentAt[id]
    }

    /// Whether the server confirmed `id`.
    public func isAcknowledged(_ id: Int) -> Bool { valid(id) && flags[id] & Flag.acked != 0 }

    /// Whether a worker reported that it stored an answer to `id` and acknowledged it.
    public func isWorkerCompleted(_ id: Int) -> Bool { valid(id) && flags[id] & Flag.workerDone != 0 }

    /// Acknowledged, not expired requests with at least one unanswered slot.
    public var unansweredIds: [Int] {
        (0..<count).filter { flags[$0] & Flag.acked != 0 && flags[$0] & Flag.expired == 0 && !isComplete($0) }
    }

    /// Missing answers: unanswered slots of acknowledged, not expired requests.
    public var lost: Int {
        var missing = 0
        for id in 0..<count where flags[id] & Flag.acked != 0 && flags[id] & Flag.expired == 0 {
            let base = id * fanOut
            for slot in 0..<fanOut where answers[base + slot] == 0 { missing += 1 }
        }
        return missing
    }

    /// Answers expected from what was acknowledged (minus expired).
    public var expectedAnswers: Int { (acknowledged - expired) * fanOut }

    /// Whether every acknowledged, not expired request has all its answers.
    public var isSettled: Bool { answeredAcknowledged >= expectedAnswers }

    /// Duplicates of both kinds.
    public var duplicated: Int { duplicatedAnswers + duplicatedHandlings }

    /// First answers per second between the first send and the last first answer.
    public var throughput: Double {
        guard let first = firstSentAt, let last = lastAnsweredAt, last > first, answered > 0 else { return 0 }
        return Double(answered) / (Double(last - first) / 1e9)
    }

    /// Approximate bytes the records take.
    public var footprintBytes: Int {
        count * (8 + 1 + 2) + answers.count * 2 + latency.estimatedFootprintInBytes
    }
}

extension Histogram<UInt64> {
    /// Latencies in microseconds, up to a minute at three significant digits (growing past it).
    static func latency() -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        return histogram
    }
}
