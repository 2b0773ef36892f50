import ArgumentParser
import Foundation
import JetStream
import NATS
import Reconcile
import Topology

/// `jetform export`: the live cluster as a topology file (adopting an existing cluster).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the live cluster's streams and durable consumers as a topology file.",
        discussion: """
        Only fields that differ from the server's defaults are written, so `jetform plan` on the result \
        reports no field changes. Contexts come from the connection used (the --file's context, --context, \
        or the connection flags); passwords, tokens and nkeys are written as ${VAR} placeholders, never as values.

        Adoption is explicit: streams and consumers without jetform's marker stay unmarked, and `jetform plan` \
        on the exported file shows each as an update that only adds `jetform.managed-by: <name>`; `jetform \
        apply` then adopts them. With --adopt the marker is added right away, so plan reports no changes.
        """
    )

    @Option(name: .customLong("stream"), help: ArgumentHelp("Export only this stream (repeatable; default: every stream).", valueName: "name"))
    var streams: [String] = []

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write the file here (default: standard output).", valueName: "file"))
    var output: String?

    @Option(help: "The topology's name, which marks what it owns (default: the --file's name, else 'exported').")
    var name: String?

    @Option(name: .customLong("file"), help: ArgumentHelp("A topology file whose contexts to connect with and to name in the export (used when it exists).", valueName: "file"))
    var file: String = "topology.yaml"

    @Flag(help: "Also adopt what is exported: add the `jetform.managed-by` marker to each unmarked stream and consumer (a metadata-only update).")
    var adopt = false

    @Option(name: .customLong("lock-timeout"), help: ArgumentHelp("With --adopt: seconds to wait for the apply lock.", valueName: "seconds"))
    var lockTimeout: Double = 60

    @OptionGroup var connection: ConnectionFlags

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var topology: TopologySpec?
        if FileManager.default.fileExists(atPath: file) {
            topology = try loadTopologyOrExit(file, environment: environment)
        }
        let topologyName = name ?? topology?.name ?? "exported"
        let contextName = connection.contextName ?? topology?.context
        let session = try await ReconcileSession.connect(file: file, topology: topology, contextName: contextName,
                                                         connection: connection, purpose: "export")
        defer { Task { await session.close() } }

        let context = topology.flatMap { t in contextName.flatMap { t.context(named: $0) } }
        let settings = connection.resolve(context, environment: environment)
        var contexts = [Self.exportContext(name: context?.name ?? contextName ?? "user", settings: settings,
                                           passwordVariable: "NATS_PASSWORD")]
        var systemName: String?
        if let topology, let sys = topology.systemContext, sys != contexts[0].name, let spec = topology.context(named: sys) {
            contexts.append(Self.exportContext(name: sys, settings: NATSConnectionSettings(
                url: spec.url, user: spec.user, password: spec.password?.value, token: spec.token?.value, creds: spec.creds,
                nkey: spec.nkey?.value), passwordVariable: "NATS_SYS_PASSWORD"))
            systemName = sys
        }

        let observed = try await session.observe()
        let result: ExportResult
        do {
            result = try Exporter.export(
                observed: observed, capabilities: session.capabilities, name: topologyName, streams: streams.isEmpty ? nil : streams,
                contexts: contexts, context: contexts[0].name, systemContext: systemName,
                header: "Exported from the live cluster by `jetform export` (nats-server \(session.capabilities.version)).\n"
                    + "Secrets are ${VAR} placeholders: set them in the environment.")
        } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
        for note in result.notes { printError("note: \(note)") }
        for (resource, owner) in result.ownedElsewhere {
            printError("warning: \(resource) is managed by topology '\(owner)'; planning this file as '\(topologyName)' reports it as an error")
        }

        if adopt && !result.unmarked.isEmpty {
            try await adoptAll(result, name: topologyName, session: session)
        } else if !result.unmarked.isEmpty {
            printError("note: \(result.unmarked.count) resource(s) carry no jetform marker: `jetform plan` on the exported file shows each as an "
                       + "update that only adds \(TopologySpec.managedByMetadataKey): \(topologyName); `jetform apply` adopts them "
                       + "(or export again with --adopt)")
        }

        if let output {
            do {
                try result.yaml.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                printError("error: cannot write \(output): \(error)")
                throw ExitCode.failure
            }
            printError("Wrote \(result.resources.count) stream(s) and consumer(s) to \(output).")
        } else {
            print(result.yaml, terminator: "")
        }
    }

    /// Adds the marker to every unmarked exported resource: plans the exported file, checks the plan only
    /// adds the marker, and applies it under the apply lock.
    private func adoptAll(_ result: ExportResult, name: String, session: ReconcileSession) async throws {
        // Placeholders only matter for connecting; the streams are what is planned here.
        var environment = ProcessInfo.processInfo.environment
        for variable in ["NATS_PASSWORD", "NATS_SYS_PASSWORD", "NATS_TOKEN", "NATS_NKEY"] where environment[variable] == nil {
            environment[variable] = "unused"
        }
        let exported: TopologySpec
        do {
            exported = try TopologyLoader.load(yaml: result.yaml, file: output ?? "exported.yaml", environment: environment).topology
        } catch {
            printError("error: the exported file does not load (a bug; nothing was adopted):")
            for d in error.diagnostics { printError(d.rendered) }
            throw ExitCode.failure
        }
        let lock = ApplyLock(jetStream: session.jetStream, topology: name, replicas: session.capabilities.clusterSize,
                             command: "export --adopt")
        let js = session.jetStream
        let capabilities = session.capabilities
        do {
            try await lock.withLock(timeout: ApplyCommand.duration(lockTimeout)) {
                let observed = try await ClusterObserver(jetStream: js).observe()
                let plan = Planner.plan(desired: exported, observed: observed, capabilities: capabilities)
                let onlyMarker = plan.actions.allSatisfy { action in
                    action.kind == .update && action.changes.allSatisfy { $0.path.hasPrefix("metadata") }
                }
                guard plan.errors.isEmpty, onlyMarker else {
                    printError("error: adopting would change more than the marker (the cluster changed during export?); nothing was adopted:")
                    printError(PlanRenderer.render(plan, color: false, fileName: output ?? "the export"))
                    throw ExitCode.failure
                }
                _ = try await PlanExecutor(jetStream: js).apply(plan)
                printError("Adopted \(plan.actions.count) resource(s): they now carry \(TopologySpec.managedByMetadataKey): \(name).")
            }
        } catch let error as ApplyLockError {
            printError("error: \(error)")
            throw ExitCode.failure
        } catch let error as ApplyError {
            printError("error: adopting failed: \(error)")
            throw ExitCode.failure
        }
    }

    /// A context for the file: URL without credentials, user name, secrets as `${VAR}`.
    static func exportContext(name: String, settings: NATSConnectionSettings, passwordVariable: String) -> ExportContext {
        let urls = (settings.url ?? "nats://localhost:4222").split(separator: ",").map { raw -> String in
            let url = raw.trimmingCharacters(in: .whitespaces)
            guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].lastIndex(of: "@") else { return url }
            return String(url[..<scheme.upperBound]) + String(url[url.index(after: at)...])
        }
        return ExportContext(name: name, url: urls.joined(separator: ","), user: settings.user,
                             passwordVariable: settings.password == nil ? nil : passwordVariable,
                             tokenVariable: settings.token == nil ? nil : "NATS_TOKEN",
                             nkeyVariable: settings.nkey == nil ? nil : "NATS_NKEY", creds: settings.creds)
    }
}
