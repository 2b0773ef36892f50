import Foundation
import Testing
@_exported import TestSupport
@testable import Topology

enum Fixtures {
    /// The copied `Fixtures` folder inside the test bundle.
    static var root: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
    }

    static func names(in folder: String) -> [String] {
        let url = root.appendingPathComponent(folder)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static func text(_ folder: String, _ name: String) -> String {
        (try? String(contentsOf: root.appendingPathComponent(folder).appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// `# expect: …` lines, in order (written at the end of a fixture so they do not shift line numbers).
    static func expectations(in text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            line.hasPrefix("# expect: ") ? String(line.dropFirst("# expect: ".count)) : nil
        }
    }
}


/// Every diagnostic of a load, rendered without the file name: `LINE:COL: severity: message — fix`.
func renderedDiagnostics(_ yaml: String, environment: [String: String] = [:]) -> [String] {
    let diagnostics: [Diagnostic]
    do {
        diagnostics = try TopologyLoader.load(yaml: yaml, file: "topology.yaml", environment: environment).warnings
    } catch {
        diagnostics = error.diagnostics
    }
    return diagnostics.map { String($0.rendered.dropFirst("topology.yaml:".count)) }
}

/// Loads YAML that must be valid.
func loadValid(_ yaml: String, environment: [String: String] = [:]) throws -> LoadedTopology {
    try TopologyLoader.load(yaml: yaml, file: "topology.yaml", environment: environment)
}
