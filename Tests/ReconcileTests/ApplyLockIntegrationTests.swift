import Foundation
import JetStream
import LocalCluster
import NATS
import Synchronization
import Testing
import Topology
@testable import Reconcile

/// The apply lock against a real 3-node cluster: one holder at a time, a killed holder blocks only until
/// the expiry, concurrent applies (library and `jetform` processes) serialise and converge.
@Suite("Apply lock against a real cluster", .serialized)
struct ApplyLockIntegrationTests {

    @Test func oneHolderAtATimeAndAWaiterThatGivesUpNamesTheHolder() async throws {
        try await LocalCluster.withCluster { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            // A long expiry: this test is about exclusion, and a starved refresh on a loaded machine must not expire it.
            let lock = ApplyLock(jetStream: js, topology: "users", expiry: .seconds(60), replicas: 3)
            let intervals = Recorder<(String, ContinuousClock.Instant, ContinuousClock.Instant)>()
            let waited = Recorder<Int>()

            let holding = Recorder<Int>()
            async let first: Void = lock.withLock(timeout: .seconds(30)) {
                holding.append(1)
                let start = ContinuousClock.now
                // Hold the lock until the second run is waiting for it (or 60 s), however slow the machine.
                let until = ContinuousClock.now + .seconds(60)
                while waited.items.isEmpty && ContinuousClock.now < until { try await Task.sleep(for: .milliseconds(50)) }
                try await Task.sleep(for: .milliseconds(500))
                intervals.append(("first", start, .now))
            }
            // Wait until the first run holds the lock (on a loaded machine that can take a while).
            let deadline = ContinuousClock.now + .seconds(60)
            while holding.items.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            try #require(!holding.items.isEmpty, "the first run never got the lock")
            // A run that does not wait long enough stops and names who holds the lock.
            do {
                _ = try await lock.acquire(timeout: .milliseconds(300))
                Issue.record("a second holder got the lock")
            } catch ApplyLockError.held(let holder, let topology, _) {
                #expect(topology == "users")
                let h = try #require(holder)
                #expect(h.holder.contains("pid \(ProcessInfo.processInfo.processIdentifier)"))
                #expect("\(ApplyLockError.held(by: h, topology: topology, waited: .seconds(1)))".contains("holds the apply lock"))
            }
            // One that waits gets it after the first has released it.
            async let second: Void = lock.withLock(timeout: .seconds(30), onWait: { _ in waited.append(1) }) {
                let start = ContinuousClock.now
                intervals.append(("second", start, .now))
            }
            try await first
            try await second
            #expect(waited.items.count == 1, "the second run saw the lock taken and waited")
            let got = intervals.items
            #expect(got.map(\.0) == ["first", "second"])
            if got.count == 2 { #expect(got[1].1 >= got[0].2, "the holders did not overlap") }
            // Released: the subject is empty again.
            #expect(try await lock.currentHolder() == nil)
            await client.close()
        }
    }

    /// 2.11+ expires a lock by its per-message TTL; 2.10 by the waiter watching the record for its expiry.
    @Test(arguments: [nil, "2.10.26"] as [String?])
    func aKilledHolderBlocksUntilTheExpiry(version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            let expiry: Duration = .seconds(4)
            // A holder that dies: it acquires and never refreshes or releases.
            let dead = ApplyLock(jetStream: js, topology: "users", expiry: expiry, replicas: 3, command: "apply (killed)")
            _ = try await dead.acquire(timeout: .seconds(1))
            let acquiredAt = ContinuousClock.now

            let next = ApplyLock(jetStream: js, topology: "users", expiry: expiry, replicas: 3)
            await #expect(throws: ApplyLockError.self) { _ = try await next.acquire(timeout: .milliseconds(500)) }
            // Another topology's lock is independent.
            let other = ApplyLock(jetStream: js, topology: "billing", expiry: expiry, replicas: 3)
            await other.release(try await other.acquire(timeout: .seconds(1)))

            let lease = try await next.acquire(timeout: .seconds(30))
            let waited = acquiredAt.duration(to: .now)
            print("apply lock (nats-server \(version ?? "current")): a holder killed with a \(expiry) expiry blocked the next run for \(waited)")
            // The dead holder's message was stored before `acquiredAt`, so its expiry can come a little
            // before `expiry` has passed here; never much earlier. Load only makes it later.
            #expect(waited >= expiry - .milliseconds(500), "took the lock after \(waited), before the \(expiry) expiry")
            await next.release(lease)
            await client.close()
        }
    }

    /// Each topology's lock has its own expiry: an apply of one topology with a 2 s expiry (one that finishes,
    /// then one that is killed) never makes another topology's live 30 s lock expire.
    @Test(arguments: [nil, "2.10.26"] as [String?])
    func aShortExpiryOfOneTopologyLeavesAnotherTopologysLockAlone(version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            let holding = Recorder<Int>()
            let finish = Recorder<Int>()
            // Topology B holds its lock (30 s expiry, refreshed every 10 s) until told to finish.
            let billing = ApplyLock(jetStream: js, topology: "billing", expiry: .seconds(30), replicas: 3, command: "apply billing")
            async let held: Void = billing.withLock(timeout: .seconds(30)) {
                holding.append(1)
                let until = ContinuousClock.now + .seconds(120)
                while finish.items.isEmpty && ContinuousClock.now < until { try await Task.sleep(for: .milliseconds(50)) }
            }
            let deadline = ContinuousClock.now + .seconds(60)
            while holding.items.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            try #require(!holding.items.isEmpty, "topology B never got its lock")

            // Topology A with --lock-expiry 2: one run completes, the next is killed holding its lock.
            let users = ApplyLock(jetStream: js, topology: "users", expiry: .seconds(2), replicas: 3)
            try await users.withLock(timeout: .seconds(30)) { try await Task.sleep(for: .milliseconds(200)) }
            _ = try await users.acquire(timeout: .seconds(10))
            let killedAt = ContinuousClock.now

            // Well past A's 2 s, well inside B's 30 s: B's lock still holds, A's dead one has expired.
            try await Task.sleep(for: .seconds(5))
            let secondBilling = ApplyLock(jetStream: js, topology: "billing", expiry: .seconds(30), replicas: 3)
            do {
                let lease = try await secondBilling.acquire(timeout: .milliseconds(500))
                await secondBilling.release(lease)
                Issue.record("a second run of topology B got B's lock while B's first run held it")
            } catch ApplyLockError.held(let holder, let topology, _) {
                #expect(topology == "billing")
                #expect(holder?.command == "apply billing")
            }
            let nextUsers = ApplyLock(jetStream: js, topology: "users", expiry: .seconds(2), replicas: 3)
            let lease = try await nextUsers.acquire(timeout: .seconds(10))
            print("apply lock (nats-server \(version ?? "current")): topology B's 30 s lock held beside A's 2 s locks; "
                  + "A's killed lock taken again \(killedAt.duration(to: .now)) after the kill")
            await nextUsers.release(lease)

            // The lock stream has no shared max_age; on 2.11+ it allows per-message TTLs.
            let config = try await js.streamInfo(ApplyLock.streamName).config
            #expect((config.maxAge ?? .zero) == .zero)
            if version == nil { #expect(config.allowMsgTTL == true) }
            finish.append(1)
            try await held
            await client.close()
        }
    }

    @Test func aLockStreamLeftByAnOlderJetformLosesItsSharedMaxAge() async throws {
        try await LocalCluster.withCluster { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            // What jetform made before locks had their own expiry: max_age = the last run's expiry.
            var old = StreamConfig(name: ApplyLock.streamName, subjects: [ApplyLock.subjectPrefix + ">"])
            old.maxMsgsPerSubject = 1
            old.maxAge = .seconds(2)
            old.duplicateWindow = .seconds(2)
            _ = try await js.createStream(old)
            let lock = ApplyLock(jetStream: js, topology: "billing", expiry: .seconds(30), replicas: 1)
            let lease = try await lock.acquire(timeout: .seconds(5))
            try await Task.sleep(for: .seconds(3))
            #expect(try await lock.currentHolder()?.1 == lease.sequence.withLock { $0 }, "the 30 s lock outlived the old 2 s max_age")
            let config = try await js.streamInfo(ApplyLock.streamName).config
            #expect((config.maxAge ?? .zero) == .zero && config.allowMsgTTL == true)
            await lock.release(lease)
            await client.close()
        }
    }

    @Test func aRunWhoseLockWasTakenOverStops() async throws {
        try await LocalCluster.withCluster { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            let lock = ApplyLock(jetStream: js, topology: "users", expiry: .seconds(3), replicas: 3)
            let other = ApplyLock(jetStream: js, topology: "users", expiry: .seconds(3), replicas: 3, command: "apply (other)")
            // As if our record had expired (the server dropped it) and another run took the lock.
            let stolen = Recorder<Bool>()
            let body = Recorder<String>()
            await #expect(throws: ApplyLockError.self) {
                try await lock.withLock(timeout: .seconds(5)) {
                    if let (_, seq) = try await lock.currentHolder() {
                        try await js.deleteMessage(stream: ApplyLock.streamName, sequence: seq)
                        _ = try await other.acquire(timeout: .seconds(5))
                        stolen.append(true)
                    }
                    do {
                        try await Task.sleep(for: .seconds(60))
                        body.append("finished")
                    } catch {
                        body.append("cancelled")
                        throw error
                    }
                }
            }
            #expect(stolen.items == [true])
            #expect(body.items == ["cancelled"], "the apply was stopped when its next refresh found the lock taken")
            // The other run's lock is untouched by our release.
            let holder = try #require(try await lock.currentHolder())
            #expect(holder.0?.command == "apply (other)")
            await client.close()
        }
    }

    @Test func concurrentLibraryAppliesSerialiseAndConverge() async throws {
        try await LocalCluster.withCluster { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            let topology = try shippedTopology()
            let capabilities = ClusterObserver.capabilities(of: client)!
            let intervals = Recorder<(Int, ContinuousClock.Instant, ContinuousClock.Instant)>()
            async let a: Void = Self.lockedApply(js, topology, capabilities, intervals)
            async let b: Void = Self.lockedApply(js, topology, capabilities, intervals)
            try await a
            try await b
            let runs = intervals.items.sorted { $0.1 < $1.1 }
            #expect(runs.map(\.0) == [5, 0], "the first run made all changes, the second found none (no flip-flop)")
            if runs.count == 2 { #expect(runs[1].1 >= runs[0].2, "the runs did not overlap") }

            // The lock stream is jetform's own: not planned, not listed, not pruned.
            #expect(try await js.streamNames().contains(ApplyLock.streamName))
            let after = try await livePlan(topology, js, options: PlanOptions(prune: true))
            #expect(after.isEmpty)
            #expect(after.unmanaged.isEmpty, "\(after.unmanaged)")
            await client.close()
        }
    }

    /// One library-level apply holding the lock: observe, plan, execute; records (actions, start, end).
    static func lockedApply(_ js: JetStreamContext, _ topology: TopologySpec, _ capabilities: ServerCapabilities,
                            _ intervals: Recorder<(Int, ContinuousClock.Instant, ContinuousClock.Instant)>) async throws {
        let lock = ApplyLock(jetStream: js, topology: topology.name, expiry: .seconds(10), replicas: 3)
        try await lock.withLock(timeout: .seconds(60)) {
            let start = ContinuousClock.now
            let observed = try await ClusterObserver(jetStream: js).observe()
            let plan = Planner.plan(desired: topology, observed: observed, capabilities: capabilities)
            _ = try await PlanExecutor(jetStream: js).apply(plan)
            intervals.append((plan.actions.count, start, .now))
        }
    }

    @Test func jetformProcessesWaitForTheLockAndStopClearlyWhenItIsHeld() async throws {
        try await LocalCluster.withCluster { cluster in
            let cli = try JetformCLI(cluster: cluster)
            defer { cli.remove() }
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            // A holder that was killed mid-apply: it holds the lock and never refreshes it.
            let expiry: Duration = .seconds(5)
            let dead = ApplyLock(jetStream: js, topology: "users", expiry: expiry, replicas: 3, command: "apply (killed)")
            _ = try await dead.acquire(timeout: .seconds(1))

            let impatient = try await cli.run(["apply", "--yes", "--lock-timeout", "0.5", "--lock-expiry", "5", "topology.yaml"])
            #expect(impatient.status == 1, "\(impatient)")
            #expect(impatient.stderr.contains("holds the apply lock of topology 'users'"), "\(impatient)")
            #expect(impatient.stderr.contains("apply (killed)"), "the message names the holder: \(impatient)")
            #expect(impatient.stderr.contains("nothing was changed"), "\(impatient)")
            #expect(try await js.streamNames().sorted() == [ApplyLock.streamName], "nothing was created")

            // Two applies at once while the dead lock is still fresh: both wait; after the expiry one applies,
            // the other then finds nothing to do.
            let a = try cli.start(["apply", "--yes", "--lock-timeout", "60", "--lock-expiry", "5", "topology.yaml"])
            let b = try cli.start(["apply", "--yes", "--lock-timeout", "60", "--lock-expiry", "5", "topology.yaml"])
            let ra = await a.wait()
            let rb = await b.wait()
            #expect(ra.status == 0, "\(ra)")
            #expect(rb.status == 0, "\(rb)")
            #expect(ra.stderr.contains("Waiting up to 60s for the apply lock"), "\(ra)")
            #expect(rb.stderr.contains("Waiting up to 60s for the apply lock"), "\(rb)")
            let applied = [ra, rb].filter { $0.stdout.contains("Apply complete: 5 call(s)") }
            let idle = [ra, rb].filter { $0.stdout.contains("No changes.") }
            #expect(applied.count == 1 && idle.count == 1, "one applies, the other finds no changes:\n\(ra)\n\(rb)")

            let check = try await cli.run(["plan", "--detailed-exitcode", "--prune", "topology.yaml"])
            #expect(check.status == 0, "\(check)")
            #expect(!check.stdout.contains(ApplyLock.streamName), "the lock stream is not reported: \(check)")
            await client.close()
        }
    }

    @Test func aJetformProcessKilledMidApplyReleasesTheLockByExpiry() async throws {
        try await LocalCluster.withCluster { cluster in
            // The shipped topology plus 40 small streams: an apply long enough (one call at a time) that a
            // starved test task still catches it in the middle.
            let shipped = try String(contentsOf: repositoryRoot().appendingPathComponent("topology.yaml"), encoding: .utf8)
            let padding = (0..<40).map { "  PAD_\($0):\n    subjects: [pad.\($0)]\n    storage: memory\n    num_replicas: 3\n" }.joined()
            let cli = try JetformCLI(cluster: cluster, topology: shipped.replacingOccurrences(of: "\nsmoke:", with: "\n" + padding + "\nsmoke:"))
            defer { cli.remove() }
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            // `apply` holds the lock from before it plans until it exits: SIGKILL it after its first API call.
            let victim = try cli.start(["apply", "--yes", "--lock-expiry", "4", "--parallelism", "1", "topology.yaml"])
            var killed = false
            let deadline = ContinuousClock.now + .seconds(60)
            while !killed && ContinuousClock.now < deadline && victim.process.isRunning {
                if victim.stdoutSoFar.contains("[1/") {
                    kill(victim.pid, SIGKILL)
                    killed = true
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            let victimResult = await victim.wait()
            try #require(killed && victimResult.status != 0, "killed the jetform process mid-apply: \(victimResult)")
            #expect(!victimResult.stdout.contains("Apply complete"), "\(victimResult)")
            let lock = ApplyLock(jetStream: js, topology: "users", expiry: .seconds(4), replicas: 3)
            #expect(try await lock.currentHolder() != nil, "the killed run left its lock behind")
            let killedAt = ContinuousClock.now
            // Whatever the killed run left half-done, the next apply waits for the expiry, then converges.
            let next = try await cli.run(["apply", "--yes", "--lock-timeout", "60", "--lock-expiry", "4", "topology.yaml"])
            #expect(next.status == 0, "\(next)")
            // The killed run's last lock message was stored at most a few ms before `killedAt` and expires
            // 4 s after it: the next run cannot have finished sooner.
            let took = killedAt.duration(to: .now)
            #expect(took >= .milliseconds(3500), "the next apply finished \(took) after the kill, before the 4 s expiry")
            // (Whether it printed "Waiting" depends on how long its plan and health check took: on a slow
            // machine the dead lock may have expired before it asked. The library test above pins the expiry.)
            #expect(next.stdout.contains("The cluster matches topology.yaml"), "\(next)")
            await client.close()
        }
    }
}

/// Values appended from concurrent tasks.
final class Recorder<T: Sendable>: Sendable {
    private let storage = Mutex<[T]>([])
    func append(_ value: T) { storage.withLock { $0.append(value) } }
    var items: [T] { storage.withLock { $0 } }
}
