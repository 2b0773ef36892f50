import Synchronization

/// A ``Checker`` shared by the tasks of a running scenario, with the run's clock.
///
/// Producers, workers and subscribers record into it concurrently; every call takes one short lock.
public final class SmokeRecorder: Sendable {
    /// When the run started; event times are nanoseconds since then.
    public let start: ContinuousClock.Instant
    private let checker: Mutex<Checker>
    /// Bumped by every record: what waits for progress waits on.
    let changes = ChangeSignal()

    public init(count: Int, fanOut: Int = 1, workers: Int = 0, start: ContinuousClock.Instant = .now) {
        self.start = start
        checker = Mutex(Checker(count: count, fanOut: fanOut, workers: workers))
    }

    /// Changes the records and wakes what waits for progress.
    private func record<T: Sendable>(_ body: (inout Checker) -> T) -> T {
        defer { changes.bump() }
        return checker.withLock { body(&$0) }
    }

    /// Nanoseconds since the run started.
    public func now() -> Int64 { Self.nanoseconds(ContinuousClock.now - start) }

    /// Nanoseconds of `instant` since the run started.
    public func time(of instant: ContinuousClock.Instant) -> Int64 { Self.nanoseconds(instant - start) }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let (s, atto) = d.components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }

    public func sent(_ id: Int) {
        let t = now()
        record { $0.sent(id, at: t) }
    }

    public func acknowledged(_ id: Int) { record { $0.acknowledged(id) } }

    /// Records `ids` as sent now (a batch published together).
    public func sent(_ ids: some Sequence<Int>) {
        let t = now()
        record { c in for id in ids { c.sent(id, at: t) } }
    }

    /// Records `ids` as acknowledged.
    public func acknowledged(_ ids: some Sequence<Int>) {
        record { c in for id in ids { c.acknowledged(id) } }
    }

    public func publishFailed(_ id: Int) { record { $0.publishFailed(id) } }

    public func handled(_ id: Int, by worker: Int, delivery: Int = 1) {
        let t = now()
        record { $0.handled(id, by: worker, delivery: delivery, at: t) }
    }

    public func workerCompleted(_ id: Int) { record { $0.workerCompleted(id) } }

    /// Records an answer now; returns whether it was the first for that slot (false for duplicates and unexpected).
    @discardableResult
    public func answered(_ id: Int, slot: Int = 0) -> Bool {
        let t = now()
        return record { c in
            let before = c.answered
            c.answered(id, slot: slot, at: t)
            return c.answered > before
        }
    }

    public func unexpectedSeen() { record { $0.unexpectedSeen() } }

    public func staleSeen(_ n: Int = 1) { record { $0.staleSeen(n) } }

    public func markExpired(_ ids: some Sequence<Int> & Sendable) { record { $0.markExpired(ids) } }

    /// A copy of the records so far.
    public var snapshot: Checker { checker.withLock { $0 } }

    /// Reads the records under the lock without copying them.
    public func read<T: Sendable>(_ body: (borrowing Checker) -> T) -> T { checker.withLock { body($0) } }

    /// Progress so far: first answers and the answers expected from what was acknowledged.
    public var progress: SmokeProgress {
        checker.withLock { SmokeProgress(sent: $0.sent, answered: $0.answered, expected: $0.count * $0.fanOut) }
    }
}

/// A progress sample for the live progress line.
public struct SmokeProgress: Sendable, Hashable {
    public var sent: Int
    public var answered: Int
    /// Answers a complete run has.
    public var expected: Int
}
