import JetStream
import LocalCluster
import NATS
import Testing
@testable import Smoke

/// `--rate`: the durable scenario offers a fixed load instead of filling the in-flight window.
@Suite(.serialized) struct RateIntegrationTests {
    @Test func offeredLoadPacesThePublishes() async throws {
        try await LocalCluster.withCluster { cluster in
            let admin = try await NATSClient.connect(try userOptions(cluster))
            try await createSmokeStreams(JetStreamContext(client: admin))
            var scenario = durable(count: 400, workers: 2, inFlight: 100)
            scenario.rate = 200
            let env = SmokeEnvironment(options: try userOptions(cluster), idleTimeout: .seconds(2))
            let report = await scenario.run(env)
            print(SmokeReportRenderer.text(SmokeReport(runId: env.runId, scenarios: [report])))
            #expect(report.error == nil, "\(report.error ?? "")")
            #expect(report.answered == 400 && report.lost == 0 && report.passed)
            // 400 requests at 200/s cannot take less than 399 / 200 s, however fast the cluster is
            // (only a lower bound: a loaded machine may be slower).
            #expect(report.durationSeconds >= 1.99, "ran in \(report.durationSeconds) s")
            #expect(report.throughput <= 205, "answers/s \(report.throughput) above the offered 200/s")
            #expect(report.notes.contains { $0.contains("offered load: 200 requests/s") })
            await admin.close()
        }
    }
}
