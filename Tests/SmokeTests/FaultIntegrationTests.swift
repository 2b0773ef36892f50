import Foundation
import JetStream
import LocalCluster
import NATS
import Testing
import TestSupport
@testable import Smoke

/// `--kill-worker`: workers are `jetform worker` processes; one is SIGKILLed holding unacked requests.
@Suite(.serialized) struct FaultIntegrationTests {
    /// The jetform executable beside the test bundle, checked not to be stale (``JetformBinary``).
    static var jetform: String { get throws { try JetformBinary.url().path } }

    static var topologyFile: String { repositoryRoot().appendingPathComponent("topology.yaml").path }

    /// The environment of a `jetform worker`/`producer` child process: this one's, pointed at `cluster`
    /// as the application user.
    static func childEnvironment(_ cluster: LocalCluster) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["NATS_URL"] = cluster.clientURLs.joined(separator: ",")
        environment["NATS_USER"] = "user"
        environment["NATS_PASSWORD"] = "user"
        return environment
    }

    @Test func killedWorkerLosesNothing() async throws {
        let jetform = try Self.jetform
        try await LocalCluster.withCluster { cluster in
            let admin = try await NATSClient.connect(try userOptions(cluster))
            try await createSmokeStreams(JetStreamContext(client: admin))
            let environment = Self.childEnvironment(cluster)
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

    @Test func killedProducerLosesNothing() async throws {
        let jetform = try Self.jetform
        try await LocalCluster.withCluster { cluster in
            let admin = try await NATSClient.connect(try userOptions(cluster))
            try await createSmokeStreams(JetStreamContext(client: admin))
            let environment = Self.childEnvironment(cluster)
            let fault = KillProducerFault(executable: jetform, arguments: ["producer", Self.topologyFile], environment: environment)
            var scenario = durable(count: 1000, workers: 2, producers: 2, inFlight: 100)
            scenario.fault = fault
            let env = SmokeEnvironment(options: try userOptions(cluster), idleTimeout: .seconds(2))
            let report = await scenario.run(env)
            print(SmokeReportRenderer.text(SmokeReport(runId: env.runId, scenarios: [report])))
            #expect(report.error == nil, "\(report.error ?? "")")
            // Only what was acknowledged is expected: the victim's unpublished share is not lost.
            #expect(report.lost == 0 && report.unexpected == 0)
            #expect(report.checks.count == 1 && report.checks.allSatisfy(\.passed), "\(report.checks)")
            #expect(report.passed)
            await admin.close()
        }
    }
}

/// `--kill-server`: the requests stream's leader is killed mid-run and restarted.
@Suite(.serialized) struct KillServerIntegrationTests {
    @Test func killedLeaderLosesNothing() async throws {
        try await LocalCluster.withCluster { cluster in
            let admin = try await NATSClient.connect(try userOptions(cluster))
            try await createSmokeStreams(JetStreamContext(client: admin))
            let fault = KillServerFault(downFor: .seconds(2),
                                        kill: { name in try await cluster.kill(server: name) },
                                        restart: { name in try await cluster.start(server: name) })
            var scenario = durable(count: 3000, workers: 2, inFlight: 100)
            scenario.fault = fault
            let env = SmokeEnvironment(options: try userOptions(cluster), idleTimeout: .seconds(20))
            let report = await scenario.run(env)
            print(SmokeReportRenderer.text(SmokeReport(runId: env.runId, scenarios: [report])))
            #expect(report.error == nil, "\(report.error ?? "")")
            #expect(report.lost == 0 && report.unexpected == 0)
            // The check fails when no answer came after the kill: traffic must resume after the election.
            #expect(report.checks.count == 1 && report.checks.allSatisfy(\.passed), "\(report.checks)")
            // Requests whose publish failed during the election were sent again (same Nats-Msg-Id).
            #expect(report.publishFailures == 0)
            await admin.close()
        }
    }
}

/// `--pause-server`: the requests stream's leader is stopped (SIGSTOP) for longer than an election, then
/// continued; it comes back believing it leads, and must give way without losing or inventing a request.
@Suite(.serialized) struct PauseServerIntegrationTests {
    /// The durable scenario (3,000 requests) on `cluster` under `fault`, with pings every second, as
    /// `jetform smoke --pause-server` / `--partition-server` set them, to find the frozen or cut-off server.
    func durableReport(_ cluster: LocalCluster, under fault: KillServerFault) async throws -> ScenarioReport {
        let admin = try await NATSClient.connect(try userOptions(cluster))
        try await createSmokeStreams(JetStreamContext(client: admin))
        var scenario = durable(count: 3000, workers: 2, inFlight: 100)
        scenario.fault = fault
        var options = try userOptions(cluster)
        options.pingInterval = .seconds(1)
        let env = SmokeEnvironment(options: options, idleTimeout: .seconds(25))
        let report = await scenario.run(env)
        print(SmokeReportRenderer.text(SmokeReport(runId: env.runId, scenarios: [report])))
        await admin.close()
        return report
    }

    @Test func pausedLeaderLosesNothing() async throws {
        try await LocalCluster.withCluster { cluster in
            let report = try await durableReport(cluster, under: .pausing(pausedFor: .seconds(10),
                                                                          pause: { name in try await cluster.pause(server: name) },
                                                                          resume: { name in try await cluster.resume(server: name) }))
            #expect(report.error == nil, "\(report.error ?? "")")
            #expect(report.lost == 0 && report.unexpected == 0)
            #expect(report.checks.count == 1 && report.checks.allSatisfy(\.passed), "\(report.checks)")
            #expect(report.checks.first?.detail.contains("paused") == true && report.checks.first?.name == "pause server")
            // How long requests went unanswered is a figure (scripts/fault-loop), not a bound: under a
            // loaded suite it ran past the pause itself.
            #expect(report.checks.first?.milliseconds != nil)
        }
    }

    /// `--partition-server`: the requests leader's routes cut for 10 s while its clients stay connected
    /// to it, then healed; the others elect a new leader, the cut-off one rejoins as a follower.
    @Test func partitionedLeaderLosesNothing() async throws {
        try await LocalCluster.withCluster(partitionable: true) { cluster in
            let report = try await durableReport(cluster, under: .partitioning(cutFor: .seconds(10),
                                                                               cut: { name in try await cluster.partition(server: name) },
                                                                               heal: { _ in try await cluster.heal() }))
            #expect(report.error == nil, "\(report.error ?? "")")
            #expect(report.lost == 0 && report.unexpected == 0)
            #expect(report.checks.count == 1 && report.checks.allSatisfy(\.passed), "\(report.checks)")
            #expect(report.checks.first?.detail.contains("cut off") == true && report.checks.first?.name == "partition server")
            #expect(report.checks.first?.milliseconds != nil)
        }
    }
}

/// `jetform smoke` end to end: the shipped topology.yaml, connection from the environment, exit codes.
@Suite(.serialized) struct CommandIntegrationTests {
    func run(_ jetform: String, _ arguments: [String], environment: [String: String]) throws -> ProcessOutput {
        try runProcess(URL(fileURLWithPath: jetform), arguments, environment: environment)
    }

    @Test func smokeCommandRunsEveryScenario() async throws {
        let jetform = try FaultIntegrationTests.jetform
        try await LocalCluster.withCluster { cluster in
            let admin = try await NATSClient.connect(try userOptions(cluster))
            try await createSmokeStreams(JetStreamContext(client: admin))
            try await createConfigBucket(JetStreamContext(client: admin))
            var environment = ProcessInfo.processInfo.environment
            environment["NATS_URL"] = cluster.clientURLs.joined(separator: ",")
            let file = FaultIntegrationTests.topologyFile

            let all = try run(jetform, ["smoke", file, "--json", "--count", "500"], environment: environment)
            #expect(all.status == 0, "\(all.stdout)\n\(all.stderr)")
            let report = try JSONDecoder().decode(SmokeReport.self, from: Data(all.stdout.utf8))
            #expect(report.scenarios.map(\.scenario) == [.durable, .pubsub, .queue, .request, .kv])
            #expect(report.passed)
            #expect(report.scenarios.allSatisfy { $0.lost == 0 && $0.unexpected == 0 })

            let text = try run(jetform, ["smoke", file, "--scenario", "durable", "--count", "300", "--workers", "3"], environment: environment)
            #expect(text.status == 0, "\(text.stdout)\n\(text.stderr)")
            #expect(text.stdout.contains("workers: w1"))
            #expect(text.stdout.contains("PASS  lost 0, unexpected 0"))
            #expect(!text.stderr.contains("\r"), "no progress line when stderr is not a terminal")
            print(text.stdout)

            // Wrong password: a clear error, exit 1, no secret printed.
            var bad = environment
            bad["NATS_USER"] = "user"
            bad["NATS_PASSWORD"] = "not-the-password"
            let denied = try run(jetform, ["smoke", file, "--scenario", "pubsub"], environment: bad)
            #expect(denied.status == 1)
            #expect(!(denied.stdout + denied.stderr).contains("not-the-password"))

            let unknown = try run(jetform, ["smoke", file, "--scenario", "bogus"], environment: environment)
            #expect(unknown.status == 1 && unknown.stderr.contains("unknown scenario"))

            // The kv scenario alone: puts, reads, the watcher and the history of the shipped CONFIG bucket.
            let kv = try run(jetform, ["smoke", file, "--scenario", "kv", "--count", "400"], environment: environment)
            #expect(kv.status == 0, "\(kv.stdout)\n\(kv.stderr)")
            #expect(kv.stdout.contains("puts 400  acked 400  watched 400  lost 0  unexpected 0  duplicated 0"), "\(kv.stdout)")
            #expect(kv.stdout.contains("ok   history: key jetform-smoke.") && kv.stdout.contains("5 values expected, the newest 5 in order"))
            print(kv.stdout)
            // A worker fault has no workers to kill in the kv scenario.
            let misfit = try run(jetform, ["smoke", file, "--scenario", "kv", "--kill-worker"], environment: environment)
            #expect(misfit.status == 1 && misfit.stderr.contains("fault flags apply to the durable scenario only"), "\(misfit.stderr)")
            await admin.close()
        }
    }
}
