import JetStream
import NATS
import Synchronization

/// `--kill-server`: once a quarter of the requests are answered, the requests stream's leader is
/// killed (SIGKILL) and restarted `downFor` later. Lost must stay 0; the check reports the
/// unavailability window: the longest time without a new answer after the kill.
///
/// Killing and starting servers is left to closures, so the same fault drives the local cluster of
/// `jetform cluster up` and the clusters of the tests.
public struct KillServerFault: DurableFault {
    public var kill: @Sendable (String) async throws -> Void
    public var restart: @Sendable (String) async throws -> Void
    public var downFor: Duration

    public init(downFor: Duration = .seconds(3), kill: @escaping @Sendable (String) async throws -> Void,
                restart: @escaping @Sendable (String) async throws -> Void) {
        self.kill = kill
        self.restart = restart
        self.downFor = downFor
    }

    public func start(env: SmokeEnvironment, scenario: DurableScenario, setup: DurableScenario.Setup, recorder: SmokeRecorder,
                      workerEvents: @escaping @Sendable (Int, WorkerEvent) -> Void,
                      producerEvents: @escaping @Sendable (ProducerEvent) -> Void) async throws -> any DurableFaultHandle {
        let admin = try await env.connect("kill-server")
        let handle = KillServerHandle(admin: admin)
        let stream = scenario.requestsStream, count = scenario.count, kill = kill, restart = restart, downFor = downFor
        let task = Task {
            while recorder.read({ $0.answered }) < count / 4 {
                if Task.isCancelled { return }
                try? await Task.sleep(for: .milliseconds(5))
            }
            do {
                let info = try await JetStreamContext(client: admin).streamInfo(stream)
                guard let leader = info.cluster?.leader else {
                    handle.fail("stream \(stream) has no leader to kill")
                    return
                }
                try await kill(leader)
                let killedAt = recorder.now()
                handle.killed(leader, at: killedAt, answered: recorder.read { $0.answered })
                // Watch for the longest stall in answers while the server is down and after.
                let watch = Task {
                    var last = recorder.read { $0.answered }
                    var lastChange = killedAt
                    var longest: Int64 = 0
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(5))
                        let answered = recorder.read { $0.answered }
                        let t = recorder.now()
                        if answered != last {
                            longest = max(longest, t - lastChange)
                            last = answered
                            lastChange = t
                        }
                        handle.stall(longest)
                        if answered >= count { return }
                    }
                }
                try await Task.sleep(for: downFor)
                try await restart(leader)
                handle.restarted(at: recorder.now())
                _ = await watch.value
            } catch {
                handle.fail("\(error)")
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
        var failure: String?
    }
    private let state = Mutex(State())

    init(admin: NATSClient) { self.admin = admin }

    var workerNames: [String]? { nil }

    func killed(_ leader: String, at t: Int64, answered: Int) {
        state.withLock { $0.leader = leader; $0.killedAt = t; $0.answeredAtKill = answered }
    }
    func restarted(at t: Int64) { state.withLock { $0.restartedAt = t } }
    func stall(_ ns: Int64) { state.withLock { $0.longestStall = max($0.longestStall, ns) } }
    func fail(_ why: String) { state.withLock { $0.failure = why } }

    func finish(_ records: Checker) async -> [ScenarioCheck] {
        // Let a pending restart finish so the cluster is whole again.
        let t = task.withLock { $0 }
        if state.withLock({ $0.killedAt != nil && $0.restartedAt == nil }) { _ = await t?.value } else { t?.cancel() }
        await admin.close()
        let s = state.withLock { $0 }
        if let failure = s.failure {
            return [ScenarioCheck(name: "kill server", passed: false, detail: failure)]
        }
        guard let leader = s.leader, let killedAt = s.killedAt else {
            return [ScenarioCheck(name: "kill server", passed: false, detail: "the run ended before a quarter of the answers; no server was killed")]
        }
        let stall = s.longestStall
        let ms = Double(stall) / 1e6
        let down = s.restartedAt.map { SmokeReportRenderer.ms(Double($0 - killedAt) / 1e6) } ?? "not restarted"
        return [ScenarioCheck(name: "kill server", passed: s.restartedAt != nil,
                              detail: "killed \(leader) (requests stream leader) after \(s.answeredAtKill) answers, restarted after \(down); "
                                  + "unavailable \(SmokeReportRenderer.ms(ms)) (longest time without a new answer)",
                              milliseconds: ms)]
    }
}
