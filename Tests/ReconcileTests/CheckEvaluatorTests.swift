import Foundation
import JetStreamSchema
import Testing
@testable import Reconcile
import Topology

/// `CheckEvaluator` as a function of values: the file, the replies a cluster would give (configs as the
/// server echoes them after an apply), and the time.
@Suite struct CheckEvaluatorTests {
    static let capabilities = ServerCapabilities(version: ServerVersion(2, 15, 1), apiLevel: 2, clusterSize: 3)
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let yaml = """
          ORDERS:
            subjects: [orders.>]
            num_replicas: 3
            check:
              messages: {warn: 1000, crit: 5000}
            consumers:
              runners:
                ack_policy: explicit
                check:
                  pending: {warn: 100, crit: 1000}
                  last_active: {warn: 5m, crit: 1h}
              idle:
                ack_policy: explicit
          COPY:
            mirror: { name: ORDERS }
            check:
              lag: {warn: 10, crit: 100}

        """

    /// What a healthy 3-node cluster answers for `topology` once applied: every stream led by n1 with n2
    /// and n3 current; `edit` changes a stream's info (by name) or a consumer's (`STREAM.consumer`).
    static func readings(_ topology: TopologySpec, edit: (String, inout JSONObject) -> Void = { _, _ in }) -> [StreamReading] {
        let cluster: JSONValue = .object(["name": "c", "leader": "n1", "replicas": .array([
            .object(["name": "n2", "current": true, "active": 1_000_000, "lag": 0]),
            .object(["name": "n3", "current": true, "active": 2_000_000, "lag": 0]),
        ])])
        let created = "2027-01-15T08:00:00Z"
        return applied(topology, capabilities: capabilities).streams.map { stream in
            var info: JSONObject = ["config": .object(stream.config), "state": .object(["messages": 0, "bytes": 0]), "cluster": cluster]
            if let mirror = stream.config["mirror"]?["name"]?.stringValue { info["mirror"] = .object(["name": .string(mirror), "lag": 0]) }
            edit(stream.name, &info)
            let consumers = stream.consumers.map { consumer -> JSONObject in
                var c: JSONObject = ["stream_name": .string(stream.name), "name": .string(consumer.name), "config": .object(consumer.config),
                                     "created": .string(created), "num_pending": 0, "num_ack_pending": 0, "num_redelivered": 0,
                                     "num_waiting": 0, "cluster": cluster,
                                     "delivered": .object(["consumer_seq": 0, "stream_seq": 0, "last_active": .string(created)])]
                edit("\(stream.name).\(consumer.name)", &c)
                return c
            }
            return StreamReading(info: info, consumers: consumers)
        }
    }

    static func evaluate(_ topology: TopologySpec, _ readings: [StreamReading], now: Date = now) -> CheckReport {
        CheckEvaluator.evaluate(topology, readings: readings, capabilities: capabilities, now: now)
    }

    @Test func aHealthyIdleClusterIsOKAndEveryValueIsMeasured() throws {
        let file = try topology(Self.yaml)
        let report = Self.evaluate(file, Self.readings(file))
        #expect(report.findings.isEmpty, "\(report.findings.map(\.line))")
        #expect(report.status == .ok)
        #expect(report.measurements.count == 2 + 3 + 5 + 5, "messages and bytes (and the lag of the mirror), five per consumer")
        let pending = try #require(report.measurements.first { $0.resource == .consumer("ORDERS", "runners") && $0.metric == .pending })
        #expect(pending.value == 0 && pending.warn == 100 && pending.crit == 1000)
        let idle = try #require(report.measurements.first { $0.resource == .consumer("ORDERS", "runners") && $0.metric == .lastActive })
        #expect(idle.value == Int64(Self.now.timeIntervalSince(CheckEvaluator.date("2027-01-15T08:00:00Z")!) * 1e9))
        #expect(report.measurements.first { $0.metric == .lag }?.source == "ORDERS")
    }

    @Test func valuesAboveWarnAreWarningsAndAboveCritCritical() throws {
        let file = try topology(Self.yaml)
        let warned = Self.evaluate(file, Self.readings(file) { name, info in
            if name == "ORDERS.runners" { info["num_pending"] = 150 }
        })
        #expect(warned.status == .warning)
        #expect(warned.findings.map(\.line) == ["WARNING consumer ORDERS.runners: pending 150 is above warn 100"])
        let finding = try #require(warned.findings.first)
        #expect(finding.value == 150 && finding.threshold == 100 && finding.metric == .pending)
        #expect(finding.location?.line == 14 && finding.location?.column == 11)

        // At the threshold is still within it; the worst finding comes first.
        let critical = Self.evaluate(file, Self.readings(file) { name, info in
            if name == "ORDERS.runners" { info["num_pending"] = 1000 }
            if name == "ORDERS" { info["state"] = .object(["messages": 5001, "bytes": 1_048_576]) }
            if name == "COPY" { info["mirror"] = .object(["name": "ORDERS", "lag": 11]) }
        })
        #expect(critical.findings.map(\.line) == [
            "CRITICAL stream ORDERS: messages 5001 is above crit 5000",
            "WARNING consumer ORDERS.runners: pending 1000 is above warn 100",
            "WARNING stream COPY: lag of ORDERS 11 is above warn 10",
        ])
        #expect(critical.status == .critical)
    }

    @Test func lastActiveIsADurationSinceTheLastDelivery() throws {
        let file = try topology(Self.yaml)
        let report = Self.evaluate(file, Self.readings(file) { name, info in
            guard name == "ORDERS.runners" else { return }
            info["delivered"] = .object(["last_active": .string("2027-01-15T07:59:00.5Z")])
        }, now: CheckEvaluator.date("2027-01-15T08:09:00.5Z")!)
        #expect(report.findings.map(\.line) == ["WARNING consumer ORDERS.runners: last_active 10m is above warn 5m"])
    }

    @Test func missingResourcesAreCriticalAndDriftAWarningNamingTheField() throws {
        let file = try topology(Self.yaml)
        let readings = Self.readings(file).compactMap { reading -> StreamReading? in
            guard reading.name != "COPY" else { return nil }
            var reading = reading
            reading.consumers.removeAll { $0["name"]?.stringValue == "idle" }
            var config = reading.info["config"]?.objectValue ?? [:]
            config["max_age"] = .int(7_200_000_000_000)
            reading.info["config"] = .object(config)
            return reading
        }
        let report = Self.evaluate(file, readings)
        #expect(report.status == .critical)
        #expect(report.findings.map(\.line) == [
            "CRITICAL consumer ORDERS.idle: does not exist (declared at topology.yaml:16:7)",
            "CRITICAL stream COPY: does not exist (declared at topology.yaml:18:3)",
            "WARNING stream ORDERS: differs from the file: max_age is 2h, not unlimited",
        ])
        #expect(report.findings.map(\.check) == [.exists, .exists, .drift])
    }

    @Test func aLeaderlessStreamAndOfflineOrLaggingReplicasAreCriticalNamingThePeer() throws {
        let file = try topology(Self.yaml)
        let report = Self.evaluate(file, Self.readings(file) { name, info in
            switch name {
            case "ORDERS":
                info["cluster"] = .object(["leader": "n1", "replicas": .array([
                    .object(["name": "n2", "current": false, "offline": true, "active": 30_000_000_000, "lag": 12]),
                    .object(["name": "n3", "current": false, "active": 4_200_000_000, "lag": 3]),
                ])])
            case "COPY":
                info["cluster"] = .object(["name": "c", "replicas": .array([.object(["name": "n2", "current": true])])])
            case "ORDERS.idle":
                info["cluster"] = .object(["leader": "n1", "replicas": .array([.object(["name": "n3", "current": true])])])
            default: break
            }
        })
        #expect(report.findings.map(\.line) == [
            "CRITICAL stream ORDERS: replica n2 is offline",
            "CRITICAL stream ORDERS: replica n3 is not current (3 operations behind, last seen 4.2s ago)",
            "CRITICAL consumer ORDERS.idle: has 2 of its 3 replicas",
            "CRITICAL stream COPY: has no leader",
        ])
        #expect(report.findings.compactMap(\.peer) == ["n2", "n3"])
    }

    @Test func aPausedConsumerIsCriticalUnlessTheFileDeclaresAPauseStillAhead() throws {
        let paused: (String, inout JSONObject) -> Void = { name, info in
            guard name == "ORDERS.runners" else { return }
            info["paused"] = true
            info["pause_remaining"] = 3_600_000_000_000
        }
        let file = try topology(Self.yaml)
        let report = Self.evaluate(file, Self.readings(file, edit: paused))
        #expect(report.findings.map(\.line) == ["CRITICAL consumer ORDERS.runners: is paused, and the file declares no pause still ahead"])

        let pausing = try topology(Self.yaml.replacingOccurrences(of: "ack_policy: explicit\n        check:",
                                                                  with: "ack_policy: explicit\n        pause_until: 2027-06-01T00:00:00Z\n        check:"))
        #expect(Self.evaluate(pausing, Self.readings(pausing, edit: paused)).findings.isEmpty)
        let over = Self.evaluate(pausing, Self.readings(pausing, edit: paused), now: CheckEvaluator.date("2027-06-02T00:00:00Z")!)
        #expect(over.findings.first?.line == "CRITICAL consumer ORDERS.runners: is paused until 2027-06-01T00:00:00Z, and the file declares no pause still ahead")
        #expect(over.findings.filter { $0.check == .paused }.count == 1)
    }

    @Test func bucketsAreCheckedAsTheirStreams() throws {
        let file = try TopologyLoader.load(yaml: """
            name: users
            contexts:
              user: { url: 'nats://localhost:4222' }
            kv:
              CONFIG:
                history: 5
                check:
                  messages: {warn: 10}
            """, file: "topology.yaml", environment: [:]).topology
        let report = Self.evaluate(file, Self.readings(file) { _, info in info["state"] = .object(["messages": 11, "bytes": 100]) })
        #expect(report.findings.map(\.line) == ["WARNING kv CONFIG: messages 11 is above warn 10"])
        #expect(report.findings.first?.resource == CheckResource(kind: .kv, stream: "KV_CONFIG", bucket: "CONFIG"))
        #expect(Self.evaluate(file, []).findings.map(\.line) == ["CRITICAL kv CONFIG: does not exist (declared at topology.yaml:5:3)"])
    }
}
