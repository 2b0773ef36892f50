import Synchronization

/// Bounds the requests a producer has out (published, not yet answered), so the backlog never
/// outlives the requests stream's max age.
///
/// Entries leave when their answer arrives, when their publish fails, or — so an expired request
/// cannot shrink the window for good — once they are older than `maxAge`.
public final class InFlightWindow: Sendable {
    public let limit: Int
    let maxAge: Duration?

    private struct State {
        var outstanding: [Int: ContinuousClock.Instant] = [:]
        var waiters: [CheckedContinuation<Void, Never>] = []
        var expiredOut = 0
    }
    private let state = Mutex(State())

    public init(limit: Int, maxAge: Duration? = nil) {
        self.limit = max(1, limit)
        self.maxAge = maxAge
    }

    /// Waits until there is room, then takes a place for `id`.
    public func acquire(_ id: Int) async {
        while true {
            let admitted = state.withLock { s -> Bool in
                guard s.outstanding.count < limit else { return false }
                s.outstanding[id] = .now
                return true
            }
            if admitted { return }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if s.outstanding.count < limit { return true }
                    s.waiters.append(c)
                    return false
                }
                if ready { c.resume() }
            }
        }
    }

    /// Frees the place of `id` (answered, or its publish failed). Unknown ids are ignored.
    public func release(_ id: Int) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            guard s.outstanding.removeValue(forKey: id) != nil else { return [] }
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    /// Entries out now.
    public var count: Int { state.withLock { $0.outstanding.count } }

    /// Entries that left by age rather than by an answer.
    public var agedOut: Int { state.withLock { $0.expiredOut } }

    /// Reaps entries older than `maxAge` and wakes waiters if that made room; call it periodically.
    public func tick() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            reap(&s)
            guard s.outstanding.count < limit else { return [] }
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    private func reap(_ s: inout State) {
        guard let maxAge else { return }
        let cutoff = ContinuousClock.now - maxAge
        let old = s.outstanding.filter { $0.value < cutoff }.map(\.key)
        for id in old { s.outstanding[id] = nil }
        s.expiredOut += old.count
    }
}
