public import Histogram
import Synchronization

/// The kv scenario's own records beside the ``Checker`` (which counts puts sent, acknowledged and seen
/// by the watcher): each put's revision, what the watcher saw per key, the reads, and put-ack latency.
///
/// A pure value like the checker. Put `n` goes to key `n % keys`, so each key's puts are
/// `k, k + keys, k + 2·keys, …`, written one after another by one writer.
public struct KVLedger: Sendable {
    public let count: Int
    public let keys: Int
    /// The revision (stream sequence) each put was stored at; 0 while not known to be stored.
    public private(set) var revisions: [UInt64]
    /// The newest revision the watcher delivered per key, and the put it was.
    private var watchedRevision: [UInt64]
    private var watchedId: [Int]
    /// Deliveries whose revision was not above the last one the watcher delivered for that key.
    public private(set) var watchedOutOfOrder = 0
    /// Reads after an acknowledged put, and those that did not return that put at its revision.
    public private(set) var getsChecked = 0
    public private(set) var getMismatches = 0
    /// The first few mismatching reads, for the report.
    public private(set) var getMismatchDetails: [String] = []
    /// Puts refused because another writer had changed the key (a conflict: nobody else writes our keys).
    public private(set) var conflicts = 0
    /// Puts refused with wrong-last-sequence whose value the key held: stored, the ack was lost.
    public private(set) var storedAckLost = 0
    /// Acks that said `duplicate`: a retried put that the stream had already stored.
    public private(set) var duplicateAcks = 0
    /// Puts found stored by a read after their publish had failed.
    public private(set) var storedAfterFailure = 0
    /// Puts a writer made although the watcher had not yet delivered the put `history` before it on the key
    /// (it waited the idle timeout): the bucket may have dropped values the watcher never saw.
    public private(set) var wentAheadOfWatcher = 0
    /// Times the watcher's consumer was made again (gone, or a gap in its delivery sequence).
    public private(set) var watcherRecreations = 0
    public private(set) var watcherRecreationReasons: [String] = []
    /// Publish to ack, in microseconds.
    public private(set) var ackLatency: Histogram<UInt64>

    public init(count: Int, keys: Int) {
        self.count = max(0, count)
        self.keys = max(1, keys)
        revisions = Array(repeating: 0, count: self.count)
        watchedRevision = Array(repeating: 0, count: self.keys)
        watchedId = Array(repeating: -1, count: self.keys)
        ackLatency = .latency()
    }

    /// The key index of put `id`.
    public func key(of id: Int) -> Int { id % keys }

    /// The put ids of key `key`, in the order they are written.
    public func puts(on key: Int) -> StrideTo<Int> { stride(from: key, to: count, by: keys) }

    // MARK: - Events

    /// Put `id` was stored at `revision`; `latency` is publish to ack (nil when the ack was lost and a
    /// read found the value).
    public mutating func stored(_ id: Int, revision: UInt64, latency: Duration?) {
        guard id >= 0 && id < count, revision > 0 else { return }
        revisions[id] = revision
        if let latency {
            _ = ackLatency.record(UInt64(max(1, SmokeRecorder.nanoseconds(latency) / 1000)))
        }
    }

    public mutating func duplicateAck() { duplicateAcks += 1 }
    public mutating func ackLost() { storedAckLost += 1 }
    public mutating func foundAfterFailure() { storedAfterFailure += 1 }
    public mutating func conflict() { conflicts += 1 }

    /// A read after put `id` returned put `found` (nil: nothing, or not a put of this run) at `revision`
    /// (nil: the read failed).
    public mutating func read(after id: Int, found: Int?, revision: UInt64?) {
        getsChecked += 1
        guard id >= 0 && id < count else { return }
        if found == id && revision == revisions[id] { return }
        getMismatches += 1
        if getMismatchDetails.count < 5 {
            let what = revision.map { r in (found.map { "put \($0)" } ?? "no value of this run") + " at revision \(r)" } ?? "nothing (the read failed)"
            getMismatchDetails.append("after put \(id) (revision \(revisions[id])) the key held \(what)")
        }
    }

    /// The watcher delivered put `id` of key `key` at `revision`. Returns false when it came out of order.
    @discardableResult
    public mutating func watched(key: Int, id: Int, revision: UInt64) -> Bool {
        guard key >= 0 && key < keys else { return false }
        guard revision > watchedRevision[key] else {
            watchedOutOfOrder += 1
            return false
        }
        watchedRevision[key] = revision
        watchedId[key] = max(watchedId[key], id)
        return true
    }

    public mutating func wentAhead() { wentAheadOfWatcher += 1 }

    public mutating func watcherRecreated(_ reason: String) {
        watcherRecreations += 1
        if watcherRecreationReasons.count < 5 { watcherRecreationReasons.append(reason) }
    }

    // MARK: - Queries

    /// Whether put `id` may be written now with the bucket keeping `history` values per key: the watcher
    /// has delivered the put `history` before it on the key (or a later one), so no value it has not
    /// seen can be dropped by this put. Always true with unlimited history.
    public func mayWrite(_ id: Int, history: Int?) -> Bool {
        guard let history, history > 0 else { return true }
        let before = id - history * keys
        return before < 0 || watchedId[key(of: id)] >= before
    }

    /// Stored puts at `sequence` or later that are not in `watched` (the ids the watcher delivered).
    public func stored(from sequence: UInt64, notIn watched: (Int) -> Bool) -> Int {
        (0..<count).reduce(0) { n, id in revisions[id] >= sequence && revisions[id] > 0 && !watched(id) ? n + 1 : n }
    }

    /// The last stored put of `key` (its id and revision), if any was stored.
    public func lastStored(on key: Int) -> (id: Int, revision: UInt64)? {
        var last: (Int, UInt64)?
        for id in puts(on: key) where revisions[id] > 0 {
            if last == nil || revisions[id] > last!.1 { last = (id, revisions[id]) }
        }
        return last
    }

    /// The stored puts of `key`, oldest first.
    public func storedPuts(on key: Int) -> [(id: Int, revision: UInt64)] {
        puts(on: key).filter { revisions[$0] > 0 }.map { ($0, revisions[$0]) }.sorted { $0.1 < $1.1 }
    }

    /// What a history read of `key` must return with the bucket keeping `history` values per key: the
    /// newest `history` stored puts, oldest first.
    public func expectedHistory(of key: Int, history: Int) -> [(id: Int, revision: UInt64)] {
        Array(storedPuts(on: key).suffix(max(0, history)))
    }

    /// Approximate bytes the records take: a revision per put, the watcher's revision and put id per key.
    public var footprintBytes: Int { count * 8 + keys * 16 + ackLatency.estimatedFootprintInBytes }
}

/// A ``KVLedger`` shared by the writers and the watcher of a running kv scenario.
final class KVRecorder: Sendable {
    private let ledger: Mutex<KVLedger>

    init(count: Int, keys: Int) { ledger = Mutex(KVLedger(count: count, keys: keys)) }

    /// Changes the records under the lock.
    @discardableResult
    func record<T: Sendable>(_ body: (inout KVLedger) -> T) -> T { ledger.withLock { body(&$0) } }

    /// A copy of the records so far.
    var snapshot: KVLedger { ledger.withLock { $0 } }
}
