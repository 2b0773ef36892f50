import Foundation
import JetStreamSchema
import Topology

/// `jetform check` output: text (a line per finding and a summary), the monitoring-plugin status line
/// with perfdata (`nagios`), JSON, and the Prometheus text exposition. Pure functions of the report.
public enum CheckRenderer {
    /// One line per finding (`WARNING consumer ORDERS.runners: pending 150 is above warn 100`), then
    /// `WARNING: topology users, 2 streams, 2 consumers: 1 warning`.
    public static func text(_ report: CheckReport) -> String {
        var lines = report.findings.map(\.line)
        lines.append("\(report.status.label): \(summary(report))")
        return lines.joined(separator: "\n")
    }

    /// `topology users, 2 streams, 2 consumers: healthy` or `…: 1 critical, 2 warnings`.
    static func summary(_ report: CheckReport) -> String {
        let head = "topology \(report.topology), \(report.scope)"
        let critical = report.findings.filter { $0.status == .critical }.count
        let warnings = report.findings.filter { $0.status == .warning }.count
        var counts: [String] = []
        if critical > 0 { counts.append("\(critical) critical") }
        if warnings > 0 { counts.append("\(warnings) \(warnings == 1 ? "warning" : "warnings")") }
        return head + ": " + (counts.isEmpty ? "healthy" : counts.joined(separator: ", "))
    }

    /// The monitoring-plugin convention: one status line, `JETFORM WARNING: <findings> | <perfdata>`, with
    /// a perfdata item per measured value (`'REQUESTS.workers.pending'=150;100;1000;0`; bytes in `B`,
    /// `last_active` in seconds).
    public static func nagios(_ report: CheckReport) -> String {
        let what = report.findings.isEmpty ? summary(report) : report.findings.map { f in
            f.status == report.status ? "\(f.resource): \(f.message)" : "\(f.status.label) \(f.resource): \(f.message)"
        }.joined(separator: "; ")
        let perfdata = report.measurements.map(perfdatum).joined(separator: " ")
        let line = "JETFORM \(report.status.label): \(what.replacingOccurrences(of: "|", with: "/"))"
        return perfdata.isEmpty ? line : "\(line) | \(perfdata)"
    }

    static func perfdatum(_ m: CheckMeasurement) -> String {
        var label = [m.resource.stream, m.resource.consumer].compactMap { $0 }.joined(separator: ".")
        if m.resource.kind == .kv || m.resource.kind == .objectStore { label = m.resource.bucket ?? label }
        label += "." + m.metric.rawValue + (m.source.map { ".\($0)" } ?? "")
        let quoted = label.allSatisfy { $0.isLetter || $0.isNumber || "_.-".contains($0) } ? label
            : "'" + label.replacingOccurrences(of: "'", with: "''") + "'"
        func value(_ v: Int64) -> String {
            m.metric.unit == .duration ? String(format: "%.3f", Double(v) / 1e9) : String(v)
        }
        let unit = m.metric.unit == .bytes ? "B" : m.metric.unit == .duration ? "s" : ""
        return "\(quoted)=\(value(m.value))\(unit);\(m.warn.map(value) ?? "");\(m.crit.map(value) ?? "");0"
    }

    /// The report as one JSON document: status, exit code, summary, findings, measurements.
    public static func json(_ report: CheckReport) -> String {
        func resource(_ r: CheckResource) -> JSONValue {
            var o = JSONObject([("kind", .string(r.kind.rawValue))])
            if r.kind == .topology {
                o["name"] = .string(r.stream)
            } else {
                o["stream"] = .string(r.stream)
            }
            if let c = r.consumer { o["consumer"] = .string(c) }
            if let b = r.bucket { o["bucket"] = .string(b) }
            return .object(o)
        }
        let findings: [JSONValue] = report.findings.map { f in
            var o = JSONObject([("status", .string(f.status.label.lowercased())), ("resource", resource(f.resource)),
                                ("check", .string(f.check.rawValue))])
            if let metric = f.metric { o["metric"] = .string(metric.rawValue) }
            if let value = f.value { o["value"] = .int(value) }
            if let threshold = f.threshold { o["threshold"] = .int(threshold) }
            if let source = f.source { o["source"] = .string(source) }
            if let peer = f.peer { o["peer"] = .string(peer) }
            o["message"] = .string(f.message)
            o["line"] = .string(f.line)
            if let at = f.location { o["location"] = .string(at.description) }
            return .object(o)
        }
        let measurements: [JSONValue] = report.measurements.map { m in
            var o = JSONObject([("resource", resource(m.resource)), ("metric", .string(m.metric.rawValue)),
                                ("unit", .string(m.metric.unit == .duration ? "nanoseconds" : m.metric.unit.rawValue)),
                                ("value", .int(m.value))])
            if let source = m.source { o["source"] = .string(source) }
            if let warn = m.warn { o["warn"] = .int(warn) }
            if let crit = m.crit { o["crit"] = .int(crit) }
            o["status"] = .string(m.status.label.lowercased())
            return .object(o)
        }
        let document = JSONObject([
            ("topology", .string(report.topology)),
            ("status", .string(report.status.label.lowercased())),
            ("exit_code", .int(Int64(report.status.rawValue))),
            ("summary", .string(summary(report))),
            ("checked", .object(["streams": .int(Int64(report.streams)), "consumers": .int(Int64(report.consumers)),
                                 "buckets": .int(Int64(report.buckets))])),
            ("findings", .array(findings)),
            ("measurements", .array(measurements)),
        ])
        return JSONValue.object(document).jsonString(pretty: true)
    }

    /// The Prometheus text exposition: `jetform_check_status`, the findings by status, one gauge per
    /// measured value (`jetform_consumer_pending{topology=…,stream=…,consumer=…}`) and the thresholds
    /// the file declares (`jetform_check_threshold{…,metric="pending",level="warn"}`).
    public static func prometheus(_ report: CheckReport) -> String {
        var out: [String] = []
        func family(_ name: String, _ help: String) {
            out.append("# HELP \(name) \(help)")
            out.append("# TYPE \(name) gauge")
        }
        func labels(_ pairs: [(String, String)]) -> String {
            "{" + pairs.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        func resourceLabels(_ r: CheckResource) -> [(String, String)] {
            var pairs = [("topology", report.topology), ("stream", r.stream)]
            if let c = r.consumer { pairs.append(("consumer", c)) }
            if let b = r.bucket { pairs.append(("bucket", b)) }
            return pairs
        }
        family("jetform_check_status", "Worst status of the check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.")
        out.append("jetform_check_status\(labels([("topology", report.topology)])) \(report.status.rawValue)")
        family("jetform_check_findings", "Findings of the check by status.")
        for status in [CheckStatus.warning, .critical] {
            let n = report.findings.filter { $0.status == status }.count
            out.append("jetform_check_findings\(labels([("topology", report.topology), ("status", status.label.lowercased())])) \(n)")
        }
        var families: [String: [String]] = [:]
        var order: [String] = []
        var thresholds: [String] = []
        for m in report.measurements {
            let name = gaugeName(m.metric)
            if families[name] == nil { order.append(name) }
            var pairs = resourceLabels(m.resource)
            if let source = m.source { pairs.append(("source", source)) }
            let value = m.metric.unit == .duration ? String(format: "%.3f", Double(m.value) / 1e9) : String(m.value)
            families[name, default: []].append("\(name)\(labels(pairs)) \(value)")
            for (level, limit) in [("warn", m.warn), ("crit", m.crit)] {
                guard let limit else { continue }
                let shown = m.metric.unit == .duration ? String(format: "%.3f", Double(limit) / 1e9) : String(limit)
                thresholds.append("jetform_check_threshold\(labels(pairs + [("metric", m.metric.rawValue), ("level", level)])) \(shown)")
            }
        }
        for name in order {
            family(name, gaugeHelp(name))
            out += families[name] ?? []
        }
        if !thresholds.isEmpty {
            family("jetform_check_threshold", "Thresholds the topology file declares under check: (seconds for last_active).")
            out += thresholds
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func gaugeName(_ metric: CheckMetric) -> String {
        switch metric {
        case .lastActive: return "jetform_consumer_last_active_seconds"
        default: return (metric.isConsumerMetric ? "jetform_consumer_" : "jetform_stream_") + metric.rawValue
        }
    }

    static func gaugeHelp(_ name: String) -> String {
        let metric = CheckMetric.allCases.first { gaugeName($0) == name }
        return metric.map { $0.unit == .duration ? $0.doc.replacingOccurrences(of: "Time since", with: "Seconds since") : $0.doc } ?? name
    }

    /// Prometheus label values: backslash, double quote and newline escaped.
    public static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
