/// Renders a ``SmokeReport`` for people: counts, the per-worker split, throughput, latency
/// percentiles, a small bar chart of the latency distribution and the verdict.
public enum SmokeReportRenderer {
    /// Width of the longest histogram bar, in characters.
    static let barWidth = 30

    public static func text(_ report: SmokeReport) -> String {
        var out: [String] = []
        for scenario in report.scenarios {
            out.append(contentsOf: lines(scenario))
            out.append("")
        }
        let failed = report.scenarios.filter { !$0.passed }
        let lost = report.scenarios.reduce(0) { $0 + $1.lost }
        let unexpected = report.scenarios.reduce(0) { $0 + $1.unexpected }
        if report.passed {
            out.append("PASS  lost \(lost), unexpected \(unexpected)  (run \(report.runId))")
        } else {
            let names = failed.map(\.scenario.rawValue).joined(separator: ", ")
            out.append("FAIL  lost \(lost), unexpected \(unexpected)  failed: \(names)  (run \(report.runId))")
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func lines(_ s: ScenarioReport) -> [String] {
        var out = ["\(s.scenario.title)  \(s.flow)"]
        if let error = s.error { out.append("  error: \(error)") }
        if s.scenario == .kv {
            out.append("  puts \(s.sent)  acked \(s.acknowledged)  watched \(s.answered)  lost \(s.lost)  unexpected \(s.unexpected)  duplicated \(s.duplicated)")
        } else {
            var counts = "  sent \(s.sent)  acked \(s.acknowledged)  answered \(s.answered)"
            if s.fanOut > 1 { counts += " (of \(s.acknowledged * s.fanOut) deliveries)" }
            counts += "  lost \(s.lost)  unexpected \(s.unexpected)  duplicated \(s.duplicated)"
            counts += "  expired \(s.expired)  redelivered \(s.redelivered)"
            out.append(counts)
        }
        var extra: [String] = []
        if s.stale > 0 { extra.append("stale \(s.stale) (earlier runs)") }
        if s.outOfOrder > 0 { extra.append("out of order \(s.outOfOrder)") }
        if s.publishFailures > 0 { extra.append("publish failures \(s.publishFailures)") }
        if !extra.isEmpty { out.append("  " + extra.joined(separator: "  ")) }
        if !s.workers.isEmpty {
            let label = s.scenario == .pubsub ? "subscribers" : (s.scenario == .queue ? "members" : "workers")
            out.append("  \(label): " + s.workers.map { "\($0.name) \($0.count) (\(Int($0.percent.rounded()))%)" }.joined(separator: "  "))
        }
        let unit = switch s.scenario {
        case .durable, .request: "req"
        case .kv: "put"
        case .pubsub, .queue: "msg"
        }
        var figures = "  throughput \(grouped(Int(s.throughput.rounded()))) \(unit)/s"
        if let l = s.latency {
            figures += s.scenario == .kv ? "   put ack p50" : "   latency p50"
            figures += " \(ms(l.p50))  p90 \(ms(l.p90))  p99 \(ms(l.p99))  max \(ms(l.max))"
        }
        out.append(figures)
        out.append(contentsOf: histogramLines(s.histogram))
        for check in s.checks {
            out.append("  \(check.passed ? "ok  " : "FAIL") \(check.name): \(check.detail)")
        }
        for note in s.notes { out.append("  note: \(note)") }
        out.append("  \(s.passed ? "PASS" : "FAIL")  lost \(s.lost), unexpected \(s.unexpected)")
        return out
    }

    /// One bar per bucket, scaled to the fullest bucket.
    static func histogramLines(_ buckets: [LatencyBucket]) -> [String] {
        guard let top = buckets.map(\.count).max(), top > 0 else { return [] }
        let labels = buckets.map { "≤" + ms($0.upToMs) }
        let width = labels.map(\.count).max() ?? 0
        return zip(labels, buckets).map { label, bucket in
            let filled = bucket.count == 0 ? 0 : max(1, bucket.count * barWidth / top)
            let pad = String(repeating: " ", count: width - label.count)
            return "    \(label)\(pad)  \(String(repeating: "█", count: filled)) \(bucket.count)"
        }
    }

    /// `0.42ms`, `1.2ms`, `35ms`, `1.50s`.
    public static func ms(_ value: Double) -> String {
        if value >= 1000 { return format(value / 1000, digits: 2) + "s" }
        if value >= 10 { return String(Int(value.rounded())) + "ms" }
        if value >= 1 { return format(value, digits: 1) + "ms" }
        return format(value, digits: 3) + "ms"
    }

    static func format(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        var fraction = String(scaled % Int(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        while fraction.hasSuffix("0") && fraction.count > 1 { fraction.removeLast() }
        return fraction == "0" && digits > 0 ? "\(whole)" : "\(whole).\(fraction)"
    }

    /// `8214` → `8,214`.
    public static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// The live progress line: `durable  812/1000 answered  8,120/s`.
    public static func progressLine(_ scenario: ScenarioKind, _ p: SmokeProgress, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Int((Double(p.answered) / seconds).rounded()) : 0
        return "\(scenario.rawValue)  sent \(p.sent)  answered \(p.answered)/\(p.expected)  \(grouped(rate))/s"
    }
}
