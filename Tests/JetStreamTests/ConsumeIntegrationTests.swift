import JetStreamSchema
import Foundation
import LocalCluster
import NATS
import NIOCore
import Testing
@testable import JetStream

/// Publishing with acks and pull consuming against a real 3-node cluster.
@Suite(.serialized, .timeLimit(.minutes(6)))
struct ConsumeIntegrationTests {
    /// Marks sequence numbers seen; reports the missing ones.
    struct SeenSet {
        var bits: [Bool]
        var count = 0
        init(_ n: Int) { bits = Array(repeating: false, count: n + 1) }
        mutating func insert(_ seq: UInt64) -> Bool {
            let i = Int(seq)
            guard i < bits.count, !bits[i] else { return false }
            bits[i] = true
            count += 1
            return true
        }
        var missing: [Int] { (1..<bits.count).filter { !bits[$0] } }
    }

    @Test func publishFetchAndAck100kMessagesNoneLost() async throws {
        try await withJetStreamCluster(version: Releases.current) { _, js, _ in
            let total = 100_000
            var config = StreamConfig(name: "BULK", subjects: ["bulk.>"])
            config.storage = .memory
            config.numReplicas = 3
            _ = try await js.createStream(config)
            var consumer = ConsumerConfig(durableName: "bulk", ackPolicy: .explicit)
            consumer.maxAckPending = 20_000
            _ = try await js.createConsumer(stream: "BULK", config: consumer)

            let started = ContinuousClock.now
            let publisher = try await AsyncPublisher(context: js, maxInFlight: 2048)
            for i in 1...total {
                try await publisher.publishCounted(subject: "bulk.\(i % 16)", payload: ByteBuffer(string: String(i)))
            }
            let summary = await publisher.waitForAcks()
            publisher.close()
            let published = ContinuousClock.now
            #expect(summary.acked == total && summary.failed == 0, "\(summary)")
            #expect(summary.duplicates == 0)
            #expect(try await js.streamInfo("BULK").state.messages == UInt64(total))

            // A fetch first (batch API), then the continuous consumer for the rest.
            var seen = SeenSet(total)
            var payloads = SeenSet(total)
            let pull = PullConsumer(context: js, stream: "BULK", name: "bulk")
            let first = try await pull.fetch(batch: 1000, expires: .seconds(5), idleHeartbeat: .seconds(1))
            #expect(first.count == 1000)
            for message in first {
                let meta = try #require(message.metadata)
                _ = seen.insert(meta.streamSequence)
                _ = payloads.insert(UInt64(String(buffer: message.payload)) ?? 0)
                try await message.ack()
            }
            let messages = try await pull.messages(batch: 1000, idleHeartbeat: .seconds(2))
            for try await message in messages {
                let meta = try #require(message.metadata)
                if seen.insert(meta.streamSequence) {
                    _ = payloads.insert(UInt64(String(buffer: message.payload)) ?? 0)
                }
                if seen.count == total {
                    try await message.ackSync()
                    break
                }
                try await message.ack()
            }
            messages.stop()
            let consumed = ContinuousClock.now
            print("100k: publish \(published - started), consume+ack \(consumed - published)")
            #expect(seen.count == total, "missing sequences: \(seen.missing.prefix(20))")
            #expect(payloads.count == total, "missing payloads: \(payloads.missing.prefix(20))")

            // Every ack arrived: nothing pending, nothing left to deliver.
            var info = try await pull.info()
            for _ in 0..<50 where info.numAckPending != 0 {
                try await Task.sleep(for: .milliseconds(100))
                info = try await pull.info()
            }
            #expect(info.numAckPending == 0 && info.numPending == 0, "ack pending \(info.numAckPending ?? -1), pending \(info.numPending ?? 0)")
            #expect(info.ackFloor?.streamSeq == UInt64(total))
        }
    }

    @Test func pullConsumerSurvivesAKilledStreamLeader() async throws {
        try await withJetStreamCluster(version: Releases.current) { cluster, js, system in
            let total = 5_000
            var config = StreamConfig(name: "SURVIVE", subjects: ["survive.>"])
            config.storage = .file
            config.numReplicas = 3
            _ = try await js.createStream(config)
            var consumer = ConsumerConfig(durableName: "worker", ackPolicy: .explicit)
            consumer.ackWait = .seconds(2)
            _ = try await js.createConsumer(stream: "SURVIVE", config: consumer)
            let publisher = try await AsyncPublisher(context: js, maxInFlight: 512)
            for i in 1...total { try await publisher.publishCounted(subject: "survive.x", payload: ByteBuffer(string: String(i))) }
            #expect(await publisher.waitForAcks().acked == total)
            publisher.close()

            let leader = try #require(try await js.streamInfo("SURVIVE").cluster?.leader)
            let pull = PullConsumer(context: js, stream: "SURVIVE", name: "worker")
            let messages = try await pull.messages(batch: 100, expires: .seconds(5), idleHeartbeat: .seconds(1))
            var seen = SeenSet(total)
            var killedAt: ContinuousClock.Instant?
            var redelivered = 0
            for try await message in messages {
                let meta = try #require(message.metadata)
                if !seen.insert(meta.streamSequence) { redelivered += 1 }
                try? await message.ack()  // may fail while reconnecting; the message then comes again
                if killedAt == nil && seen.count >= total / 3 {
                    try await cluster.kill(server: leader)
                    killedAt = .now
                }
                if seen.count == total { break }
            }
            messages.stop()
            let recovered = ContinuousClock.now - (killedAt ?? .now)
            print("leader \(leader) killed; all \(total) delivered \(recovered) later, \(redelivered) redeliveries")
            #expect(seen.count == total, "missing: \(seen.missing.prefix(20))")

            // The stream has a new leader and every message ends up acknowledged.
            let newLeader = try await js.streamInfo("SURVIVE").cluster?.leader
            #expect(newLeader != nil && newLeader != leader)
            var info = try await pull.info()
            for _ in 0..<100 where info.numAckPending != 0 || info.numPending != 0 {
                // Acks lost during the failover come back after ack_wait; ack them again.
                if let again = try? await pull.fetch(batch: 500, expires: .seconds(1)) {
                    for m in again { try await m.ack() }
                }
                info = try await pull.info()
            }
            #expect(info.numAckPending == 0 && info.numPending == 0)

            // The system account sees one server missing.
            let health = try await system.clusterHealth(expectedServers: 3, timeout: .seconds(2))
            #expect(health.servers.count == 2)
            #expect(health.problems.contains("2 of 3 servers answered"))
        }
    }

    @Test func electionsAreRetriedAnd10008IsTyped() async throws {
        try await withJetStreamCluster(version: Releases.current) { cluster, _, _ in
            // Talk to inst-1 only, then take the other two away: no quorum, no meta leader.
            let survivor = try await connect(cluster, user: "user", servers: [cluster.clientURLs[0]])
            defer { Task { await survivor.close() } }
            let noRetry = JetStreamContext(client: survivor, requestTimeout: .seconds(2), retry: .none)
            _ = try await noRetry.accountInfo()
            try await cluster.kill(server: 1)
            try await cluster.kill(server: 2)
            var observed: JetStreamError?
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            while ContinuousClock.now < deadline {
                var config = StreamConfig(name: "DURING_ELECTION", subjects: ["election"])
                config.storage = .memory
                do throws(JetStreamError) {
                    _ = try await noRetry.createStream(config)
                } catch {
                    if error.errCode == .clusterNotAvailable { observed = error; break }
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            #expect(observed?.errCode == .clusterNotAvailable, "no 10008 within 30 s: \(String(describing: observed))")
            #expect(observed?.isRetryable == true)

            // Bring one back: with the default policy the same call waits out the election.
            // LocalCluster's start(server:) waits for the whole cluster to be ready, which cannot
            // happen with inst-3 still down; the server is launched all the same.
            _ = try? await cluster.start(server: cluster.servers[1].name, timeout: .seconds(1))
            let retrying = JetStreamContext(client: survivor, requestTimeout: .seconds(2), retry: RetryPolicy(budget: .seconds(30)))
            var config = StreamConfig(name: "AFTER_ELECTION", subjects: ["after"])
            config.storage = .memory
            let started = ContinuousClock.now
            let info = try await retrying.createStream(config)
            print("create succeeded \(ContinuousClock.now - started) after restarting a server")
            #expect(info.config.name == "AFTER_ELECTION")
        }
    }
}

/// System-account requests on both releases.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct SystemIntegrationTests {
    @Test(arguments: Releases.all)
    func clusterHealthFromEveryServer(version: String) async throws {
        try await withJetStreamCluster(version: version) { _, _, system in
            let replies = try await system.gather(subject: "$SYS.REQ.SERVER.PING.VARZ", timeout: .seconds(3), quietPeriod: .milliseconds(300))
            #expect(replies.count == 3)
            let varz = try await system.varz(expected: 3)
            #expect(varz.map { $0.data?.version } == [version, version, version])
            // Right after start a follower may still be catching up: give it a few seconds.
            var health = try await system.clusterHealth(expectedServers: 3)
            for _ in 0..<20 where !health.problems.isEmpty {
                try await Task.sleep(for: .milliseconds(500))
                health = try await system.clusterHealth(expectedServers: 3)
            }
            #expect(health.servers.count == 3)
            #expect(health.servers.allSatisfy { $0.healthy && $0.jetStreamEnabled && $0.version == version })
            #expect(health.metaLeader != nil)
            // 2.10 lists a follower only once it has its statistics (can take over 30 s after a start).
            #expect(health.metaReplicasLagging.isEmpty, "\(health)")
            #expect(health.metaReplicasCurrent.count == 2 || (version.hasPrefix("2.10.") && health.metaReplicasCurrent.count == 1), "\(health)")
            #expect(health.problems.isEmpty, "\(health.problems)")
            if ServerVersion(version)!.supportsPedantic {
                #expect((health.apiLevel ?? 0) >= 1)
            } else {
                #expect(health.apiLevel == 0)
            }
        }
    }
}
