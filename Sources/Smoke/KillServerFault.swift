import JetStream
import NATS
import Synchronization

/// `--kill-server`: once a quarter of the requests are answered, the requests stream's leader is
/// killed (SIGKILL) and restarted `downFor` later. Lost must stay 0; the check reports the
/// unavailability window: the longest time without a new answer after the kill (the kill counts as
/// the first), and fails when no answer came after the kill at all. Producers re-send requests
/// whose publish failed during the election (same `Nats-Msg-Id`), so traffic resumes once the
/// stream has a leader again.
///
/// Killing and starting servers is left to closures, so the same fault drives the local cluster of
/// `jetform cluster up` and the clusters of the tests.
///
/// `--pause-server` is the same fault with other closures and words (`pausing`): SIGSTOP, then SIGCONT
/// after longer than an election, the failure Jepsen calls a process pause — the server comes back
/// believing it still leads, and must step down without losing or inventing a request.
/// `--partition-server` (`partitioning`) cuts the leader's routes instead and restores them.
public struct KillServerFault: DurableFault {
    public var kill: @Sendable (String) async throws -> Void
    public var restart: @Sendable (String) async throws -> Void
    public var downFor: Duration
    /// How the report names what happened.
    public var words: Words

    /// The report's words for the disruption and its end.
    public struct Words: Sendable {
        /// The check's name: `kill server`, `pause server`.
        public var check: String
        /// `killed`, `paused`.
        public var done: String
        /// `restarted and ready again`, `resumed`.
        public var undone: String

        public static let kill = Words(check: "kill server", done: "killed", undone: "restarted and ready again")
        public static let pause = Words(check: "pause server", done: "paused", undone: "resumed")
        public static let partition = Words(check: "partition server", done: "cut off", undone: "healed")
    }

    public init(downFor: Duration = .seconds(3), words: Words = .kill, kill: @escaping @Sendable (String) async throws -> Void,
                restart: @escaping @Sendable (String) async throws -> Void) {
        self.kill = kill
        self.restart = restart
        self.downFor = downFor
        self.words = words
    }

    /// `--pause-server`: the leader stopped (SIGSTOP) for `pausedFor`, longer than an election (the
    /// others elect a new leader after 4–9 s without heartbeats), then continued (SIGCONT).
    public static func pausing(pausedFor: Duration = .seconds(12), pause: @escaping @Sendable (String) async throws -> Void,
                               resume: @escaping @Sendable (String) async throws -> Void) -> KillServerFault {
        KillServerFault(downFor: pausedFor, words: .pause, kill: pause, restart: resume)
    }

    /// `--partition-server`: the leader's routes cut (its clients stay connected to it) for `cutFor`,
    /// longer than an election, then restored. The others elect a new leader; the cut-off one cannot
    /// commit anything and must rejoin as a follower without losing or inventing a request.
    public static func partitioning(cutFor: Duration = .seconds(12), cut: @escaping @Sendable (String) async throws -> Void,
                                    heal: @escaping @Sendable (String) async throws -> Void) -> KillServerFault {
        KillServerFault(downFor: cutFor, words: .partition, kill: cut, restart: heal)
    }

    public func start(env: SmokeEnvironment, scenario: DurableScenario, setup: DurableScenario.Setup, recorder: SmokeRecorder,
                      workerEvents: @escaping @Sendable (Int, WorkerEvent) -> Void,
                      producerEvents: @escaping @Sendable (ProducerEvent) -> Void) async throws -> any DurableFaultHandle {
        try await start(env: env, target: Target(stream: scenario.requestsStream, role: "requests stream leader"), count: scenario.count,
                        recorder: recorder, progress: .answers)
    }

    /// The stream whose leader the fault disrupts, and how the report names that server.
    public struct Target: Sendable {
        public var stream: String
        /// `requests stream leader`, `KV_CONFIG leader`.
        public var role: String

        public init(stream: String, role: String) {
            self.stream = stream
            self.role = role
        }
    }

    /// What the fault counts as progress: the disruption comes after a quarter of `count`, the gaps are
    /// measured between increments, and the watch ends at `count`.
    public struct Progress: Sendable {
        /// Reads the count from the records.
        var read: @Sendable (borrowing Checker) -> Int
        /// `answer`, `acknowledged put`: the report's word for one increment.
        var noun: String

        /// First answers (the durable scenario).
        public static let answers = Progress(read: { $0.answered }, noun: "answer")
        /// Acknowledged writes (the kv scenario: a put the stream confirmed).
        public static let acknowledgedPuts = Progress(read: { $0.acknowledged }, noun: "acknowledged put")
    }

    /// Starts the fault against `target`'s leader once a quarter of `count` has progressed.
    func start(env: SmokeEnvironment, target: Target, count: Int, recorder: SmokeRecorder,
               progress: Progress) async throws -> KillServerHandle {
        let admin = try await env.connect(words.check.replacingOccurrences(of: " ", with: "-"))
        let handle = KillServerHandle(admin: admin, words: words, role: target.role, noun: progress.noun)
        let stream = target.stream, kill = kill, restart = restart, downFor = downFor
        let counted: @Sendable () -> Int = { recorder.read { progress.read($0) } }
        let task = Task {
            while true {
                let seen = recorder.changes.count
                if counted() >= count / 4 { break }
                if Task.isCancelled || handle.isFinishing { return }
                await recorder.changes.wait(after: seen, timeout: .milliseconds(100))  // wakes on each record
            }
            let leader: String
            do {
                let info = try await JetStreamContext(client: admin).streamInfo(stream)
                guard let name = info.cluster?.leader else {
                    handle.fail("stream \(stream) has no leader to disrupt")
                    return
                }
                leader = name
                try await kill(leader)
            } catch {
                handle.fail("\(error)")
                return
            }
            let killedAt = recorder.now()
            handle.killed(leader, at: killedAt, answered: counted())
            // Watch the gaps between answers (in the kv scenario, acknowledged puts) from the kill on (the
            // kill counts as the first), and restart the server `downFor` after the kill (at once if the
            // run is over before that). The restart runs beside the watch: it waits seconds for the
            // cluster, and answers that arrive meanwhile must count (a run can even finish during it).
            let restartAt = ContinuousClock.now.advanced(by: downFor)
            var restarting: Task<Void, Never>?
            var last = counted()
            var lastChange = killedAt
            while true {
                let seen = recorder.changes.count
                let answered = counted()
                let t = recorder.now()
                if answered != last {
                    handle.gap(t - lastChange, answersAfterKill: true)
                    last = answered
                    lastChange = t
                }
                if restarting == nil && (ContinuousClock.now >= restartAt || handle.isFinishing) {
                    restarting = Task {
                        do {
                            try await restart(leader)
                            handle.restarted(at: recorder.now())
                        } catch {
                            handle.fail("bringing \(leader) back: \(error)")
                        }
                        handle.restartFinished()
                    }
                }
                if handle.hasRestarted && (handle.isFinishing || answered >= count) { return }
                if Task.isCancelled {
                    // Never leave a server killed, paused or cut off behind.
                    if restarting == nil { try? await restart(leader) }
                    await restarting?.value
                    return
                }
                // The next record, the restart time, or a look at `isFinishing` (set without a record).
                let untilRestart = restarting != nil ? Duration.milliseconds(100) : min(.milliseconds(100), restartAt - ContinuousClock.now)
                await recorder.changes.wait(after: seen, timeout: max(.zero, untilRestart))
            }
        }
        handle.task.withLock { $0 = task }
        return handle
    }
}

final class KillServerHandle: DurableFaultHandle {
    let admin: NATSClient
    let task = Mutex<Task<Void, Never>?>(nil)
    private struct State {
        var leader: String?
        var killedAt: Int64?
        var answeredAtKill = 0
        var restartedAt: Int64?
        var longestStall: Int64 = 0
        var answersAfterKill = false
        var failure: String?
    }
    private let state = Mutex(State())
    private let finishing = Atomic<Bool>(false)

    /// Set once the scenario is over: the fault restarts the server if it has not yet, and stops watching.
    var isFinishing: Bool { finishing.load(ordering: .relaxed) }

    private let restartEnded = Atomic<Bool>(false)
    /// The restart (or resume, heal) has returned, done or failed.
    var hasRestarted: Bool { restartEnded.load(ordering: .acquiring) }
    func restartFinished() { restartEnded.store(true, ordering: .releasing) }

    let words: KillServerFault.Words
    /// How the report names the disrupted server (`requests stream leader`).
    let role: String
    /// The report's word for one step of progress (`answer`).
    let noun: String

    init(admin: NATSClient, words: KillServerFault.Words, role: String, noun: String) {
        self.admin = admin
        self.words = words
        self.role = role
        self.noun = noun
    }

    var workerNames: [String]? { nil }

    func killed(_ leader: String, at t: Int64, answered: Int) {
        state.withLock { $0.leader = leader; $0.killedAt = t; $0.answeredAtKill = answered }
    }
    func restarted(at t: Int64) { state.withLock { $0.restartedAt = t } }
    func gap(_ ns: Int64, answersAfterKill: Bool) {
        state.withLock { $0.longestStall = max($0.longestStall, ns); $0.answersAfterKill = $0.answersAfterKill || answersAfterKill }
    }
    func fail(_ why: String) { state.withLock { $0.failure = why } }

    func finish(_ records: Checker) async -> [ScenarioCheck] {
        // The fault restarts the server now if it has not yet, so the cluster is whole again, then stops.
        finishing.store(true, ordering: .relaxed)
        _ = await task.withLock({ $0 })?.value
        await admin.close()
        let s = state.withLock { $0 }
        let w = words
        if let failure = s.failure {
            return [ScenarioCheck(name: w.check, passed: false, detail: failure)]
        }
        guard let leader = s.leader, let killedAt = s.killedAt else {
            return [ScenarioCheck(name: w.check, passed: false, detail: "the run ended before a quarter of the \(noun)s; no server was \(w.done)")]
        }
        let down = s.restartedAt.map { SmokeReportRenderer.ms(Double($0 - killedAt) / 1e6) } ?? "never"
        let what = "\(w.done) \(leader) (\(role)) after \(s.answeredAtKill) \(noun)s, \(w.undone) \(down) later; "
        guard s.answersAfterKill else {
            return [ScenarioCheck(name: w.check, passed: false, detail: what + "no \(noun) arrived after that")]
        }
        let ms = Double(s.longestStall) / 1e6
        return [ScenarioCheck(name: w.check, passed: s.restartedAt != nil,
                              detail: what + "unavailable \(SmokeReportRenderer.ms(ms)) (longest time without a new \(noun))",
                              milliseconds: ms)]
    }
}
