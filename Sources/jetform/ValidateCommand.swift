import ArgumentParser
import Foundation
import Topology

/// `jetform validate [FILE]`: load the topology, print every warning and error, exit 1 on errors.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a topology file without contacting any server.",
        discussion: "Exit codes: 0 valid (warnings allowed), 1 errors."
    )

    @OptionGroup var topologyFile: TopologyFileArguments
    var file: String { topologyFile.path }

    @Flag(help: "Print the diagnostics as JSON for machines.")
    var json = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let selected = topologyFile.environmentName
        var diagnostics: [Diagnostic] = []
        func load(_ name: String?) -> TopologySpec? {
            do {
                let loaded = try TopologyLoader.load(paths: topologyFile.paths, environment: environment, selecting: name)
                diagnostics += loaded.warnings.filter { !diagnostics.contains($0) }
                return loaded.topology
            } catch {
                diagnostics += error.diagnostics.filter { !diagnostics.contains($0) }
                return nil
            }
        }
        var summary: String?
        if let t = load(selected) {
            let counts = [(t.streams.count, "stream"), (t.consumerCount, "consumer"), (t.buckets.count, "bucket"), (t.contexts.count, "context")]
                .filter { $0.0 > 0 || $0.1 != "bucket" }
                .map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
            summary = "\(file): valid (\(counts.joined(separator: ", ")))"
            if let selected {
                summary! += " for environment \(selected)"
            } else if !t.environments.isEmpty {
                // Without --env: the file as written, then each environment laid over it.
                let names = t.environments.map(\.name)
                for name in names { _ = load(name) }
                summary! += "; environments \(names.joined(separator: ", ")) checked"
            }
        }
        if diagnostics.contains(where: { $0.severity == .error }) { summary = nil }
        if json {
            let report = ValidationReport(file: file, valid: summary != nil, diagnostics: diagnostics)
            try printJSON(report)
        } else {
            for diagnostic in diagnostics {
                FileHandle.standardError.write(Data((diagnostic.rendered + "\n").utf8))
            }
            if let summary { print(summary) }
        }
        if summary == nil { throw ExitCode.failure }
    }
}

/// The `--json` output.
private struct ValidationReport: Encodable {
    var file: String
    var valid: Bool
    var diagnostics: [Diagnostic]
}
