import Foundation
import JetStream
import LocalCluster
import NATS
import Testing
import TestSupport

/// `jetform check` against a real 3-node cluster: an idle healthy setup is OK (0); pending messages
/// above `warn` are a WARNING (1) and above `crit` CRITICAL (2), naming the consumer and the value; a
/// declared consumer deleted by another client, a paused consumer and a killed server hosting the R3
/// stream are CRITICAL (naming the consumer, the peer), and the check is OK again once the server is
/// back; drift is a WARNING naming the field; an unreachable cluster and a bad file are UNKNOWN (3).
@Suite("jetform check against a real cluster", .serialized)
struct CheckTests {
    static let topology = """
        name: checks
        contexts:
          user: { url: "${NATS_URL}", user: user, password: user }
        streams:
          ORDERS:
            subjects: [orders.>]
            num_replicas: 3
            max_age: 1h
            consumers:
              runners:
                ack_policy: explicit
                check:
                  pending: {warn: 100, crit: 1000}
                  ack_pending: {warn: 10, crit: 50}
        kv:
          CONFIG:
            history: 5
            num_replicas: 3
            check:
              messages: {warn: 10}
        """

    /// Runs `check` until `done` holds for its result (the cluster settles at its own pace), or fails
    /// after `timeout` with the last result.
    func check(_ cli: JetformCLI, _ arguments: [String] = [], timeout: Duration = .seconds(45),
               until done: (JetformCLI.Result) -> Bool) async throws -> JetformCLI.Result {
        let deadline = ContinuousClock.now + timeout
        var last = try await cli.run(["check", "topology.yaml"] + arguments)
        while !done(last) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            last = try await cli.run(["check", "topology.yaml"] + arguments)
        }
        return last
    }

    func publish(_ js: JetStreamContext, count: Int) async throws {
        for i in 0..<count { _ = try await js.publish(subject: "orders.new", "order \(i)") }
    }

    /// The newest release (nil: `NATS_SERVER_BIN`) and the oldest line, whose replies lack pauses.
    @Test(arguments: [nil, "2.10.26"] as [String?])
    func exitCodesFollowTheClusterThroughAKilledServerThresholdsDriftPausesAndDeletes(version: String?) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let cli = try JetformCLI(cluster: cluster, topology: Self.topology)
            defer { cli.remove() }
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            try await waitUntilPlacementWorks(js)
            let applied = try await cli.run(["apply", "--yes", "topology.yaml"])
            #expect(applied.status == 0, "\(applied)")

            // Idle and healthy: OK once every replica has caught up after the creates.
            let idle = try await check(cli) { $0.status == 0 }
            #expect(idle.status == 0, "\(idle)")
            #expect(idle.stdout == "OK: topology checks, 1 stream, 1 consumer, 1 bucket: healthy\n", "\(idle)")

            // What the file does not declare is not checked: another client's stream full of pending messages,
            // and its consumer on a declared stream.
            _ = try await js.createStream(StreamConfig(name: "FOREIGN", subjects: ["foreign.>"]))
            _ = try await js.createConsumer(stream: "FOREIGN", config: ConsumerConfig(durableName: "theirs", ackPolicy: .explicit))
            _ = try await js.createConsumer(stream: "ORDERS", config: ConsumerConfig(durableName: "theirs", ackPolicy: .explicit))
            for i in 0..<20 { _ = try await js.publish(subject: "foreign.x", "m\(i)") }
            let foreign = try await check(cli) { $0.status == 0 }
            #expect(foreign.status == 0 && !foreign.stdout.contains("FOREIGN") && !foreign.stdout.contains("theirs"), "\(foreign)")
            try await js.deleteConsumer(stream: "ORDERS", name: "theirs")

            // A killed server hosting the R3 stream: its replicas are not current, naming the peer.
            let victim = cluster.servers[1].name
            try await cluster.kill(server: victim)
            let down = try await check(cli, timeout: .seconds(60)) {
                $0.status == 2 && $0.stdout.contains("CRITICAL stream ORDERS: replica \(victim) is")
            }
            #expect(down.status == 2, "\(down)")
            #expect(down.stdout.contains("CRITICAL stream ORDERS: replica \(victim) is"), "\(down)")
            try await cluster.start(server: victim)
            let back = try await check(cli, timeout: .seconds(60)) { $0.status == 0 }
            #expect(back.status == 0, "recovers once the server is back: \(back)")

            // 150 pending over warn 100: WARNING naming the consumer, the value and the threshold.
            try await publish(js, count: 150)
            let warned = try await check(cli) { $0.status == 1 }
            #expect(warned.status == 1, "\(warned)")
            #expect(warned.stdout.contains("WARNING consumer ORDERS.runners: pending 150 is above warn 100"), "\(warned)")
            let nagios = try await cli.run(["check", "topology.yaml", "--format", "nagios"])
            #expect(nagios.status == 1, "\(nagios)")
            #expect(nagios.stdout.hasPrefix("JETFORM WARNING: consumer ORDERS.runners: pending 150 is above warn 100 | "), "\(nagios)")
            #expect(nagios.stdout.contains(" ORDERS.runners.pending=150;100;1000;0"), "\(nagios)")
            #expect(nagios.stdout.split(separator: "\n").count == 1, "\(nagios)")
            let prometheus = try await cli.run(["check", "topology.yaml", "--format", "prometheus"])
            #expect(prometheus.status == 1, "\(prometheus)")
            #expect(prometheus.stdout.contains("\njetform_consumer_pending{topology=\"checks\",stream=\"ORDERS\",consumer=\"runners\"} 150\n"), "\(prometheus)")
            #expect(prometheus.stdout.contains("\njetform_stream_messages{topology=\"checks\",stream=\"ORDERS\"} 150\n"), "\(prometheus)")
            #expect(prometheus.stdout.contains("jetform_check_status{topology=\"checks\"} 1\n"), "\(prometheus)")
            let json = try await cli.run(["check", "topology.yaml", "--format", "json"])
            #expect(json.status == 1, "\(json)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json)")
            #expect(document["status"] as? String == "warning" && document["exit_code"] as? Int == 1, "\(json)")
            let finding = try #require((document["findings"] as? [[String: Any]])?.first, "\(json)")
            #expect(finding["metric"] as? String == "pending" && finding["value"] as? Int == 150 && finding["threshold"] as? Int == 100,
                    "\(json)")

            // Over crit: CRITICAL.
            try await publish(js, count: 900)
            let critical = try await check(cli) { $0.status == 2 }
            #expect(critical.status == 2, "\(critical)")
            #expect(critical.stdout.contains("CRITICAL consumer ORDERS.runners: pending 1050 is above crit 1000"), "\(critical)")
            _ = try await js.purgeStream("ORDERS")
            #expect(try await check(cli) { $0.status == 0 }.status == 0)

            // Drift by another client: WARNING naming the field.
            var edited = try await js.streamInfo("ORDERS").config
            edited.maxAge = .seconds(7200)
            _ = try await js.updateStream(edited)
            let drift = try await check(cli) { $0.status == 1 }
            #expect(drift.stdout.contains("WARNING stream ORDERS: differs from the file: max_age is 2h, not 1h"), "\(drift)")
            #expect(try await cli.run(["apply", "--yes", "topology.yaml"]).status == 0)

            // Paused by another client while the file declares no pause: CRITICAL (pauses are 2.11+).
            if version != "2.10.26" {
                _ = try await js.pauseConsumer(stream: "ORDERS", name: "runners", until: "2099-01-01T00:00:00Z")
                let paused = try await check(cli) { $0.status == 2 }
                #expect(paused.stdout.contains("CRITICAL consumer ORDERS.runners: is paused until 2099-01-01T00:00:00Z"), "\(paused)")
                _ = try await js.pauseConsumer(stream: "ORDERS", name: "runners", until: nil)
                #expect(try await check(cli) { $0.status == 0 }.status == 0)
            }

            // A declared consumer deleted by another client: CRITICAL naming it.
            try await js.deleteConsumer(stream: "ORDERS", name: "runners")
            let deleted = try await cli.run(["check", "topology.yaml"])
            #expect(deleted.status == 2, "\(deleted)")
            #expect(deleted.stdout.contains("CRITICAL consumer ORDERS.runners: does not exist (declared at topology.yaml:"), "\(deleted)")

            // Nothing listens on port 1: UNKNOWN, in every format, without secrets.
            let nowhere = ["NATS_URL": "nats://127.0.0.1:1", "NATS_PASSWORD": "s3cret-never-shown"]
            let unreachable = try await cli.run(["check", "topology.yaml"], environment: nowhere)
            #expect(unreachable.status == 3, "\(unreachable)")
            #expect(unreachable.stderr.contains("127.0.0.1:1"), "\(unreachable)")
            for format in ["nagios", "json", "prometheus"] {
                let unknown = try await cli.run(["check", "topology.yaml", "--format", format], environment: nowhere)
                #expect(unknown.status == 3, "\(format): \(unknown)")
                #expect(!unknown.stdout.contains("s3cret") && !unknown.stderr.contains("s3cret"), "\(format): \(unknown)")
                #expect(unknown.stdout.contains(format == "nagios" ? "JETFORM UNKNOWN: " : format == "json" ? "\"exit_code\": 3" : "jetform_check_status{topology=\"checks\"} 3"),
                        "\(format): \(unknown)")
            }

            // A bad file: UNKNOWN with the usual diagnostics, before anything is contacted.
            try Self.topology.replacingOccurrences(of: "pending: {warn: 100, crit: 1000}", with: "pending: {warn: 1000, crit: 100}")
                .write(to: cli.directory.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
            let bad = try await cli.run(["check", "bad.yaml"])
            #expect(bad.status == 3, "\(bad)")
            #expect(bad.stderr.contains("bad.yaml:13:21: error: 'check.pending' in consumer 'runners' of stream 'ORDERS' warns at 1000, above its crit 100 — "),
                    "\(bad)")
            let usage = try await cli.run(["check", "--format", "bogus"])
            #expect(usage.status == 3 && usage.stderr.contains("bogus"), "a usage error is UNKNOWN too: \(usage)")
            await client.close()
        }
    }
}
