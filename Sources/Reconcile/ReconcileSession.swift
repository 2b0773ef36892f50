public import JetStream
public import NATS
public import Topology

/// Why a session could not be opened or could not read the cluster.
public enum SessionError: Error, Sendable, CustomStringConvertible {
    /// The connection settings cannot be used (no URL, an unparsable URL, unreadable credentials).
    case settings(NATSError)
    /// No server accepted the connection. `target` is the redacted server list and credential kind.
    case cannotConnect(target: String, any Error & Sendable)
    /// The connection was lost before the server's INFO was read.
    case lostConnection(target: String)
    /// Listing the cluster's streams and consumers failed.
    case cannotRead(any Error & Sendable)
    /// The server is not the cluster the environment (or saved plan) is for.
    case wrongCluster(ClusterMismatch)

    public var description: String {
        switch self {
        case .settings(let error):
            return "connection settings: \(error)"
        case .cannotConnect(let target, let error):
            // The client's own sentence already names every server and why it failed.
            if let error = error as? NATSError, case .noServersAvailable = error { return "\(error)" }
            return "cannot connect (\(target)): \(error)"
        case .lostConnection(let target):
            return "lost the connection to \(target) before reading the server's version"
        case .cannotRead(let error):
            return "cannot read the cluster's streams and consumers: \(error)"
        case .wrongCluster(let mismatch):
            return "\(mismatch)"
        }
    }
}

/// A connection to the application account of a cluster, what the server told about itself, and the
/// settings of the system account for the health check. Opened and closed by ``withSession(_:system:name:_:)``.
public struct ReconcileSession: Sendable {
    public let client: NATSClient
    public let jetStream: JetStreamContext
    public let capabilities: ServerCapabilities
    /// Settings of the topology's system context (nil: the health check reads what the application account sees).
    public let system: NATSConnectionSettings?
    /// Called when a stage finishes (`JETFORM_TRACE`).
    public let trace: @Sendable (String) -> Void

    /// The cluster name the server reports (INFO `cluster`); nil outside a cluster.
    public var clusterName: String? { client.serverInfo?.cluster }

    /// Connects with `settings`, runs `body` with the session, and closes the connection when `body`
    /// returns or throws. With an `environment`, a server of another cluster (or domain) than it names
    /// ends the session before `body` runs (`SessionError.wrongCluster`).
    public static func withSession<T: Sendable>(
        _ settings: NATSConnectionSettings, system: NATSConnectionSettings? = nil, name: String,
        environment: EnvironmentSpec? = nil,
        trace: @escaping @Sendable (String) -> Void = { _ in },
        _ body: (ReconcileSession) async throws -> T
    ) async throws -> T {
        let options: NATSClientOptions
        do { options = try settings.clientOptions(name: name) } catch { throw SessionError.settings(error) }
        let client: NATSClient
        do {
            client = try await NATSClient.connect(options)
        } catch {
            throw SessionError.cannotConnect(target: settings.description, error)
        }
        let result: T
        do {
            guard var capabilities = ClusterObserver.capabilities(of: client) else {
                throw SessionError.lostConnection(target: settings.description)
            }
            // Another domain's servers (a leaf's context naming its hub) are not announced to us.
            if let domain = settings.jetStreamDomain, domain != client.serverInfo?.domain { capabilities.clusterSize = 0 }
            trace("connected to \(client.serverInfo?.serverName ?? "?") (nats-server \(capabilities.version))")
            if let mismatch = ClusterGuard.check(environment, info: client.serverInfo) { throw SessionError.wrongCluster(mismatch) }
            let session = ReconcileSession(
                client: client, jetStream: JetStreamContext(client: client, domain: settings.jetStreamDomain),
                capabilities: capabilities, system: system, trace: trace)
            result = try await body(session)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
        return result
    }

    /// The account's streams and consumers; `topology`'s are looked up by name when the lists miss them.
    /// The keys read are those `topology` declares and `keys` (a saved plan's, which its file may no longer name).
    public func observe(expecting topology: TopologySpec?, keys: [ResourceID] = []) async throws(SessionError) -> ObservedState {
        do {
            let observed = try await ClusterObserver(jetStream: jetStream).observe(expecting: topology, keys: keys)
            trace("read the cluster: \(observed.streams.count) streams, \(observed.streams.reduce(0) { $0 + $1.consumers.count }) consumers")
            return observed
        } catch {
            throw .cannotRead(error)
        }
    }

    /// A plan of `topology` against the live cluster.
    public func plan(_ topology: TopologySpec, options: PlanOptions) async throws(SessionError) -> Plan {
        plan(topology, options: options, observed: try await observe(expecting: topology))
    }

    /// A plan of `topology` against `observed`.
    public func plan(_ topology: TopologySpec, options: PlanOptions, observed: ObservedState) -> Plan {
        let plan = Planner.plan(desired: topology, observed: observed, capabilities: capabilities, options: options)
        trace("planned: \(plan.actions.count) actions")
        return plan
    }

    /// The health check before anything changes: through the system account when the session has its
    /// settings (a second connection, closed again, only for JSZ/HEALTHZ), else through this connection.
    public func preflight(_ plan: Plan) async -> PreflightReport {
        guard let system else { return await Preflight.run(plan, system: nil, jetStream: jetStream) }
        let connection: NATSClient
        do {
            connection = try await NATSClient.connect(try system.clientOptions(name: "jetform health"))
        } catch {
            return PreflightReport(problems: ["cannot connect with the system context (\(system)): \(error)"
                                              + " — fix the context, or remove `system_context` to check through the application account only"])
        }
        trace("connected with the system context")
        let report = await Preflight.run(plan, system: SystemClient(client: connection), jetStream: jetStream)
        trace("health checked")
        await connection.close()
        return report
    }
}
