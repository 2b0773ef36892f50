import Foundation
import Testing
@testable import Reconcile
import Topology

/// The four outputs of `jetform check` for fixed reports.
@Suite struct CheckRendererTests {
    static let runners = CheckResource.consumer("ORDERS", "runners")
    static let report = CheckReport(
        topology: "users",
        findings: [
            CheckFinding(.critical, .stream("ORDERS"), .replicas, "replica n2 is offline", peer: "n2"),
            CheckFinding(.warning, runners, .threshold, "pending 150 is above warn 100", metric: .pending, value: 150, threshold: 100,
                         at: SourceLocation(file: "topology.yaml", line: 12, column: 11)),
        ],
        measurements: [
            CheckMeasurement(resource: .stream("ORDERS"), metric: .messages, value: 150),
            CheckMeasurement(resource: .stream("ORDERS"), metric: .bytes, value: 4096, crit: 1 << 30),
            CheckMeasurement(resource: .stream("COPY"), metric: .lag, value: 3, warn: 10, source: "ORDERS"),
            CheckMeasurement(resource: runners, metric: .pending, value: 150, warn: 100, crit: 1000),
            CheckMeasurement(resource: runners, metric: .lastActive, value: 90_500_000_000, warn: 300_000_000_000),
            CheckMeasurement(resource: CheckResource(kind: .kv, stream: "KV_CONFIG", bucket: "CONFIG"), metric: .messages, value: 2),
        ],
        streams: 2, consumers: 1, buckets: 1)

    @Test func textIsALinePerFindingAndASummary() {
        #expect(CheckRenderer.text(Self.report) == """
            CRITICAL stream ORDERS: replica n2 is offline
            WARNING consumer ORDERS.runners: pending 150 is above warn 100
            CRITICAL: topology users, 2 streams, 1 consumer, 1 bucket: 1 critical, 1 warning
            """)
        let healthy = CheckReport(topology: "users", findings: [], measurements: [], streams: 1, consumers: 2, buckets: 0)
        #expect(CheckRenderer.text(healthy) == "OK: topology users, 1 stream, 2 consumers: healthy")
    }

    @Test func nagiosIsOneStatusLineWithPerfdata() {
        #expect(CheckRenderer.nagios(Self.report) == "JETFORM CRITICAL: stream ORDERS: replica n2 is offline; "
            + "WARNING consumer ORDERS.runners: pending 150 is above warn 100 | ORDERS.messages=150;;;0 ORDERS.bytes=4096B;;1073741824;0 "
            + "COPY.lag.ORDERS=3;10;;0 ORDERS.runners.pending=150;100;1000;0 ORDERS.runners.last_active=90.500s;300.000;;0 CONFIG.messages=2;;;0")
        let odd = CheckReport(topology: "t", findings: [],
                              measurements: [CheckMeasurement(resource: .consumer("S", "a=b"), metric: .waiting, value: 1)],
                              streams: 1, consumers: 1, buckets: 0)
        #expect(CheckRenderer.nagios(odd) == "JETFORM OK: topology t, 1 stream, 1 consumer: healthy | 'S.a=b.waiting'=1;;;0")
    }

    @Test func jsonHasTheStatusTheFindingsAndTheMeasurements() throws {
        let text = CheckRenderer.json(Self.report)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["status"] as? String == "critical" && document["exit_code"] as? Int == 2)
        let findings = try #require(document["findings"] as? [[String: Any]])
        #expect(findings.count == 2)
        #expect(findings[0]["peer"] as? String == "n2" && findings[0]["check"] as? String == "replicas")
        #expect((findings[1]["resource"] as? [String: String]) == ["kind": "consumer", "stream": "ORDERS", "consumer": "runners"])
        #expect(findings[1]["value"] as? Int == 150 && findings[1]["threshold"] as? Int == 100)
        #expect(findings[1]["location"] as? String == "topology.yaml:12:11")
        let measurements = try #require(document["measurements"] as? [[String: Any]])
        #expect(measurements.count == 6)
        #expect(measurements[3]["status"] as? String == "warning" && measurements[3]["warn"] as? Int == 100)
        #expect(measurements[4]["unit"] as? String == "nanoseconds")
    }

    @Test func prometheusHasAGaugePerMeasuredValueWithStreamAndConsumerLabels() {
        let text = CheckRenderer.prometheus(Self.report)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("jetform_check_status{topology=\"users\"} 2"))
        #expect(lines.contains("jetform_check_findings{topology=\"users\",status=\"critical\"} 1"))
        #expect(lines.contains("jetform_stream_messages{topology=\"users\",stream=\"ORDERS\"} 150"))
        #expect(lines.contains("jetform_stream_messages{topology=\"users\",stream=\"KV_CONFIG\",bucket=\"CONFIG\"} 2"))
        #expect(lines.contains("jetform_stream_lag{topology=\"users\",stream=\"COPY\",source=\"ORDERS\"} 3"))
        #expect(lines.contains("jetform_consumer_pending{topology=\"users\",stream=\"ORDERS\",consumer=\"runners\"} 150"))
        #expect(lines.contains("jetform_consumer_last_active_seconds{topology=\"users\",stream=\"ORDERS\",consumer=\"runners\"} 90.500"))
        #expect(lines.contains("jetform_check_threshold{topology=\"users\",stream=\"ORDERS\",consumer=\"runners\",metric=\"pending\",level=\"crit\"} 1000"))
        // Each family once, declared before its samples.
        for family in ["jetform_stream_messages", "jetform_consumer_pending", "jetform_check_threshold"] {
            #expect(lines.filter { $0 == "# TYPE \(family) gauge" }.count == 1)
            let declared = lines.firstIndex(of: "# TYPE \(family) gauge")!
            #expect(lines.firstIndex { $0.hasPrefix(family + "{") }! > declared)
        }
        #expect(text.hasSuffix("\n"))
        #expect(CheckRenderer.escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }
}
