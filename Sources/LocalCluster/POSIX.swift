#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Thin wrappers over the POSIX calls the harness needs: spawning a server with its output in a
/// log file, signalling it, and telling whether it still runs (for our children and for
/// processes started by an earlier `jetform cluster up`).
enum POSIX {
    struct SpawnRequest {
        var executable: String
        var arguments: [String]
        var environment: [String: String]
        var logFile: String
        /// A new session detaches the server from the terminal and from this process, so it
        /// keeps running after `jetform cluster up` exits and no terminal signal reaches it.
        /// Without it the server shares our process group: Ctrl-C on a test run stops it too.
        var newSession: Bool
    }

    #if canImport(Darwin)
    private static let spawnSetSID = Int32(POSIX_SPAWN_SETSID)
    #else
    // glibc and musl define it only for _GNU_SOURCE, which the Swift module doesn't import.
    private static let spawnSetSID: Int32 = 0x80

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), looked up at run time for the same reason.
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()
    #endif

    static func spawn(_ request: SpawnRequest) throws(LocalClusterError) -> pid_t {
        #if canImport(Darwin)
        var fileActions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var fileActions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 1, request.logFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)

        // Signals: default dispositions and an empty mask, whatever the test runner had set up.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)

        var flags = Int32(POSIX_SPAWN_SETSIGMASK) | Int32(POSIX_SPAWN_SETSIGDEF)
        if request.newSession { flags |= spawnSetSID }
        // Don't leak our descriptors (sockets of other tests, pipes) into the server.
        #if canImport(Darwin)
        flags |= Int32(POSIX_SPAWN_CLOEXEC_DEFAULT)
        #else
        if let addCloseFrom = Self.addCloseFrom { _ = addCloseFrom(&fileActions, 3) }
        #endif
        posix_spawnattr_setflags(&attributes, Int16(truncatingIfNeeded: flags))

        let argv = ([request.executable] + request.arguments).map { strdup($0) }
        let envp = request.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, request.executable, &fileActions, &attributes, argv + [nil], envp + [nil])
        guard result == 0 else {
            throw .spawnFailed(executable: request.executable, reason: String(cString: strerror(result)))
        }
        return pid
    }

    /// Whether `pid` still runs. Reaps it when it is our child and has exited.
    static func isRunning(_ pid: pid_t) -> Bool {
        guard pid > 1 else { return false }
        var status: Int32 = 0
        let waited = waitpid(pid, &status, WNOHANG)
        if waited == pid { return false }  // our child, exited (now reaped)
        if waited == 0 { return true }  // our child, running
        // Not our child (started by an earlier `cluster up`): does it exist and is it no zombie?
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        {
            let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
            return state != "Z" && state != "X"
        }
        #endif
        return true
    }

    /// Whether `pid` runs a nats-server binary: guards against signalling a process that reused
    /// the pid of a server recorded in a stale pid file.
    static func isNATSServer(_ pid: pid_t) -> Bool {
        guard pid > 1 else { return false }
        var status: Int32 = 0
        switch waitpid(pid, &status, WNOHANG) {
        case 0: return true  // our running child: we started it as nats-server (maybe via a PATH shim)
        case pid: return false  // our child, exited
        default: break
        }
        guard isRunning(pid) else { return false }
        #if os(Linux)
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let argv0 = data.split(separator: 0, omittingEmptySubsequences: false).first ?? Data()
        let name = (String(decoding: argv0, as: UTF8.self) as NSString).lastPathComponent
        // A PATH shim (pyenv) execs the real binary; while it runs argv[0] may be the shim's shell.
        return name.contains("nats-server")
            || String(decoding: data, as: UTF8.self).contains("nats-server")
        #else
        let ps = Process()
        ps.executableURL = URL(fileURLWithPath: "/bin/ps")
        ps.arguments = ["-p", String(pid), "-o", "comm="]
        let pipe = Pipe()
        ps.standardOutput = pipe
        ps.standardError = FileHandle.nullDevice
        guard (try? ps.run()) != nil else { return false }
        ps.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return out.contains("nats-server")
        #endif
    }

    static func signal(_ pid: pid_t, _ signal: Int32) {
        guard pid > 1 else { return }
        _ = kill(pid, signal)
    }

    /// Waits until `pid` has exited, polling; returns false on timeout.
    static func waitForExit(_ pid: pid_t, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning(pid) {
            if ContinuousClock.now >= deadline { return false }
            do { try await Task.sleep(for: .milliseconds(20)) } catch { return !isRunning(pid) }
        }
        return true
    }

}
