public import Foundation

/// The cluster's config files: `cluster/server.conf` and `cluster/accounts.conf` at the repository
/// root, shared by `jetform cluster up`, the test harness and docker-compose.yml.
public enum ClusterConfig {
    public static let serverFileName = "server.conf"
    public static let accountsFileName = "accounts.conf"
    public static let fileNames = [serverFileName, accountsFileName]

    /// The repository this library was built from (found from this source file's path).
    public static var sourceTreeRoot: URL {
        URL(fileURLWithPath: #filePath)  // <root>/Sources/LocalCluster/ClusterConfig.swift
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `<repository>/cluster`: the directory tests use.
    public static var sourceTreeDirectory: URL { sourceTreeRoot.appendingPathComponent("cluster") }

    /// Whether `directory` holds both config files.
    public static func isConfigDirectory(_ directory: URL) -> Bool {
        fileNames.allSatisfy { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
    }

    /// The `cluster/` directory in `start` or the nearest parent that has one, for running
    /// `jetform cluster up` anywhere inside a checkout.
    public static func find(from start: URL) -> URL? {
        var directory = start.standardizedFileURL
        while true {
            let candidate = directory.appendingPathComponent("cluster")
            if isConfigDirectory(candidate) { return candidate }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { return nil }
            directory = parent
        }
    }

    /// The config directory for `jetform cluster up`: `explicit` when given (it must hold the files),
    /// else `cluster/` in `searchFrom` or a parent, else the built-in copies written to `fallback`.
    public static func resolveDirectory(
        explicit: URL?, searchFrom: URL, fallback: URL
    ) throws(LocalClusterError) -> URL {
        if let explicit {
            guard isConfigDirectory(explicit) else { throw .configNotFound(directory: explicit.path) }
            return explicit.standardizedFileURL
        }
        if let found = find(from: searchFrom) { return found }
        return try writeBuiltInCopies(to: fallback)
    }

    /// Writes the copies built into jetform to `directory` (for running outside a checkout) and
    /// returns it. A test checks that they equal the files in `cluster/`.
    public static func writeBuiltInCopies(to directory: URL) throws(LocalClusterError) -> URL {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (name, text) in builtIn {
                try Data(text.utf8).write(to: directory.appendingPathComponent(name), options: .atomic)
            }
        } catch {
            throw .io("cannot write the cluster config files to \(directory.path): \(error)")
        }
        return directory
    }

    /// File name → content, identical to `cluster/*.conf`.
    public static let builtIn: [String: String] = [
        serverFileName: builtInServerConf,
        accountsFileName: builtInAccountsConf,
    ]
}
