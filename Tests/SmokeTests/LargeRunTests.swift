import Foundation
import JetStream
import LocalCluster
import NATS
import Testing
@testable import Smoke

/// A durable run of `SMOKE_LARGE` requests (default 5,000 so `make test` stays quick; the issue's
/// 100,000 with `SMOKE_LARGE=100000`): lost must be 0 and the process's memory must not grow with the
/// count beyond the checker's records.
@Suite struct LargeRunTests {
    static var count: Int { ProcessInfo.processInfo.environment["SMOKE_LARGE"].flatMap(Int.init) ?? 5_000 }

    static func residentKB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    @Test func largeDurableRun() async throws {
        let count = Self.count
        try await LocalCluster.withCluster { cluster in
            let admin = try await NATSClient.connect(try userOptions(cluster))
            try await createSmokeStreams(JetStreamContext(client: admin))
            let env = SmokeEnvironment(options: try userOptions(cluster), idleTimeout: .seconds(3))
            // Warm-up run so connection pools and buffers are allocated before measuring.
            _ = await durable(count: 2000, workers: 2, inFlight: 200).run(env)
            let before = Self.residentKB()
            var env2 = env
            env2.runId = SmokePayload.newRunId()
            let report = await durable(count: count, workers: 2, inFlight: 200).run(env2)
            let after = Self.residentKB()
            print(SmokeReportRenderer.text(SmokeReport(runId: env2.runId, scenarios: [report])))
            print("RSS before \(before) kB, after \(after) kB, growth \(after - before) kB; checker records \(report.recordBytes / 1024) kB")
            #expect(report.lost == 0 && report.unexpected == 0 && report.answered == count)
            // Growth beyond the checker's own records stays under a fixed allowance, whatever the count.
            #expect(after - before <= report.recordBytes / 1024 + 32 * 1024, "RSS grew \(after - before) kB")
            await admin.close()
        }
    }
}
