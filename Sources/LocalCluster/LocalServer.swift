#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation

/// A single nats-server (no cluster) for tests that need one server with particular settings:
/// TLS, other authentication, no JetStream, an older release.
///
/// Its config is written to the state directory: listen and monitoring ports, optionally the
/// cluster's accounts (a copy of `cluster/accounts.conf`: users user/user in APP with JetStream and
/// admin/admin in SYS), optionally JetStream, then `extraConfig` verbatim.
public actor LocalServer {
    public struct Options: Sendable, Hashable {
        public var name: String
        /// Include the cluster's `accounts.conf`. Turn off to configure authentication yourself.
        public var accounts: Bool
        public var jetStream: Bool
        /// The server's JetStream domain (`jetstream { domain: … }`), for hub and leaf setups.
        public var jetStreamDomain: String?
        /// Appended to the generated config, e.g. a `tls { … }` block or `authorization { … }`.
        public var extraConfig: String

        public init(name: String = "local", accounts: Bool = true, jetStream: Bool = true, jetStreamDomain: String? = nil,
                    extraConfig: String = "") {
            self.name = name
            self.accounts = accounts
            self.jetStream = jetStream
            self.jetStreamDomain = jetStreamDomain
            self.extraConfig = extraConfig
        }
    }

    public nonisolated let options: Options
    public nonisolated let clientPort: Int
    public nonisolated let monitorPort: Int
    public nonisolated let stateDir: URL
    public nonisolated let serverBinary: URL
    public nonisolated let configDir: URL
    /// In a session of its own, outliving this process (the leaf of `jetform cluster up --with-leaf`).
    public nonisolated let detached: Bool

    private var child: pid_t?
    private var logOffset: UInt64 = 0

    public init(
        options: Options = Options(),
        clientPort: Int,
        monitorPort: Int,
        stateDir: URL,
        serverBinary: URL,
        configDir: URL = ClusterConfig.sourceTreeDirectory,
        detached: Bool = false
    ) {
        self.detached = detached
        self.options = options
        self.clientPort = clientPort
        self.monitorPort = monitorPort
        self.stateDir = stateDir
        self.serverBinary = serverBinary
        self.configDir = configDir
    }

    deinit {
        if !detached, let child, POSIX.isRunning(child) { POSIX.signal(child, SIGKILL) }
    }

    /// `nats://127.0.0.1:<port>` (the scheme stays `nats` with TLS too; clients upgrade on INFO).
    public nonisolated var clientURL: String { "nats://127.0.0.1:\(clientPort)" }
    public nonisolated var monitorURL: String { "http://127.0.0.1:\(monitorPort)" }
    public nonisolated var configFile: URL { stateDir.appendingPathComponent("server.conf") }

    private var process: ServerProcess {
        ServerProcess(
            name: options.name,
            pidFile: stateDir.appendingPathComponent("nats-server.pid"),
            logFile: stateDir.appendingPathComponent("nats-server.log"))
    }

    /// The config this server runs with.
    public nonisolated func configText() -> String {
        var lines = [
            "# Written by LocalServer.",
            "server_name: \(ConfigText.quoted(options.name))",
            "host: 127.0.0.1",
            "port: \(clientPort)",
            "http_port: \(monitorPort)",
        ]
        if options.accounts { lines.append("include \"\(ClusterConfig.accountsFileName)\"") }
        if options.jetStream {
            lines.append(
                """
                jetstream {
                  store_dir: \(ConfigText.quoted(stateDir.appendingPathComponent("store").path))
                  max_memory_store: 1GB
                  max_file_store: 4GB\(options.jetStreamDomain.map { "\n  domain: \(ConfigText.quoted($0))" } ?? "")
                }
                """)
        }
        lines.append(options.extraConfig)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Starts the server and waits until `/healthz` says ok.
    public func start(timeout: Duration = .seconds(20)) async throws(LocalClusterError) {
        guard process.runningPID == nil else { return }
        if options.accounts {
            let source = configDir.appendingPathComponent(ClusterConfig.accountsFileName)
            guard let accounts = try? String(contentsOf: source, encoding: .utf8) else {
                throw .configNotFound(directory: configDir.path)
            }
            try ConfigText.write(accounts, to: stateDir.appendingPathComponent(ClusterConfig.accountsFileName))
        }
        try ConfigText.write(configText(), to: configFile)
        for (port, purpose) in [(clientPort, "client"), (monitorPort, "monitoring")] where Sockets.isPortInUse(port) {
            throw .portInUse(port: port, purpose: purpose, server: options.name)
        }
        let (pid, offset) = try process.spawn(
            binary: serverBinary, configFile: configFile, environment: [:], newSession: detached)
        child = pid
        logOffset = offset

        let started = ContinuousClock.now
        let monitoring = Monitoring(port: monitorPort, timeout: .seconds(1))
        var detail = "monitoring not answering"
        while true {
            guard POSIX.isRunning(pid) else {
                child = nil
                process.removePIDFile()
                throw .exitedDuringStartup(
                    server: options.name, logFile: process.logFile.path, logTail: process.logTail(from: offset))
            }
            if let health = await Monitoring.offload({ monitoring.health() }) {
                if health.ok { return }
                detail = health.detail
            }
            if Task.isCancelled || ContinuousClock.now - started >= timeout {
                await stop(timeout: .seconds(5))
                if Task.isCancelled { throw .cancelled }
                throw .startTimedOut(
                    seconds: Double(timeout.components.seconds), waitingFor: "\(options.name): \(detail)",
                    logTails: process.logTail(from: offset, lines: 10))
            }
            do { try await Task.sleep(for: .milliseconds(50)) } catch {
                await stop(timeout: .seconds(5))
                throw .cancelled
            }
        }
    }

    /// Whether the server recorded in the pid file runs.
    public var isRunning: Bool { process.runningPID != nil }

    /// SIGTERM, then SIGKILL after `timeout`.
    public func stop(timeout: Duration = .seconds(10)) async {
        var pids: Set<pid_t> = []
        if let pid = process.runningPID { pids.insert(pid) }
        if let child, POSIX.isRunning(child) { pids.insert(child) }
        await ServerProcess.terminate(Array(pids), timeout: timeout)
        process.removePIDFile()
        child = nil
    }

    /// SIGKILL, as a crash would; `start()` brings it back with the same store.
    public func kill() async {
        var pids: Set<pid_t> = []
        if let pid = process.runningPID { pids.insert(pid) }
        if let child, POSIX.isRunning(child) { pids.insert(child) }
        for pid in pids { POSIX.signal(pid, SIGKILL) }
        for pid in pids { _ = await POSIX.waitForExit(pid, timeout: .seconds(5)) }
        process.removePIDFile()
        child = nil
    }

    /// The server's `server_name` and version from `/varz`, nil when it doesn't answer.
    public nonisolated func version() -> String? {
        Monitoring(port: monitorPort).varz()?.version
    }

    /// The end of the server's log since it was last started.
    public func logTail(lines: Int = 25) -> String {
        process.logTail(from: logOffset, lines: lines)
    }

    /// Runs `body` against a fresh server on free ports in a temporary directory; stops it and
    /// removes the directory afterwards, also when `body` throws.
    public static func withServer<T>(
        options: Options = Options(),
        version: String? = nil,
        serverBinary: URL? = nil,
        timeout: Duration = .seconds(20),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (LocalServer) async throws -> T
    ) async throws -> T {
        let binary = try ServerBinary.resolve(version: version, explicit: serverBinary)
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }
        let server = try await startOnFreePorts(options: options, binary: binary, directory: directory, timeout: timeout)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// How many leafnode connections `/leafz` lists.
    public nonisolated func leafnodeConnections() -> Int {
        Monitoring(port: monitorPort).leafz()?.leafnodes ?? 0
    }

    static func startOnFreePorts(
        options: Options, binary: URL, directory: URL, timeout: Duration
    ) async throws(LocalClusterError) -> LocalServer {
        var attempt = 1
        while true {
            let ports = try Sockets.freePorts(count: 2)
            let server = LocalServer(
                options: options, clientPort: ports[0], monitorPort: ports[1],
                stateDir: directory.appendingPathComponent("try-\(attempt)"), serverBinary: binary)
            do {
                try await server.start(timeout: timeout)
                return server
            } catch {
                guard attempt < 3, error.isPortConflict else { throw error }
                attempt += 1
            }
        }
    }
}
