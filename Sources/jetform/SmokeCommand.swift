import ArgumentParser
import Foundation
import LocalCluster
import Reconcile
import NATS
import Smoke
import Synchronization
import Topology

/// `jetform smoke [FILE]`: runs the bundled producers/workers against the applied topology and
/// checks that nothing was lost. Exit 0 only when lost and unexpected are zero and every check passed.
struct SmokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smoke",
        abstract: "Exercise the applied topology with bundled producers and workers and check nothing is lost.",
        discussion: """
        Scenarios (from the topology's 'smoke' section, all by default): durable request/response over \
        JetStream, pub/sub, a queue group, request/reply (including a 'no responders' check), and \
        key-value (puts with expected revisions, reads, a watcher and history on a bucket).

        Exit codes: 0 every scenario passed (nothing lost, unexpected or duplicated beyond what the \
        scenario allows), 1 a scenario failed or an error.
        """
    )

    @OptionGroup var topologyFile: TopologyFileArguments
    var file: String { topologyFile.path }

    @Option(help: "Run one scenario: durable, pubsub, queue, request or kv (default: all configured).")
    var scenario: String?

    @Option(help: "Requests (or messages, or puts) per scenario.")
    var count: Int?

    @Option(help: "Workers (durable), subscribers (pubsub), members (queue) or responders (request).")
    var workers: Int?

    @Option(help: "Producers (durable).")
    var producers: Int?

    @Option(name: .customLong("in-flight"), help: "Requests out at once (durable window, request concurrency).")
    var inFlight: Int?

    @Option(name: .customLong("slow-worker"), help: "Make the first durable worker spend this many milliseconds per request.")
    var slowWorkerMs: Int?

    @Option(help: "Offer this many durable requests per second (a fixed load, for latency figures) instead of as many as the in-flight window allows.")
    var rate: Double?

    @Option(help: "Stop waiting for answers after this many seconds without progress.")
    var idleTimeout: Double = 3

    @OptionGroup var connection: ConnectionFlags

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(name: .customLong("kill-worker"), help: "Run workers as processes and SIGKILL one that holds unacked requests.")
    var killWorker = false

    @Flag(name: .customLong("kill-producer"), help: "Run producers as processes and SIGKILL one with requests in flight.")
    var killProducer = false

    @Flag(name: .customLong("kill-server"),
          help: "Kill the requests stream's (durable) or bucket stream's (kv) leader of the local cluster mid-run and restart it.")
    var killServer = false

    @Flag(name: .customLong("pause-server"),
          help: "Stop the requests stream's leader of the local cluster (SIGSTOP) mid-run for longer than an election, then continue it (SIGCONT).")
    var pauseServer = false

    @Flag(name: .customLong("partition-server"),
          help: "Cut the requests stream's leader off from the other servers mid-run (its clients stay connected to it), then heal; needs `jetform cluster up --partitionable`.")
    var partitionServer = false

    /// Any fault flag.
    private var faulted: Bool { killWorker || killProducer || serverFault }
    /// A fault flag aimed at a server, which the kv scenario takes too.
    private var serverFault: Bool { killServer || pauseServer || partitionServer }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let topology = try topologyFile.load(environment: environment)
        var kinds: [ScenarioKind]?
        var producersOverride: Int?
        if let scenario {
            guard let kind = ScenarioKind(rawValue: scenario) else {
                throw CommandFailure.error("unknown scenario '\(scenario)': use durable, pubsub, queue, request or kv")
            }
            kinds = [kind]
        }
        if let rate, !(rate > 0 && rate.isFinite) { throw CommandFailure.error("--rate must be a positive number of requests per second") }
        if killProducer && (producers ?? 0) < 2 { producersOverride = 2 }
        if [killWorker, killProducer, killServer, pauseServer, partitionServer].filter({ $0 }).count > 1 {
            throw CommandFailure.error("use one fault flag at a time")
        }
        // Worker and producer faults need the durable scenario; server faults take the kv scenario too.
        let faultable: [ScenarioKind] = serverFault ? [.durable, .kv] : [.durable]
        if faulted, let kinds, !kinds.allSatisfy(faultable.contains) {
            throw CommandFailure.error(serverFault ? "server fault flags apply to the durable and kv scenarios only"
                                                   : "fault flags apply to the durable scenario only")
        }
        let overrides = SmokeRunner.Overrides(scenarios: kinds, count: count, workers: workers, producers: producersOverride ?? producers,
                                              inFlight: inFlight, slowWorkerDelay: slowWorkerMs.map { .milliseconds($0) }, rate: rate)
        var runner: SmokeRunner
        do { runner = try SmokeRunner(topology: topology, overrides: overrides) } catch { throw CommandFailure.error(error.description) }
        if faulted && kinds == nil {
            let configured = runner.scenarios.filter(faultable.contains)
            runner.overrides.scenarios = configured.isEmpty ? [.durable] : configured
        }
        let settings = try connection.resolve(topology: topology, file: file, defaultContext: runner.spec.context ?? topology.context).settings
        var options: NATSClientOptions
        do { options = try settings.clientOptions(name: "jetform-smoke") } catch { throw CommandFailure.error("connection settings: \(error)") }
        if pauseServer {
            // A paused server keeps its sockets open: only pings tell its clients to go elsewhere (the
            // default, two missed pings 2 minutes apart, outlasts any pause).
            options.pingInterval = .seconds(1)
        }
        // An election after a killed server takes seconds: wait longer for progress then.
        let idle = killServer || pauseServer || partitionServer ? max(idleTimeout, 20) : idleTimeout
        let env = SmokeEnvironment(options: options, idleTimeout: .milliseconds(Int(idle * 1000)), jetStreamDomain: settings.jetStreamDomain)

        if faulted {
            do {
                if serverFault {
                    let fault = pauseServer ? try FaultFactory.pauseServerFault()
                        : partitionServer ? try FaultFactory.partitionServerFault() : try FaultFactory.killServerFault()
                    runner.fault = fault
                    runner.kvFault = fault
                } else {
                    runner.fault = try FaultFactory.make(killWorker: killWorker, killProducer: killProducer, file: file, settings: settings)
                }
            } catch { throw CommandFailure.error("\(error)") }
        }

        if let environment = topology.environment, environment.cluster != nil || environment.domain != nil {
            do {
                try await ReconcileSession.withSession(settings, name: "jetform smoke", environment: environment) { _ in }
            } catch { throw CommandFailure.error("\(error)") }
        }
        let progress = ProgressLine(enabled: !json && isatty(STDERR_FILENO) == 1)
        let report = await runner.run(env) { kind, recorder in progress.watch(kind, recorder) }
        progress.stop()
        if json {
            try printJSON(report)
        } else {
            print(SmokeReportRenderer.text(report), terminator: "")
        }
        if !report.passed { throw ExitCode.failure }
    }
}

/// The live progress line on stderr (`\r`-rewritten), only on a terminal.
final class ProgressLine: Sendable {
    let enabled: Bool
    private let current = Mutex<(ScenarioKind, SmokeRecorder, ContinuousClock.Instant)?>(nil)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(enabled: Bool) {
        self.enabled = enabled
        guard enabled else { return }
        let t = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: .milliseconds(250)) } catch { return }
                guard let self else { return }
                guard let (kind, recorder, started) = self.current.withLock({ $0 }) else { continue }
                let line = SmokeReportRenderer.progressLine(kind, recorder.progress, elapsed: .now - started)
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
            }
        }
        task.withLock { $0 = t }
    }

    func watch(_ kind: ScenarioKind, _ recorder: SmokeRecorder) {
        current.withLock { $0 = (kind, recorder, .now) }
    }

    func stop() {
        task.withLock { $0?.cancel() }
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

extension FaultFactory {
    /// `--kill-server` works only on the local cluster `jetform cluster up` started (its pid files
    /// in `.jetform/cluster`); elsewhere it says so.
    static func killServerFault() throws -> KillServerFault {
        let cluster = try localCluster(for: "--kill-server")
        return KillServerFault(kill: { name in try await cluster.kill(server: name) },
                               restart: { name in try await cluster.start(server: name) })
    }

    /// `--pause-server`, on the local cluster too.
    static func pauseServerFault() throws -> KillServerFault {
        let cluster = try localCluster(for: "--pause-server")
        return KillServerFault.pausing(pause: { name in try await cluster.pause(server: name) },
                                       resume: { name in try await cluster.resume(server: name) })
    }

    /// `--partition-server`, on a local cluster started with `--partitionable`.
    static func partitionServerFault() throws -> KillServerFault {
        let cluster = try localCluster(for: "--partition-server")
        guard cluster.layout.isPartitionable else { throw LocalClusterError.notPartitionable(stateDir: cluster.layout.stateDir.path) }
        return KillServerFault.partitioning(cut: { name in try await cluster.partition(server: name) },
                                            heal: { _ in try await cluster.heal() })
    }

    private static func localCluster(for flag: String) throws -> LocalCluster {
        let cluster = try ClusterLocation.parse([]).cluster(requireBinary: true)
        let pidsDir = cluster.layout.stateDir
        guard FileManager.default.fileExists(atPath: pidsDir.path) else {
            throw SmokeError.process("\(flag) needs the local cluster from 'jetform cluster up' (no \(pidsDir.path)); "
                + "jetform cannot signal servers of a cluster it does not run")
        }
        return cluster
    }
}

/// Builds the fault for `--kill-worker` / `--kill-producer` (and, in the extension, the server faults).
enum FaultFactory {
    static func make(killWorker: Bool, killProducer: Bool, file: String, settings: NATSConnectionSettings) throws -> any DurableFault {
        if killWorker && killProducer { throw SmokeError.process("use one of --kill-worker and --kill-producer at a time") }
        // Children get the merged connection settings through the environment, never on the command line.
        var environment = ProcessInfo.processInfo.environment
        for key in ["NATS_URL", "NATS_USER", "NATS_PASSWORD", "NATS_TOKEN", "NATS_CREDS", "NATS_NKEY"] { environment[key] = nil }
        if let url = settings.url { environment["NATS_URL"] = url }
        if let user = settings.user { environment["NATS_USER"] = user }
        if let password = settings.password { environment["NATS_PASSWORD"] = password }
        if let token = settings.token { environment["NATS_TOKEN"] = token }
        if let creds = settings.creds { environment["NATS_CREDS"] = creds }
        if let nkey = settings.nkey { environment["NATS_NKEY"] = nkey }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        if killProducer {
            return KillProducerFault(executable: executable, arguments: ["producer", file], environment: environment)
        }
        return KillWorkerFault(executable: executable, arguments: ["worker", file], environment: environment)
    }
}
