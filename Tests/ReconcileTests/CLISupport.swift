import Foundation
import LocalCluster
import NATS
import Testing

/// Runs the `jetform` built beside the tests (``JetformBinary``: never a stale one) in a scratch directory
/// holding a copy of the shipped topology.yaml, with NATS_URL pointing at a test cluster (the file's
/// contexts read `${NATS_URL:-…}`).
struct JetformCLI {
    let directory: URL
    let environment: [String: String]
    let binary: URL

    init(cluster: LocalCluster, topology: String? = nil) throws {
        try self.init(urls: cluster.clientURLs, topology: topology)
    }

    init(urls: [String], topology: String? = nil) throws {
        binary = try JetformBinary.url()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("jetform-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let text = try topology ?? String(contentsOf: repositoryRoot().appendingPathComponent("topology.yaml"), encoding: .utf8)
        try text.write(to: directory.appendingPathComponent("topology.yaml"), atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        for key in ["NATS_USER", "NATS_PASSWORD", "NATS_CREDS", "NATS_NKEY", "NATS_TOKEN", "NATS_CONTEXT", "NATS_SYS_USER", "NATS_SYS_PASSWORD"] {
            env[key] = nil
        }
        env["NATS_URL"] = urls.joined(separator: ",")
        env["NO_COLOR"] = "1"
        environment = env
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    struct Result: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
    }

    /// A started process; `wait()` collects its result.
    final class Running: @unchecked Sendable {
        let process: Process
        let out: URL
        let err: URL
        init(process: Process, out: URL, err: URL) {
            self.process = process
            self.out = out
            self.err = err
        }
        var pid: Int32 { process.processIdentifier }

        func wait() async -> Result {
            while process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
            let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
            return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
        }

        /// The output so far.
        var stdoutSoFar: String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
    }

    func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment.merging(extra) { _, new in new }
        let id = UUID().uuidString
        let out = directory.appendingPathComponent("out-\(id)")
        let err = directory.appendingPathComponent("err-\(id)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, out: out, err: err)
    }

    func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Result {
        try await start(arguments, environment: extra).wait()
    }

    func read(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }
}
