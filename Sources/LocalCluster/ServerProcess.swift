#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One nats-server process as the harness tracks it: a pid file in the server's directory (the
/// source of truth, so a later `jetform cluster down` finds servers an earlier `up` started) and
/// a log file that collects stdout and stderr.
struct ServerProcess {
    var name: String
    var pidFile: URL
    var logFile: URL

    /// The pid of the running nats-server recorded in the pid file, if any.
    var runningPID: pid_t? {
        guard let pid = recordedPID, POSIX.isNATSServer(pid) else { return nil }
        return pid
    }

    var recordedPID: pid_t? {
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8) else { return nil }
        // 0 and negative pids name process groups for kill() and waitpid(): never use them.
        guard let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 else { return nil }
        return pid
    }

    /// Starts the server and records its pid; returns where its log output begins.
    func spawn(
        binary: URL, configFile: URL, environment: [String: String], newSession: Bool
    ) throws(LocalClusterError) -> (pid: pid_t, logOffset: UInt64) {
        let directory = pidFile.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .io("cannot create \(directory.path): \(error)")
        }
        let logOffset = (try? FileManager.default.attributesOfItem(atPath: logFile.path)[.size] as? UInt64) ?? 0
        var fullEnvironment = ProcessInfo.processInfo.environment
        fullEnvironment.merge(environment) { _, new in new }
        let pid = try POSIX.spawn(
            POSIX.SpawnRequest(
                executable: binary.path,
                arguments: ["-c", configFile.path],
                environment: fullEnvironment,
                logFile: logFile.path,
                newSession: newSession
            )
        )
        do {
            try Data("\(pid)\n".utf8).write(to: pidFile, options: .atomic)
        } catch {
            POSIX.signal(pid, SIGKILL)
            throw .io("cannot write \(pidFile.path): \(error)")
        }
        return (pid, logOffset)
    }

    func removePIDFile() {
        try? FileManager.default.removeItem(at: pidFile)
    }

    /// The last `lines` lines the server logged since `offset`.
    func logTail(from offset: UInt64 = 0, lines: Int = 25) -> String {
        guard let handle = try? FileHandle(forReadingFrom: logFile) else { return "(no log at \(logFile.path))" }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let data = (try? handle.readToEnd()) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1)
        return tail.map { "  \($0)" }.joined(separator: "\n").trimmingCharacters(in: .newlines)
    }

    /// SIGTERM to every pid, then SIGKILL to those still running after `timeout`.
    static func terminate(_ pids: [pid_t], timeout: Duration) async {
        for pid in pids { POSIX.signal(pid, SIGTERM) }
        let deadline = ContinuousClock.now + timeout
        var survivors: [pid_t] = []
        for pid in pids where !(await POSIX.waitForExit(pid, timeout: deadline - ContinuousClock.now)) {
            survivors.append(pid)
        }
        for pid in survivors { POSIX.signal(pid, SIGKILL) }
        for pid in survivors { _ = await POSIX.waitForExit(pid, timeout: .seconds(5)) }
    }
}
