import Foundation
import Synchronization

/// A counter of changes that tasks can wait on: every `bump()` wakes the waiters, and a waiter returns
/// as soon as the count has moved past the one it saw, its timeout runs out, or its task is cancelled.
/// Smoke waits on it for progress instead of polling the records.
public final class ChangeSignal: Sendable {
    private struct State {
        var count: UInt64 = 0
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waits in progress, and those of them woken (by timeout or cancellation) before they registered.
        var active: Set<Int> = []
        var woken: Set<Int> = []
    }
    private let state = Mutex(State())

    public init() {}

    /// The changes so far.
    public var count: UInt64 { state.withLock { $0.count } }

    /// Records a change and wakes every waiter.
    public func bump() {
        let woken = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.count &+= 1
            guard !s.waiters.isEmpty else { return [] }
            defer { s.waiters.removeAll(keepingCapacity: true) }
            return Array(s.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns when the count differs from `seen`, after `timeout`, or when the task is cancelled,
    /// whichever comes first. Returns the count then.
    @discardableResult
    public func wait(after seen: UInt64, timeout: Duration) async -> UInt64 {
        let id = state.withLock { s -> Int in
            s.nextWaiter += 1
            s.active.insert(s.nextWaiter)
            return s.nextWaiter
        }
        let timer = Task { [weak self] in
            do { try await Task.sleep(for: timeout) } catch { return }  // the wait ended first
            self?.wake(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if s.count != seen || s.woken.remove(id) != nil { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            wake(id)
        }
        timer.cancel()
        return state.withLock { s in
            s.active.remove(id)
            s.woken.remove(id)
            return s.count
        }
    }

    /// Resumes waiter `id`, or tells it not to wait if it has not registered yet.
    private func wake(_ id: Int) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let waiter = s.waiters.removeValue(forKey: id) { return waiter }
            if s.active.contains(id) { s.woken.insert(id) }
            return nil
        }
        waiter?.resume()
    }
}
