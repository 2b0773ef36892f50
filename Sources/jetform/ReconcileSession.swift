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
struct ReconcileSession: Sendable {
    let file: String
    /// Nil when applying a saved plan whose topology file is not at hand (flags and environment connect).
    let topology: TopologySpec?
    /// The context used (nil: flags and environment only).
    let contextName: String?
    let client: NATSClient
    let jetStream: JetStreamContext
    let capabilities: ServerCapabilities

    static func open(file: String, connection: ConnectionFlags, purpose: String) async throws -> ReconcileSession {
        let environment = ProcessInfo.processInfo.environment
        Trace.mark("start")
        let topology = try loadTopologyOrExit(file, environment: environment)
        Trace.mark("loaded \(file): \(topology.streams.count) streams, \(topology.consumerCount) consumers")
        return try await connect(file: file, topology: topology, contextName: connection.contextName ?? topology.context,
                                 connection: connection, purpose: purpose)
    }

    /// Connects with `contextName` of `topology` (when given) under the environment and flags.
    static func connect(file: String, topology: TopologySpec?, contextName: String?, connection: ConnectionFlags,
                        purpose: String) async throws -> ReconcileSession {
        let environment = ProcessInfo.processInfo.environment
        var context: ContextSpec?
        if let topology, let contextName {
            guard let found = topology.context(named: contextName) else {
                printError("\(file): no context named '\(contextName)' — declare it under `contexts:` or pass --context")
                throw ExitCode.failure
            }
            context = found
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
        Trace.mark("connected to \(client.serverInfo?.serverName ?? "?") (nats-server \(capabilities.version))")
        return ReconcileSession(file: file, topology: topology, contextName: context?.name, client: client,
                                jetStream: JetStreamContext(client: client), capabilities: capabilities)
    }

    func observe() async throws -> ObservedState {
        do {
            let observed = try await ClusterObserver(jetStream: jetStream).observe(expecting: topology)
            Trace.mark("read the cluster: \(observed.streams.count) streams, \(observed.streams.reduce(0) { $0 + $1.consumers.count }) consumers")
            return observed
        } catch {
            printError("error: cannot read the cluster's streams and consumers: \(error)")
            throw ExitCode.failure
        }
    }

    func plan(_ options: PlanOptions) async throws -> Plan {
        try await plan(options, observed: observe())
    }

    func plan(_ options: PlanOptions, observed: ObservedState) -> Plan {
        guard let topology else { preconditionFailure("planning needs a topology") }
        let plan = Planner.plan(desired: topology, observed: observed, capabilities: capabilities, options: options)
        Trace.mark("planned: \(plan.actions.count) actions")
        return plan
    }

    /// The health check before apply changes anything: through the topology's `system_context` when it has
    /// one (a second connection, only for JSZ/HEALTHZ), else through this connection's account.
    func preflight(_ plan: Plan) async -> PreflightReport {
        let environment = ProcessInfo.processInfo.environment
        guard let topology, let name = topology.systemContext, let context = topology.context(named: name) else {
            return await Preflight.run(plan, system: nil, jetStream: jetStream)
        }
        // The system context's own credentials; only the URL may come from the environment (NATS_URL)
        // when the context has none. User flags (--user/--password) belong to the application account.
        let settings = NATSConnectionSettings(
            url: context.url.isEmpty ? environment["NATS_URL"] : context.url, user: context.user, password: context.password?.value, token: context.token?.value,
            creds: context.creds, nkey: context.nkey?.value, cert: context.cert, key: context.key, ca: context.ca,
            tlsFirst: context.tlsFirst, inboxPrefix: context.inboxPrefix)
        let system: NATSClient
        do {
            system = try await NATSClient.connect(try settings.clientOptions(name: "jetform health"))
        } catch {
            return PreflightReport(problems: ["cannot connect with the system context '\(name)' (\(settings)): \(error)"
                                              + " — fix the context, or remove `system_context` to check through the application account only"])
        }
        Trace.mark("connected with the system context")
        let report = await Preflight.run(plan, system: SystemClient(client: system), jetStream: jetStream)
        Trace.mark("health checked")
        await system.close()
        return report
    }

    func close() async { await client.close() }
}

/// Colors only on a terminal, and never when NO_COLOR is set.
var useColor: Bool {
    isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
}
