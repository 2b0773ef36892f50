import Foundation
import JetStream
import LocalCluster
import NATS
import Testing
@testable import Smoke

/// `--kill-worker`: workers are `jetform worker` processes; one is SIGKILLed holding unacked requests.
@Suite(.serialized) struct FaultIntegrationTests {
    /// The jetform executable next to the test bundle (built by `swift build --build-tests`).
    static var jetform: String? {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if dir.lastPathComponent == "MacOS" || dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        let candidate = dir.appendingPathComponent("jetform").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    static var topologyFile: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("topology.yaml").path
    }

    @Test func killedWorkerLosesNothing() async throws {
        let jetform = try #require(Self.jetform, "build the jetform executable first (swift build)")
        try await LocalCluster.withCluster { cluster in
            let admin = try await NATSClient.connect(try userOptions(cluster))
            try await createSmokeStreams(JetStreamContext(client: admin))
            var environment = ProcessInfo.processInfo.environment
            environment["NATS_URL"] = cluster.clientURLs.joined(separator: ",")
            environment["NATS_USER"] = "user"
            environment["NATS_PASSWORD"] = "user"
            let fault = KillWorkerFault(executable: jetform, arguments: ["worker", Self.topologyFile], environment: environment)
            var scenario = durable(count: 1000, workers: 3, inFlight: 60)
            scenario.fault = fault
            let env = SmokeEnvironment(options: try userOptions(cluster), idleTimeout: .seconds(2))
            let report = await scenario.run(env)
            print(SmokeReportRenderer.text(SmokeReport(runId: env.runId, scenarios: [report])))
            #expect(report.error == nil, "\(report.error ?? "")")
            #expect(report.lost == 0 && report.unexpected == 0)
            #expect(report.redelivered > 0)
            #expect(report.checks.count == 2 && report.checks.allSatisfy(\.passed), "\(report.checks)")
            #expect(report.passed)
            await admin.close()
        }
    }
}
