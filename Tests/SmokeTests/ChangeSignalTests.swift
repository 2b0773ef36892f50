import Foundation
import Synchronization
import Testing
@testable import Smoke

/// What smoke waits on instead of polling: a change wakes a waiter at once, a timeout or a cancellation
/// ends the wait, and a change that came before the wait began is not missed.
@Suite struct ChangeSignalTests {
    @Test func aChangeWakesTheWaiterBeforeItsTimeout() async {
        let signal = ChangeSignal()
        let clock = ContinuousClock()
        let started = clock.now
        let waiter = Task { await signal.wait(after: 0, timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(20))
        signal.bump()
        #expect(await waiter.value == 1)
        #expect(clock.now - started < .seconds(10))
    }

    @Test func aChangeBeforeTheWaitIsNotMissed() async {
        let signal = ChangeSignal()
        let seen = signal.count
        signal.bump()
        let clock = ContinuousClock()
        let started = clock.now
        #expect(await signal.wait(after: seen, timeout: .seconds(30)) == 1)
        #expect(clock.now - started < .seconds(10))
    }

    @Test func theTimeoutEndsAWaitWithoutChanges() async {
        let signal = ChangeSignal()
        let clock = ContinuousClock()
        let started = clock.now
        #expect(await signal.wait(after: 0, timeout: .milliseconds(50)) == 0)
        #expect(clock.now - started >= .milliseconds(50))
        // An already-expired timeout returns at once.
        #expect(await signal.wait(after: 0, timeout: .zero) == 0)
    }

    @Test func cancellationEndsTheWait() async {
        let signal = ChangeSignal()
        let clock = ContinuousClock()
        let started = clock.now
        let waiter = Task { await signal.wait(after: 0, timeout: .seconds(30)) }
        try? await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        #expect(await waiter.value == 0)
        #expect(clock.now - started < .seconds(10))
    }

    @Test func manyWaitersAllWake() async {
        let signal = ChangeSignal()
        await withTaskGroup(of: UInt64.self) { group in
            for _ in 0..<50 { group.addTask { await signal.wait(after: 0, timeout: .seconds(30)) } }
            try? await Task.sleep(for: .milliseconds(50))
            signal.bump()
            var woken = 0
            for await count in group where count == 1 { woken += 1 }
            #expect(woken == 50)
        }
    }

    @Test func waitUntilReturnsOnDoneAndOnIdle() async {
        let signal = ChangeSignal()
        let progress = Counter()
        let finisher = Task {
            for _ in 0..<5 {
                try? await Task.sleep(for: .milliseconds(10))
                progress.add()
                signal.bump()
            }
        }
        #expect(await Wait.until(idle: .seconds(30), on: signal, progress: { progress.value }, done: { progress.value >= 5 }))
        await finisher.value
        // Nothing moves: the idle time ends it, and done() does not hold.
        #expect(await Wait.until(idle: .milliseconds(50), on: signal, progress: { progress.value }, done: { progress.value >= 6 }) == false)
    }
}

private final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
    func add() { count.add(1, ordering: .relaxed) }
}
