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
        apply` then adopts them. With --adopt the marker is added right away (like apply: health check, \
        apply lock, and a plan afterwards that must be empty), so plan reports no changes.

        FILE (or --file) is a topology whose contexts to connect with and to name in the export, used when it exists.

        With --json, standard output is a JSON report instead: the topology's name, the file written (or \
        the YAML itself, without --output), the streams and consumers exported, those without a marker, \
        those another topology owns, how many were adopted, and the notes.

        Exit codes: 0 exported (and adopted), 1 error.
        """
    )

    @Option(name: .customLong("stream"), help: ArgumentHelp("Export only this stream (repeatable; default: every stream).", valueName: "name"))
    var streams: [String] = []

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write the file here (default: standard output).", valueName: "file"))
    var output: String?

    @Option(help: "The topology's name, which marks what it owns (default: the --file's name, else 'exported').")
    var name: String?

    @OptionGroup var topologyFile: TopologyFileArguments

    @Flag(help: "Also adopt what is exported: add the `jetform.managed-by` marker to each unmarked stream and consumer (a metadata-only update).")
    var adopt = false

    @Option(name: .customLong("lock-timeout"), help: ArgumentHelp("With --adopt: seconds to wait for the apply lock.", valueName: "seconds"))
    var lockTimeout: Double = 60

    @Flag(help: "Print a JSON report of the export on standard output (with the YAML in it when there is no --output).")
    var json = false

    @OptionGroup var connection: ConnectionFlags

    func run() async throws {
        let file = topologyFile.path
        var topology: TopologySpec?
        if topologyFile.exists { topology = try topologyFile.load() }
        let topologyName = name ?? topology?.name ?? "exported"
        let resolved = try connection.resolve(topology: topology, file: file, defaultContext: topology?.context)
        var contexts = [Self.exportContext(name: resolved.contextName ?? "user", settings: resolved.settings,
                                           passwordVariable: "NATS_PASSWORD")]
        var systemName: String?
        if let topology, let sys = topology.systemContext, sys != contexts[0].name, let spec = topology.context(named: sys) {
            contexts.append(Self.exportContext(name: sys, settings: ConnectionResolver.settings(of: spec), passwordVariable: "NATS_SYS_PASSWORD"))
            systemName = sys
        }
        let streams = self.streams.isEmpty ? nil : self.streams
        let adopt = self.adopt
        let output = self.output
        let options = ApplyOptions(lockTimeout: ApplyCommand.duration(lockTimeout), command: "export --adopt")
        let json = self.json
        let (result, adopted) = try await connection.withSession(topology: topology, file: file, purpose: "export") { session in
            let observed = try await session.observe(expecting: nil)
            let result: ExportResult
            do {
                result = try Exporter.export(
                    observed: observed, capabilities: session.capabilities, name: topologyName, streams: streams,
                    contexts: contexts, context: contexts[0].name, systemContext: systemName,
                    header: "Exported from the live cluster by `jetform export` (nats-server \(session.capabilities.version)).\n"
                        + "Secrets are ${VAR} placeholders: set them in the environment.")
            } catch {
                throw CommandFailure("error: \(error)")
            }
            if !json {
                for note in result.notes { printError("note: \(note)") }
                for (resource, owner) in result.ownedElsewhere {
                    printError("warning: \(resource) is managed by topology '\(owner)'; planning this file as '\(topologyName)' reports it as an error")
                }
            }
            var adopted = 0
            if adopt && !result.unmarked.isEmpty {
                adopted = try await Self.adoptAll(result, name: topologyName, output: output, session: session, options: options, quiet: json)
            } else if !result.unmarked.isEmpty && !json {
                printError("note: \(result.unmarked.count) resource(s) carry no jetform marker: `jetform plan` on the exported file shows each as an "
                           + "update that only adds \(TopologySpec.managedByMetadataKey): \(topologyName); `jetform apply` adopts them "
                           + "(or export again with --adopt)")
            }
            return (result, adopted)
        }

        if let output {
            do {
                try result.yaml.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure("error: cannot write \(output): \(error)")
            }
            if !json { printError("Wrote \(result.resources.count) stream(s), consumer(s) and bucket(s) to \(output).") }
        } else if !json {
            print(result.yaml, terminator: "")
        }
        if json {
            try printJSON(ExportReport(
                topology: topologyName, output: output, yaml: output == nil ? result.yaml : nil,
                streams: result.resources.filter { $0.kind == .stream }.map(\.name),
                consumers: result.resources.filter { $0.kind == .consumer }.map(\.name),
                unmarked: result.unmarked.map(\.description),
                ownedElsewhere: result.ownedElsewhere.map { ExportReport.Owned(resource: $0.0.description, topology: $0.1) },
                adopted: adopted, notes: result.notes), snakeCase: true)
        }
    }

    /// `export --json`.
    struct ExportReport: Encodable {
        struct Owned: Encodable {
            var resource: String
            var topology: String
        }
        var topology: String
        var output: String?
        var yaml: String?
        var streams: [String]
        var consumers: [String]
        var unmarked: [String]
        var ownedElsewhere: [Owned]
        var adopted: Int
        var notes: [String]
    }

    /// Adds the marker to every unmarked exported resource through the apply service (health check, lock,
    /// a verifying plan afterwards), accepting only a plan that adds the marker and changes nothing else.
    private static func adoptAll(_ result: ExportResult, name: String, output: String?, session: ReconcileSession,
                                 options: ApplyOptions, quiet: Bool) async throws -> Int {
        // Placeholders only matter for connecting; the streams are what is planned here.
        var environment = ProcessInfo.processInfo.environment
        for variable in ["NATS_PASSWORD", "NATS_SYS_PASSWORD", "NATS_TOKEN", "NATS_NKEY"] where environment[variable] == nil {
            environment[variable] = "unused"
        }
        let exported: TopologySpec
        do {
            exported = try TopologyLoader.load(yaml: result.yaml, file: output ?? "exported.yaml", environment: environment).topology
        } catch {
            throw CommandFailure((["error: the exported file does not load (a bug; nothing was adopted):"] + error.diagnostics.map(\.rendered))
                .joined(separator: "\n"))
        }
        let fileName = output ?? "the export"
        let outcome: ApplyOutcome
        do {
            outcome = try await ApplyService(session: session, options: options).run(exported, confirm: { plan in
                Self.onlyAddsTheMarker(plan)
            }, events: { event in
                if !quiet, case .healthNotes(let notes) = event { for note in notes { printError("note: \(note)") } }
            })
        } catch .planErrors(let plan) {
            throw CommandFailure("error: adopting would fail; nothing was adopted:\n" + PlanRenderer.render(plan, color: false, fileName: fileName))
        } catch .notConverged(let plan) {
            throw CommandFailure("error: adopted, but the cluster still differs from the export:\n" + PlanRenderer.render(plan, color: false, fileName: fileName))
        } catch {
            throw CommandFailure("error: adopting failed: \(error)")
        }
        switch outcome {
        case .declined(let plan):
            throw CommandFailure("error: adopting would change more than the marker (the cluster changed during export?); nothing was adopted:\n"
                                 + PlanRenderer.render(plan, color: false, fileName: fileName))
        case .applied(let plan, _, _, _):
            if !quiet { printError("Adopted \(plan.actions.count) resource(s): they now carry \(TopologySpec.managedByMetadataKey): \(name).") }
            return plan.actions.count
        case .noChanges:
            return 0
        }
    }

    /// Whether every action of `plan` is an update of metadata only (the ownership marker).
    static func onlyAddsTheMarker(_ plan: Plan) -> Bool {
        plan.actions.allSatisfy { action in action.kind == .update && action.changes.allSatisfy { $0.path.hasPrefix("metadata") } }
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
