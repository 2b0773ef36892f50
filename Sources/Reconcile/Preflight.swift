import JetStreamSchema
public import JetStream
import Topology

/// What `apply` checks before it changes anything, and what it found.
public struct PreflightReport: Sendable, Hashable {
    /// Reasons to stop; empty when apply may go ahead.
    public var problems: [String]
    /// Things worth saying that do not stop the apply (a lagging follower, a fallback check).
    public var notes: [String]

    public init(problems: [String] = [], notes: [String] = []) {
        self.problems = problems
        self.notes = notes
    }

    public var passed: Bool { problems.isEmpty }
}

/// The health rule `apply` enforces before its first change (DESIGN.md "Decisions worth keeping"):
///
/// Through the system context (JSZ + HEALTHZ from every server):
/// - some server answered, and the servers agree on a JetStream meta leader;
/// - at least one server has JetStream enabled;
/// - every stream or consumer the plan creates, replaces or scales to N replicas finds N servers that are
///   up, healthy, have JetStream and are current with the meta leader;
/// - no field the plan sends is newer than the oldest server's release (a mixed-version cluster during an
///   upgrade is planned for the server jetform talks to, but every server must understand the request).
/// Lagging followers and unhealthy servers the plan does not need are notes, not stops.
///
/// Without a system context, only what the application account sees is checked: `$JS.API.INFO` answers
/// (JetStream enabled, a meta leader to answer it) and replicas against the servers the connection
/// announces; a note says the check was partial.
public enum Preflight {
    /// Checks through the system account.
    public static func check(_ plan: Plan, health: ClusterHealth) -> PreflightReport {
        var report = PreflightReport()
        guard !health.servers.isEmpty else {
            report.problems.append("no server answered the system account's health requests (JSZ, HEALTHZ)")
            return report
        }
        if health.metaLeader == nil {
            report.problems.append((health.metaLeaderProblem ?? MetaLeaderProblem.none).description)
        }
        let lagging = Set(health.metaReplicasLagging)
        let available = health.servers.filter { $0.jetStreamEnabled && $0.healthy && !lagging.contains($0.name) }
        if !health.servers.contains(where: \.jetStreamEnabled) {
            report.problems.append("no server has JetStream enabled")
        }
        for (resource, replicas) in replicaNeeds(plan) where replicas > available.count {
            report.problems.append(
                "\(resource) needs \(replicas) replicas but only \(available.count) server\(available.count == 1 ? " is" : "s are") "
                + "up and current (\(available.map(\.name).sorted().joined(separator: ", ")))"
                + " — start the missing servers (see `jetform status`) or lower num_replicas")
        }
        let versions = health.servers.compactMap { server in server.version.flatMap { ServerVersion($0) }.map { (server, $0) } }
        if let oldest = versions.min(by: { $0.1 < $1.1 }) {
            let level = oldest.0.apiLevel.map { ", JetStream API level \($0)" } ?? ""
            for (resource, field, since) in newerFields(plan, than: oldest.1) {
                report.problems.append("\(resource): '\(field)' needs nats-server \(since) or later but \(oldest.0.name) runs \(oldest.1)\(level)"
                                       + " — upgrade every server first, or remove the field")
            }
        }
        for server in health.servers where !available.contains(server) {
            let why = !server.jetStreamEnabled ? "JetStream disabled"
                : !server.healthy ? (server.healthDetail ?? "not healthy") : "behind the meta leader"
            report.notes.append("\(server.name): \(why)")
        }
        return report
    }

    /// Checks through the application account only (no system context): `accountInfo` is the result of
    /// `$JS.API.INFO`, `clusterSize` the servers the connection announces.
    public static func check(_ plan: Plan, accountInfo: Result<AccountInfo, JetStreamError>, clusterSize: Int) -> PreflightReport {
        var report = PreflightReport(notes: [
            "no system context: checked only what the application account sees (JetStream account info, server INFO); "
            + "set `system_context` in the topology for the meta leader and per-server checks",
        ])
        if case .failure(let error) = accountInfo {
            if error.isNotEnabled {
                report.problems.append("JetStream is not enabled for this account or server: \(error)")
            } else {
                report.problems.append("JetStream did not answer the account info request: \(error)")
            }
        }
        for (resource, replicas) in replicaNeeds(plan) where clusterSize > 0 && replicas > clusterSize {
            report.problems.append("\(resource) needs \(replicas) replicas but the connection announces \(clusterSize) server\(clusterSize == 1 ? "" : "s")"
                                   + " — start the missing servers or lower num_replicas")
        }
        return report
    }

    /// Gathers health through `system` (nil: no system context) and checks `plan`.
    public static func run(_ plan: Plan, system: SystemClient?, jetStream: JetStreamContext) async -> PreflightReport {
        // Through another JetStream domain the system context sees the servers it connects to, not the
        // domain's: their health would say nothing about where the plan runs.
        if let system, plan.capabilities.knowsClusterSize {
            do {
                let health = try await system.clusterHealth(expectedServers: plan.capabilities.clusterSize)
                return check(plan, health: health)
            } catch {
                return PreflightReport(problems: ["cluster health through the system context failed: \(error)"])
            }
        }
        let info: Result<AccountInfo, JetStreamError>
        do { info = .success(try await jetStream.accountInfo()) } catch { info = .failure(error) }
        if !plan.capabilities.knowsClusterSize {
            var report = check(plan, accountInfo: info, clusterSize: 0)
            report.notes = ["the context works in another JetStream domain: checked only what its account sees there "
                            + "(JetStream account info); the domain's servers, and whether they can hold the replicas, are not visible from here"]
            return report
        }
        let size = ClusterObserver.capabilities(of: jetStream.client)?.clusterSize ?? plan.capabilities.clusterSize
        return check(plan, accountInfo: info, clusterSize: size)
    }

    /// Replicas each created, replaced or scaled resource needs (consumers: 0 follows the stream).
    static func replicaNeeds(_ plan: Plan) -> [(ResourceID, Int)] {
        var needs: [(ResourceID, Int)] = []
        for action in plan.actions {
            guard let config = action.config else { continue }
            let replicas = Int(config["num_replicas"]?.intValue ?? (action.resource.kind == .stream ? 1 : 0))
            switch action.kind {
            case .create, .replace:
                if replicas > 1 { needs.append((action.resource, replicas)) }
            case .update:
                if action.changes.contains(where: { $0.path == "num_replicas" }), replicas > 1 {
                    needs.append((action.resource, replicas))
                }
            case .delete:
                break
            }
        }
        return needs
    }

    /// Top-level fields with a non-zero value in what the plan sends that `version` does not know.
    static func newerFields(_ plan: Plan, than version: ServerVersion) -> [(ResourceID, String, ServerVersion)] {
        var out: [(ResourceID, String, ServerVersion)] = []
        for step in plan.actions.flatMap(\.steps) {
            guard let config = step.config else { continue }
            let kind = step.resource.kind
            for key in Normaliser.clean(config, kind: kind).keys {
                guard let field = FieldCatalog.field(key, in: kind.fields), field.since > version else { continue }
                if !out.contains(where: { $0.0 == step.resource && $0.1 == key }) { out.append((step.resource, key, field.since)) }
            }
        }
        return out
    }
}
