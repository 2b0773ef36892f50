import Foundation
import Synchronization

/// `--kill-producer`: producer 1 runs as a child process (`jetform producer --json-events`) and is
/// killed with SIGKILL while its requests are in flight; the surviving in-process producer collects
/// their answers from the responses stream. Lost must stay 0.
public struct KillProducerFault: DurableFault {
    public var executable: String
    /// Arguments that start a producer (`producer <file>`); the run id, ids and `--json-events` are appended.
    public var arguments: [String]
    public var environment: [String: String]
    /// The victim is killed once this many of its requests were acknowledged.
    public var killAfterAcks: Int

    public init(executable: String, arguments: [String], environment: [String: String], killAfterAcks: Int = 50) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.killAfterAcks = killAfterAcks
    }

    public var externalProducers: Int { 1 }

    public func start(env: SmokeEnvironment, scenario: DurableScenario, setup: DurableScenario.Setup, recorder: SmokeRecorder,
                      workerEvents: @escaping @Sendable (Int, WorkerEvent) -> Void,
                      producerEvents: @escaping @Sendable (ProducerEvent) -> Void) async throws -> any DurableFaultHandle {
        guard scenario.producers >= 2 else { throw SmokeError.process("--kill-producer needs at least two producers (--producers 2)") }
        let producers = scenario.producers
        let victimCount = (scenario.count + producers - 1) / producers
        let handle = KillProducerHandle(producers: producers, count: scenario.count, recorder: recorder, killAfterAcks: killAfterAcks)
        let args = arguments + ["--run-id", env.runId, "--start", "0", "--count", String(victimCount), "--step", String(producers),
                                "--in-flight", String(max(1, scenario.inFlight / producers)), "--json-events"]
        let child = try ChildProcess(executable: executable, arguments: args, environment: environment) { line in
            guard let event = try? JSONDecoder().decode(ProducerEvent.self, from: Data(line.utf8)) else { return }
            producerEvents(event)
            if case .acked = event { handle.acked() }
        }
        handle.child.withLock { $0 = child }
        return handle
    }
}

final class KillProducerHandle: DurableFaultHandle {
    let producers: Int
    let count: Int
    let recorder: SmokeRecorder
    let killAfterAcks: Int
    let child = Mutex<ChildProcess?>(nil)
    private let ackCount = Atomic<Int>(0)
    private let killed = ExitSignal()
    private let outstandingAtKill = Mutex<Int?>(nil)

    init(producers: Int, count: Int, recorder: SmokeRecorder, killAfterAcks: Int) {
        self.producers = producers
        self.count = count
        self.recorder = recorder
        self.killAfterAcks = killAfterAcks
    }

    var workerNames: [String]? { nil }

    func acked() {
        let n = ackCount.add(1, ordering: .relaxed).newValue
        guard n == killAfterAcks, let process = child.withLock({ $0 }) else { return }
        process.kill()
        let victimIds = stride(from: 0, to: count, by: producers)
        let outstanding = recorder.read { c in victimIds.reduce(0) { $0 + (c.sentTime(of: $1) != nil && !c.isComplete($1) ? 1 : 0) } }
        outstandingAtKill.withLock { $0 = outstanding }
        killed.fire()
    }

    func waitForProducers() async {
        // The victim is killed after a few acks, or finishes if the run is too short for that.
        guard let process = child.withLock({ $0 }) else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.killed.wait() }
            group.addTask { await process.wait() }
            await group.next()
            group.cancelAll()
        }
    }

    func finish(_ records: Checker) async -> [ScenarioCheck] {
        if let process = child.withLock({ $0 }) {
            process.terminate()
            await process.wait()
        }
        guard let outstanding = outstandingAtKill.withLock({ $0 }) else {
            return [ScenarioCheck(name: "kill producer", passed: false, detail: "producer p1 finished before \(killAfterAcks) acks; nothing was killed")]
        }
        return [ScenarioCheck(name: "kill producer", passed: outstanding > 0,
                              detail: "p1 killed (SIGKILL) with \(outstanding) requests in flight (sent, unanswered); the surviving producer collected the answers of those the stream had acknowledged")]
    }
}
