import Foundation
import Synchronization

/// `--kill-worker`: the durable scenario's workers run as child processes (`jetform worker
/// --json-events`); worker 1 is slow, and once it has answered a few requests and holds one it has
/// taken and not acknowledged, it is killed with SIGKILL. Its requests come back to the others
/// after the consumer's ack wait; the check reports how long the first redelivery took after the kill.
public struct KillWorkerFault: DurableFault {
    /// The executable and the arguments that start one worker; `--id`, `--run-id`, `--delay` and
    /// `--json-events` are appended.
    public var executable: String
    public var arguments: [String]
    /// Environment for the children (connection settings travel here, not on the command line).
    public var environment: [String: String]
    /// Per-request delay of the worker that gets killed, so it holds requests when killed.
    public var victimDelay: Duration
    /// Requests the victim must have answered and acknowledged before it is killed, so it dies in
    /// the middle of its work rather than on its first request.
    public var answeredBeforeKill: Int

    public init(executable: String, arguments: [String], environment: [String: String], victimDelay: Duration = .milliseconds(300),
                answeredBeforeKill: Int = 2) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.victimDelay = victimDelay
        self.answeredBeforeKill = max(0, answeredBeforeKill)
    }

    public var replacesWorkers: Bool { true }

    public func start(env: SmokeEnvironment, scenario: DurableScenario, setup: DurableScenario.Setup, recorder: SmokeRecorder,
                      workerEvents: @escaping @Sendable (Int, WorkerEvent) -> Void,
                      producerEvents: @escaping @Sendable (ProducerEvent) -> Void) async throws -> any DurableFaultHandle {
        let workers = max(2, scenario.workers)
        let tally = Mutex([Int: VictimTally]())
        // The kill is decided on the victim's own events, as they arrive.
        let handleBox = Mutex<KillWorkerHandle?>(nil)
        var children: [ChildProcess] = []
        for i in 0..<workers {
            var args = arguments + ["--id", "w\(i + 1)", "--run-id", env.runId, "--json-events"]
            if i == 0 { args += ["--delay", String(Int(Wait.seconds(victimDelay) * 1000)), "--batch", "4"] }
            let child = try ChildProcess(executable: executable, arguments: args, environment: environment) { line in
                guard let event = try? JSONDecoder().decode(WorkerEvent.self, from: Data(line.utf8)) else { return }
                let now: VictimTally? = switch event {
                case .handled: tally.withLock { $0[i, default: VictimTally()].handled += 1; return $0[i] }
                case .completed: tally.withLock { $0[i, default: VictimTally()].completed += 1; return $0[i] }
                default: nil
                }
                workerEvents(i, event)
                if i == 0, let now { handleBox.withLock { $0 }?.consider(now, recorder: recorder) }
            }
            children.append(child)
        }
        let handle = KillWorkerHandle(children: children, names: (0..<workers).map { "w\($0 + 1)" }, answeredBeforeKill: answeredBeforeKill)
        handleBox.withLock { $0 = handle }
        handle.consider(tally.withLock { $0[0, default: VictimTally()] }, recorder: recorder)  // events before the box was set
        return handle
    }
}

/// What a worker reported so far: requests taken and requests answered and acknowledged.
struct VictimTally: Sendable, Hashable {
    var handled = 0
    var completed = 0
    /// Taken and not yet acknowledged (the answer may or may not be stored).
    var held: Int { handled - completed }
}

final class KillWorkerHandle: DurableFaultHandle {
    let children: [ChildProcess]
    let workerNames: [String]?
    let answeredBeforeKill: Int
    private let killedAt = Mutex<Int64?>(nil)
    private let atKill = Mutex(VictimTally())

    init(children: [ChildProcess], names: [String], answeredBeforeKill: Int) {
        self.children = children
        workerNames = names
        self.answeredBeforeKill = answeredBeforeKill
    }

    /// Kills worker 1 once it has answered `answeredBeforeKill` requests and holds at least one it
    /// has taken and not acknowledged (it is working on it); the requests it pulled and has not
    /// reached yet are unacknowledged too. Called with the victim's tally on each of its events.
    func consider(_ tally: VictimTally, recorder: SmokeRecorder) {
        guard tally.completed >= answeredBeforeKill && tally.held >= 1 else { return }
        let first = killedAt.withLock { at -> Bool in
            guard at == nil else { return false }
            at = recorder.now()
            return true
        }
        guard first else { return }
        children[0].kill()
        atKill.withLock { $0 = tally }
    }

    func finish(_ records: Checker) async -> [ScenarioCheck] {
        for c in children { c.terminate() }
        for c in children { await c.wait() }
        guard let killed = killedAt.withLock({ $0 }) else {
            return [ScenarioCheck(name: "kill worker", passed: false,
                                  detail: "worker w1 never held unacknowledged requests after answering \(answeredBeforeKill), so it was not killed")]
        }
        let tally = atKill.withLock { $0 }
        let kill = ScenarioCheck(name: "kill worker", passed: true,
                                 detail: "w1 killed (SIGKILL) after answering \(tally.completed) requests, holding \(tally.held) taken and unacknowledged "
                                     + "(plus any it had pulled and not reached)")
        guard let first = records.firstRedeliveryAt, first >= killed else {
            return [kill, ScenarioCheck(name: "redelivery", passed: false, detail: "no request was redelivered after the kill")]
        }
        let ms = Double(first - killed) / 1e6
        return [kill, ScenarioCheck(name: "redelivery", passed: true,
                                    detail: "first redelivery \(SmokeReportRenderer.ms(ms)) after the kill", milliseconds: ms)]
    }
}

/// A child process whose stdout lines go to a callback (read on a dedicated thread, so the
/// cooperative pool is never blocked).
final class ChildProcess: Sendable {
    private let process: Process
    private let done = ExitSignal()

    init(executable: String, arguments: [String], environment: [String: String], onLine: @escaping @Sendable (String) -> Void) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        self.process = process
        let reader = out.fileHandleForReading
        let done = self.done
        let thread = Thread {
            var pending = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...nl)
                    onLine(line)
                }
            }
            done.fire()
        }
        try process.run()
        thread.start()
    }

    /// SIGKILL.
    func kill() { Foundation.kill(process.processIdentifier, SIGKILL) }

    /// SIGTERM, if still running.
    func terminate() { if process.isRunning { process.terminate() } }

    /// Returns once the process's stdout has closed (it exited).
    func wait() async {
        await done.wait()
        process.waitUntilExit()
    }
}

/// Fires once; waiters before and after return.
final class ExitSignal: Sendable {
    private let waiters = Mutex<[CheckedContinuation<Void, Never>]?>([])

    func fire() {
        let pending = waiters.withLock { w -> [CheckedContinuation<Void, Never>] in
            defer { w = nil }
            return w ?? []
        }
        for c in pending { c.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let fired = waiters.withLock { w -> Bool in
                guard w != nil else { return true }
                w!.append(c)
                return false
            }
            if fired { c.resume() }
        }
    }
}
