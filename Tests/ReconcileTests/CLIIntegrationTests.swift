import Foundation
import LocalCluster
import Testing

/// The `jetform` command line against a real cluster: JSON output, logging, the topology file arguments.
@Suite("Command line against a real cluster", .serialized)
struct CLIIntegrationTests {
    @Test func applyJSONReportsTheOutcomeThePlanAndEachCall() async throws {
        try await LocalCluster.withCluster { cluster in
            let cli = try JetformCLI(cluster: cluster)
            defer { cli.remove() }
            let refused = try await cli.run(["apply", "--json", "topology.yaml"])
            #expect(refused.status == 64 && refused.stderr.contains("--json needs --yes"), "\(refused)")

            let applied = try await cli.run(["apply", "--yes", "--json", "-f", "topology.yaml"])
            #expect(applied.status == 0, "\(applied)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(applied.stdout.utf8)) as? [String: Any], "\(applied)")
            #expect(document["outcome"] as? String == "applied")
            let steps = document["steps"] as? [[String: Any]] ?? []
            #expect(steps.count == 5 && steps.allSatisfy { $0["error"] is NSNull }, "\(applied)")
            #expect(((document["plan"] as? [String: Any])?["actions"] as? [Any])?.count == 5, "\(applied)")
            #expect(document["remaining"] is NSNull)

            let again = try await cli.run(["apply", "--yes", "--json", "topology.yaml"])
            #expect(again.status == 0, "\(again)")
            let idle = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any], "\(again)")
            #expect(idle["outcome"] as? String == "no_changes" && (idle["steps"] as? [Any])?.isEmpty == true, "\(again)")
        }
    }

    @Test func theTopologyFileIsGivenOnceAsFileOrWithDashF() async throws {
        try await LocalCluster.withCluster { cluster in
            let cli = try JetformCLI(cluster: cluster)
            defer { cli.remove() }
            for arguments in [["plan", "topology.yaml"], ["plan", "-f", "topology.yaml"], ["plan", "--file", "topology.yaml"], ["plan"],
                              ["status", "topology.yaml"], ["validate", "-f", "topology.yaml"]] {
                let result = try await cli.run(arguments)
                #expect(result.status == 0, "\(arguments): \(result)")
            }
            let both = try await cli.run(["plan", "-f", "topology.yaml", "other.yaml"])
            #expect(both.status == 64 && both.stderr.contains("give the topology once"), "\(both)")

            // `cluster status --json` on a state directory where nothing was started: every server down, exit 1.
            let local = try await cli.run(["cluster", "status", "--json", "--state-dir", "nothing-here"])
            #expect(local.status == 1, "\(local)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(local.stdout.utf8)) as? [String: Any], "\(local)")
            #expect(object["all_up"] as? Bool == false && object["down"] as? [String] == ["inst-1", "inst-2", "inst-3"], "\(local)")
        }
    }

    @Test func verboseLogsTheClientAndEachApplyCallOnStandardError() async throws {
        try await LocalCluster.withCluster { cluster in
            let cli = try JetformCLI(cluster: cluster)
            defer { cli.remove() }
            let quiet = try await cli.run(["plan", "topology.yaml"])
            #expect(quiet.status == 0 && !quiet.stderr.contains("debug"), "nothing is logged by default: \(quiet)")
            let applied = try await cli.run(["apply", "--yes", "--verbose", "topology.yaml"])
            #expect(applied.status == 0, "\(applied)")
            #expect(applied.stderr.contains("debug jetform.nats:") && applied.stderr.contains("connected"), "\(applied)")
            #expect(applied.stderr.components(separatedBy: "step done").count - 1 == 5, "one line per call: \(applied)")
            #expect(!applied.stdout.contains("debug"), "logs never mix into the output: \(applied)")
            let viaEnvironment = try await cli.run(["plan", "topology.yaml"], environment: ["JETFORM_LOG": "debug"])
            #expect(viaEnvironment.stderr.contains("debug jetform.nats:"), "\(viaEnvironment)")
        }
    }
}
