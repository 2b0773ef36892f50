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
        let diagnostics: [Diagnostic]
        var summary: String?
        do {
            let loaded = try TopologyLoader.load(path: file, environment: environment)
            diagnostics = loaded.warnings
            let t = loaded.topology
            let counts = [(t.streams.count, "stream"), (t.consumerCount, "consumer"), (t.contexts.count, "context")]
                .map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
            summary = "\(file): valid (\(counts.joined(separator: ", ")))"
        } catch {
            diagnostics = error.diagnostics
        }
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
