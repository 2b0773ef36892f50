import ArgumentParser
import Foundation
import JetStream
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

/// A connection to the topology's JetStream context and a fresh plan against the live cluster.
struct ReconcileSession {
    let file: String
    let topology: Topology
    let client: NATSClient
    let jetStream: JetStreamContext
    let capabilities: ServerCapabilities

    static func open(file: String, connection: ConnectionFlags, purpose: String) async throws -> ReconcileSession {
        let environment = ProcessInfo.processInfo.environment
        let topology = try loadTopologyOrExit(file, environment: environment)
        let name = connection.contextName ?? topology.context
        guard let context = topology.context(named: name) else {
            printError("\(file): no context named '\(name)' — declare it under `contexts:` or pass --context")
            throw ExitCode.failure
        }
        let settings = connection.resolve(context, environment: environment)
        let client: NATSClient
        do {
            client = try await NATSClient.connect(try settings.clientOptions(name: "jetform \(purpose)"))
        } catch {
            printError("error: cannot connect (\(settings)): \(error)")
            throw ExitCode.failure
        }
        guard let capabilities = ClusterObserver.capabilities(of: client) else {
            await client.close()
            printError("error: lost the connection to \(settings) before reading the server's version")
            throw ExitCode.failure
        }
        return ReconcileSession(file: file, topology: topology, client: client, jetStream: JetStreamContext(client: client), capabilities: capabilities)
    }

    func plan(_ options: PlanOptions) async throws -> Plan {
        let observed: ObservedState
        do {
            observed = try await ClusterObserver(jetStream: jetStream).observe(expecting: topology)
        } catch {
            printError("error: cannot read the cluster's streams and consumers: \(error)")
            throw ExitCode.failure
        }
        return Planner.plan(desired: topology, observed: observed, capabilities: capabilities, options: options)
    }

    func close() async { await client.close() }
}

/// Colors only on a terminal, and never when NO_COLOR is set.
var useColor: Bool {
    isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
}
