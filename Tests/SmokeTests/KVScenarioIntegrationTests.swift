import Foundation
import JetStream
import JetStreamSchema
import LocalCluster
import NATS
import Testing
import TestSupport
@testable import Smoke

/// The shipped topology's CONFIG bucket (memory, R3, history 5), made as `jetform apply` makes it.
func createConfigBucket(_ js: JetStreamContext, history: Int64 = 5) async throws {
    let json = KVFields.streamConfig(bucket: "CONFIG", ["storage": .string("memory"), "num_replicas": .int(3), "history": .int(history)])
    let config = try JSONDecoder().decode(StreamConfig.self, from: Data(json.jsonString(pretty: false).utf8))
    try await createRetryingPlacement(js, config)
}

/// The kv scenario on a real 3-node cluster: puts with expected revisions, reads, the watcher, history.
@Suite(.serialized) struct KVScenarioIntegrationTests {
    @Test func everyPutIsStoredReadWatchedAndKeptAsTheBucketSays() async throws {
        try await LocalCluster.withCluster { cluster in
            let admin = try await NATSClient.connect(try userOptions(cluster))
            let js = JetStreamContext(client: admin)
            try await createConfigBucket(js)
            // A key of the application's own, which the run must leave alone.
            _ = try await js.publish(subject: "$KV.CONFIG.feature.signup", "on")
            let env = SmokeEnvironment(options: try userOptions(cluster), idleTimeout: .seconds(3))
            let report = await KVScenario(bucket: "CONFIG", count: 1000, keys: 10).run(env)
            print(SmokeReportRenderer.text(SmokeReport(runId: env.runId, scenarios: [report])))
            #expect(report.error == nil, "\(report.error ?? "")")
            #expect(report.sent == 1000 && report.acknowledged == 1000 && report.answered == 1000, "the watcher saw every put")
            #expect(report.lost == 0 && report.duplicated == 0 && report.unexpected == 0 && report.outOfOrder == 0)
            #expect(report.checks.map(\.name) == ["reads", "watcher", "latest values", "history"])
            #expect(report.checks.allSatisfy { $0.passed }, "\(report.checks)")
            let history = try #require(report.checks.first { $0.name == "history" })
            #expect(history.detail.contains("key jetform-smoke.\(env.runId).0 after 100 puts with history 5: 5 values expected, the newest 5 in order"), "\(history.detail)")
            #expect(report.checks[0].detail == "1000 reads after a put returned it at its revision")
            #expect(report.latency != nil && report.throughput > 0)
            #expect(report.passed)
            // Purged: only the application's key is left.
            let left = try await js.streamInfo("KV_CONFIG").state
            #expect(left.messages == 1, "\(left)")
            #expect(try await js.lastMessage(stream: "KV_CONFIG", subject: "$KV.CONFIG.feature.signup")?.data == Data("on".utf8))
            // 10 keys × history 5.
            #expect(report.notes.contains { $0.hasPrefix("purged this run's keys (50 messages)") }, "\(report.notes)")

            // Another client writes one of the run's keys mid-run: the writer's next put is refused, the
            // read finds a foreign value (a conflict), and the watcher sees an update no writer made.
            var foreignEnv = env
            foreignEnv.runId = SmokePayload.newRunId()
            let key = "$KV.CONFIG.jetform-smoke.\(foreignEnv.runId).3"
            let intruder = Task {
                let deadline = ContinuousClock.now + .seconds(30)
                while (try? await js.lastMessage(stream: "KV_CONFIG", subject: key)) == nil && ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(5))
                }
                _ = try? await js.publish(subject: key, "someone else")
            }
            let conflicted = await KVScenario(bucket: "CONFIG", count: 2000, keys: 10).run(foreignEnv)
            await intruder.value
            print(SmokeReportRenderer.text(SmokeReport(runId: foreignEnv.runId, scenarios: [conflicted])))
            #expect(conflicted.unexpected == 2, "one conflict, one foreign update watched: \(conflicted.notes)")
            #expect(conflicted.notes.contains("1 puts found the key changed by another writer (conflicts)"), "\(conflicted.notes)")
            #expect(conflicted.lost == 0 && conflicted.acknowledged == 2000 && !conflicted.passed)

            // A missing bucket is an error that says so.
            let missing = await KVScenario(bucket: "NOPE", count: 10).run(env)
            #expect(missing.error?.contains("kv bucket NOPE (stream KV_NOPE) does not exist") == true, "\(missing.error ?? "")")
            #expect(!missing.passed)
            await admin.close()
        }
    }

    /// `--kill-server` on kv: the bucket stream's leader is killed after a quarter of the puts and
    /// restarted 2 s later; no acknowledged put may be lost, and the puts resume.
    @Test func aKilledLeaderLosesNoAcknowledgedPut() async throws {
        try await LocalCluster.withCluster { cluster in
            let admin = try await NATSClient.connect(try userOptions(cluster))
            try await createConfigBucket(JetStreamContext(client: admin))
            let fault = KillServerFault(downFor: .seconds(2),
                                        kill: { name in try await cluster.kill(server: name) },
                                        restart: { name in try await cluster.start(server: name) })
            let env = SmokeEnvironment(options: try userOptions(cluster), idleTimeout: .seconds(20))
            let report = await KVScenario(bucket: "CONFIG", count: 3000, keys: 10, fault: fault).run(env)
            print(SmokeReportRenderer.text(SmokeReport(runId: env.runId, scenarios: [report])))
            #expect(report.error == nil, "\(report.error ?? "")")
            #expect(report.lost == 0 && report.unexpected == 0 && report.duplicated == 0 && report.outOfOrder == 0)
            #expect(report.publishFailures == 0 && report.acknowledged == 3000, "every put was stored after the election")
            #expect(report.answered == report.acknowledged)
            #expect(report.checks.map(\.name) == ["reads", "watcher", "latest values", "history", "kill server"])
            #expect(report.checks.allSatisfy { $0.passed }, "\(report.checks)")
            #expect(report.checks.last?.detail.contains("(KV_CONFIG leader) after") == true, "\(report.checks.last?.detail ?? "")")
            #expect(report.passed)
            await admin.close()
        }
    }
}

/// The kv scenario's records as a value.
@Suite struct KVLedgerTests {
    @Test func historyIsTheNewestStoredPutsOfTheKey() {
        var ledger = KVLedger(count: 25, keys: 10)
        #expect(Array(ledger.puts(on: 0)) == [0, 10, 20] && Array(ledger.puts(on: 9)) == [9, 19])
        ledger.stored(0, revision: 3, latency: .milliseconds(1))
        ledger.stored(10, revision: 15, latency: nil)
        ledger.stored(20, revision: 27, latency: .milliseconds(2))
        #expect(ledger.expectedHistory(of: 0, history: 2).map(\.id) == [10, 20])
        #expect(ledger.expectedHistory(of: 0, history: 64).map(\.revision) == [3, 15, 27])
        #expect(ledger.lastStored(on: 0)?.id == 20 && ledger.lastStored(on: 1) == nil)
        #expect(ledger.ackLatency.totalCount == 2, "a put found by a read has no ack latency")
    }

    @Test func theWatcherMustDeliverEachKeyInRevisionOrder() {
        var ledger = KVLedger(count: 20, keys: 2)
        let inOrder = [(0, 0, 5), (1, 1, 3), (0, 0, 5), (0, 2, 4), (0, 2, 9)].map { key, id, revision in
            ledger.watched(key: key, id: id, revision: revision)
        }
        #expect(inOrder == [true, true, false, false, true], "keys are ordered apart; a repeated or lower revision is out of order")
        #expect(ledger.watchedOutOfOrder == 2)
    }

    /// A writer stays at most `history` puts of its key ahead of the watcher: further ahead, the bucket
    /// would drop a value the watcher has not seen.
    @Test func writersWaitForTheWatcherBeyondTheHistory() {
        var ledger = KVLedger(count: 40, keys: 2)
        // Key 0's puts are 0, 2, 4, …; with history 3, put 6 needs put 0 delivered.
        #expect(ledger.mayWrite(4, history: 3) && !ledger.mayWrite(6, history: 3) && ledger.mayWrite(6, history: nil))
        ledger.watched(key: 0, id: 0, revision: 1)
        #expect(ledger.mayWrite(6, history: 3) && !ledger.mayWrite(8, history: 3) && !ledger.mayWrite(7, history: 3))
        ledger.stored(0, revision: 1, latency: nil)
        ledger.stored(2, revision: 3, latency: nil)
        #expect(ledger.stored(from: 1, notIn: { $0 == 0 }) == 1 && ledger.stored(from: 4, notIn: { _ in false }) == 0)
    }

    @Test func aReadMustReturnThePutAtItsRevision() {
        var ledger = KVLedger(count: 4, keys: 2)
        ledger.stored(0, revision: 7, latency: nil)
        ledger.read(after: 0, found: 0, revision: 7)
        ledger.read(after: 0, found: 0, revision: 8)
        ledger.read(after: 0, found: nil, revision: 7)
        ledger.read(after: 0, found: nil, revision: nil)
        #expect(ledger.getsChecked == 4 && ledger.getMismatches == 3)
        #expect(ledger.getMismatchDetails == [
            "after put 0 (revision 7) the key held put 0 at revision 8",
            "after put 0 (revision 7) the key held no value of this run at revision 7",
            "after put 0 (revision 7) the key held nothing (the read failed)",
        ])
    }
}
