public import NATS
public import Topology

/// The cluster guard of an environment (`environments.<NAME>.cluster`, `domain`): the server a command
/// reaches must report the name the environment gives, else the command stops before it reads or changes
/// anything. The server's INFO carries both, so the guard costs no request.
public enum ClusterGuard {
    /// The first way `info` contradicts `environment`, or nil when it does not (or nothing is declared).
    public static func check(_ environment: EnvironmentSpec?, info: ServerInfo?) -> ClusterMismatch? {
        guard let environment else { return nil }
        if let expected = environment.cluster, info?.cluster != expected {
            return ClusterMismatch(environment: environment.name, what: "cluster", expected: expected, found: info?.cluster,
                                   server: info?.serverName, location: environment.fieldLocations["cluster"] ?? environment.location)
        }
        if let expected = environment.domain, info?.domain != expected {
            return ClusterMismatch(environment: environment.name, what: "JetStream domain", expected: expected, found: info?.domain,
                                   server: info?.serverName, location: environment.fieldLocations["domain"] ?? environment.location)
        }
        return nil
    }

    /// Whether a saved plan made against cluster `planned` may run on the server behind `info`.
    public static func check(savedFor planned: String?, environment: String?, info: ServerInfo?) -> ClusterMismatch? {
        guard let planned, info?.cluster != planned else { return nil }
        return ClusterMismatch(environment: environment, what: "cluster", expected: planned, found: info?.cluster,
                               server: info?.serverName, location: nil, savedPlan: true)
    }
}

/// The connected cluster is not the one the environment (or saved plan) is for.
public struct ClusterMismatch: Error, Sendable, Hashable, CustomStringConvertible {
    public var environment: String?
    /// `cluster` or `JetStream domain`.
    public var what: String
    public var expected: String
    /// What the server reports; nil when it reports none (a server outside any cluster).
    public var found: String?
    public var server: String?
    /// Where the environment names it.
    public var location: SourceLocation?
    public var savedPlan = false

    public var description: String {
        let reported = found.map { "reports \(what) '\($0)'" } ?? "reports no \(what)"
        let by = server.map { "server \($0)" } ?? "the server"
        let subject = savedPlan
            ? "the saved plan was made against \(what) '\(expected)'" + (environment.map { " (environment '\($0)')" } ?? "")
            : "environment '\(environment ?? "")' is \(what) '\(expected)'" + (location.map { " (\($0))" } ?? "")
        return "\(subject), but \(by) \(reported); nothing was read or changed — check --env / JETFORM_ENV and the context's URL"
    }
}
