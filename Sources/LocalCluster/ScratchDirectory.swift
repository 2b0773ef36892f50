#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation

/// Temporary state directories for `withCluster`/`withServer`, under
/// `$TMPDIR/jetform-localcluster/<uuid>`, each with an `owner.pid` naming the process that made it.
/// Servers left behind by a test process that crashed (so never ran its cleanup) are killed and
/// their directories removed when the next one starts.
enum ScratchDirectory {
    static var base: URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("jetform-localcluster")
    }

    static func make() throws(LocalClusterError) -> URL {
        sweepAbandoned()
        let directory = base.appendingPathComponent(UUID().uuidString.prefix(8).lowercased())
        try ConfigText.write("\(getpid())\n", to: directory.appendingPathComponent("owner.pid"))
        return directory
    }

    /// Removes `directory`, unless `JETFORM_KEEP_CLUSTER_STATE` is set (to read the logs).
    static func remove(_ directory: URL) {
        guard ProcessInfo.processInfo.environment["JETFORM_KEEP_CLUSTER_STATE"] == nil else { return }
        try? FileManager.default.removeItem(at: directory)
    }

    static func sweepAbandoned() {
        let entries = (try? FileManager.default.contentsOfDirectory(at: base, includingPropertiesForKeys: nil)) ?? []
        for directory in entries {
            let ownerFile = directory.appendingPathComponent("owner.pid")
            guard let text = try? String(contentsOf: ownerFile, encoding: .utf8),
                let owner = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), owner > 1
            else { continue }
            if kill(owner, 0) == 0 || errno == EPERM { continue }  // owner still running
            for pidFile in pidFiles(under: directory) {
                let process = ServerProcess(name: "", pidFile: pidFile, logFile: pidFile)
                if let pid = process.runningPID { POSIX.signal(pid, SIGKILL) }
            }
            try? FileManager.default.removeItem(at: directory)
        }
    }

    private static func pidFiles(under directory: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            return []
        }
        var files: [URL] = []
        for case let url as URL in enumerator where url.lastPathComponent == "nats-server.pid" {
            files.append(url)
        }
        return files
    }
}

extension LocalCluster {
    /// Runs `body` against a fresh cluster on free ports in a temporary directory, and stops the
    /// servers and removes the directory afterwards, also when `body` throws.
    ///
    /// - Parameters:
    ///   - size: number of servers (inst-1…inst-`size`).
    ///   - version: a release such as "2.10.25" (see `ServerBinary.release`); nil uses `serverBinary`
    ///     or nats-server on PATH. A missing release is an error, never a skip.
    ///   - extraConfig: appended to the shared `server.conf`.
    ///   - partitionable: routes through relays, so that `partition(server:)` can cut a server off.
    ///   - leaf: a leaf server beside the cluster (`leafServer()`; the cluster runs as JetStream domain hub).
    ///   - timeout: how long the servers may take to agree on a meta leader. A 2.10 server starved of CPU
    ///     (the whole test suite beside it on two cores) was seen not current with the leader after 30 s.
    public static func withCluster<T>(
        size: Int = 3,
        version: String? = nil,
        serverBinary: URL? = nil,
        extraConfig: String = "",
        partitionable: Bool = false,
        leaf: Bool = false,
        timeout: Duration = .seconds(90),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (LocalCluster) async throws -> T
    ) async throws -> T {
        let binary = try ServerBinary.resolve(version: version, explicit: serverBinary)
        let directory = try ScratchDirectory.make()
        defer { ScratchDirectory.remove(directory) }

        let cluster = try await startOnFreePorts(
            size: size, binary: binary, extraConfig: extraConfig, partitionable: partitionable, leaf: leaf, directory: directory, timeout: timeout)
        do {
            let result = try await body(cluster)
            await cluster.stop()
            return result
        } catch {
            await cluster.stop()
            throw error
        }
    }
}

extension LocalCluster {
    /// Free ports can be taken by someone else before the servers bind them: retry with new ones.
    static func startOnFreePorts(
        size: Int, binary: URL, extraConfig: String, partitionable: Bool = false, leaf: Bool = false, directory: URL, timeout: Duration
    ) async throws(LocalClusterError) -> LocalCluster {
        var attempt = 1
        while true {
            var layout = try ClusterLayout.freePorts(
                size: size, stateDir: directory.appendingPathComponent("try-\(attempt)"))
            if partitionable { layout = try layout.relayingRoutesOnFreePorts() }
            if leaf { layout = try layout.withLeafOnFreePorts() }
            let cluster = LocalCluster(layout: layout, serverBinary: binary, mode: .attached, extraConfig: extraConfig)
            do {
                try await cluster.start(timeout: timeout)
                return cluster
            } catch {
                guard attempt < 3, error.isPortConflict else { throw error }
                attempt += 1
            }
        }
    }
}

extension LocalClusterError {
    /// A server failed to bind a port (taken between choosing it and starting the server).
    var isPortConflict: Bool {
        switch self {
        case .portInUse: true
        case .exitedDuringStartup(_, _, let log): log.contains("address already in use")
        default: false
        }
    }
}
