import ArgumentParser
import Foundation
import NATS
import Reconcile
import Topology

/// Flags that shape a plan, shared by `plan` and `apply`.
struct PlanFlags: ParsableArguments {
    @Flag(help: "Delete streams and consumers that carry this topology's marker but are no longer in the file.")
    var prune = false

    @Flag(name: .customLong("allow-replace"), help: "Allow deleting and recreating resources whose immutable fields changed.")
    var allowReplace = false

    @Flag(name: .customLong("allow-data-loss"), help: "Allow deleting streams that hold messages.")
    var allowDataLoss = false

    var options: PlanOptions { PlanOptions(prune: prune, allowReplace: allowReplace, allowDataLoss: allowDataLoss) }
}

extension ConnectionFlags {
    /// Opens a session to the application account of `topology` (its `context`, or `--context`), with its
    /// `system_context` for the health check, runs `body`, and closes it. Without a topology, the flags
    /// and environment connect.
    func withSession<T: Sendable>(topology: TopologySpec?, file: String?, contextName: String? = nil, purpose: String,
                                  _ body: (ReconcileSession) async throws -> T) async throws -> T {
        let application = try resolve(topology: topology, file: file, defaultContext: contextName ?? topology?.context)
        var system: NATSConnectionSettings?
        if let topology, let name = topology.systemContext {
            system = try resolve(topology: topology, file: file, defaultContext: name, role: .system).settings
        }
        do {
            return try await ReconcileSession.withSession(application.settings, system: system, name: "jetform \(purpose)",
                                                          environment: topology?.environment, trace: { Trace.mark($0) }, body)
        } catch let error as SessionError {
            throw CommandFailure("error: \(error)")
        }
    }
}

/// Colors only on a terminal, and never when NO_COLOR is set.
var useColor: Bool {
    isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
}
