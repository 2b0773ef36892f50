public import Foundation
import JetStreamSchema
public import Topology

/// Judges the live cluster against what the file declares and expects: a pure function of the
/// topology, the replies `ClusterObserver.read` returned, the server's capabilities and the time.
///
/// Built in, for every declared stream, consumer and bucket:
/// - it exists (CRITICAL when not) and has no drift: a plan action for it is a WARNING naming the fields
///   (the resource serves, with another config than the file's; `jetform apply` fixes it), a plan error
///   about it (owned by another topology, a field the server lacks) CRITICAL;
/// - it has a leader, and every replica it should have is there, online and current (CRITICAL, naming
///   the offline or lagging peer);
/// - a consumer is not paused unless the file declares a `pause_until` still ahead (CRITICAL: it
///   delivers nothing).
///
/// Declared thresholds (`check:`): a value above `crit` is CRITICAL, above `warn` a WARNING. Every
/// metric of every declared resource that exists is measured (for perfdata and gauges), thresholds or not.
public enum CheckEvaluator {
    public static func evaluate(_ topology: TopologySpec, readings: [StreamReading], capabilities: ServerCapabilities,
                                now: Date) -> CheckReport {
        var byName: [String: StreamReading] = [:]
        for reading in readings { if let name = reading.name { byName[name] = reading } }
        let observed = ObservedState(streams: readings.compactMap { ObservedStream(info: $0.info, consumerInfos: $0.consumers) })
        let plan = Planner.plan(desired: topology, observed: observed, capabilities: capabilities)

        var findings: [CheckFinding] = []
        var measurements: [CheckMeasurement] = []
        // Plan actions name resources by `ResourceID.name`, plan errors by where the file declares them.
        var resources: [String: CheckResource] = [:]
        var declaredAt: [SourceLocation: CheckResource] = [:]
        func note(_ resource: CheckResource, _ name: String, _ location: SourceLocation, _ fields: [String: SourceLocation]) {
            resources[name] = resource
            declaredAt[location] = resource
            for at in fields.values where declaredAt[at] == nil { declaredAt[at] = resource }
        }
        for stream in topology.streams {
            note(.stream(stream.name), stream.name, stream.location, stream.fieldLocations)
            for consumer in stream.consumers {
                note(.consumer(stream.name, consumer.name), "\(stream.name).\(consumer.name)", consumer.location, consumer.fieldLocations)
            }
        }
        for bucket in topology.buckets { note(.bucket(bucket), bucket.streamName, bucket.location, bucket.fieldLocations) }

        findings += planFindings(plan, resources: resources, declaredAt: declaredAt, topology: topology)

        var declared: [(StreamSpec, CheckResource)] = topology.streams.map { ($0, .stream($0.name)) }
        declared += topology.buckets.map { ($0.streamSpec, .bucket($0)) }
        for (spec, resource) in declared {
            guard let reading = byName[spec.name] else { continue }
            let info = reading.info
            // Replicas the resource has by its live config: a different count than the file's is drift, reported above.
            let streamReplicas = max(1, info["config"]?["num_replicas"]?.intValue ?? 1)
            findings += health(info, resource: resource, replicas: streamReplicas, location: spec.location)
            var values: [(CheckMetric, Int64, String?)] = [
                (.messages, info["state"]?["messages"]?.intValue ?? 0, nil),
                (.bytes, info["state"]?["bytes"]?.intValue ?? 0, nil),
            ]
            if let mirror = info["mirror"]?.objectValue {
                values.append((.lag, mirror["lag"]?.intValue ?? 0, mirror["name"]?.stringValue ?? "mirror"))
            }
            for source in info["sources"]?.arrayValue?.compactMap(\.objectValue) ?? [] {
                values.append((.lag, source["lag"]?.intValue ?? 0, source["name"]?.stringValue ?? "source"))
            }
            measure(values, resource: resource, check: spec.check, into: &measurements, &findings)

            var consumers: [String: JSONObject] = [:]
            for c in reading.consumers { if let name = c["name"]?.stringValue { consumers[name] = c } }
            for consumer in spec.consumers {
                guard let info = consumers[consumer.name] else { continue }
                let id = CheckResource.consumer(spec.name, consumer.name)
                let replicas = info["config"]?["num_replicas"]?.intValue.flatMap { $0 > 0 ? $0 : nil } ?? streamReplicas
                findings += health(info, resource: id, replicas: replicas, location: consumer.location)
                if let paused = pause(info, declared: consumer, now: now) {
                    findings.append(CheckFinding(.critical, id, .paused, paused, at: consumer.location(of: "pause_until")))
                }
                let lastActive = info["delivered"]?["last_active"]?.stringValue ?? info["created"]?.stringValue
                let idle = lastActive.flatMap(Self.date).map { max(0, Int64(now.timeIntervalSince($0) * 1e9)) } ?? 0
                measure([
                    (.pending, info["num_pending"]?.intValue ?? 0, nil),
                    (.ackPending, info["num_ack_pending"]?.intValue ?? 0, nil),
                    (.redelivered, info["num_redelivered"]?.intValue ?? 0, nil),
                    (.waiting, info["num_waiting"]?.intValue ?? 0, nil),
                    (.lastActive, idle, nil),
                ], resource: id, check: consumer.check, into: &measurements, &findings)
            }
        }
        findings = findings.enumerated().sorted { a, b in
            (a.element.status, b.offset) > (b.element.status, a.offset)
        }.map(\.element)
        return CheckReport(topology: topology.name, findings: findings, measurements: measurements,
                           streams: topology.streams.count, consumers: topology.consumerCount, buckets: topology.buckets.count)
    }

    /// Missing resources (CRITICAL), drift (WARNING) and plan errors (CRITICAL).
    static func planFindings(_ plan: Plan, resources: [String: CheckResource], declaredAt: [SourceLocation: CheckResource],
                             topology: TopologySpec) -> [CheckFinding] {
        var findings: [CheckFinding] = []
        for action in plan.actions {
            guard let resource = resources[action.resource.name] else { continue }
            switch action.kind {
            case .create:
                // A consumer created again because its stream is replaced exists: the stream's drift says why.
                if action.cause != nil { continue }
                findings.append(CheckFinding(.critical, resource, .exists, "does not exist (declared at \(action.location.map(\.description) ?? "?"))",
                                             at: action.location))
            case .update, .replace:
                let fields = action.changes.map { change -> String in
                    let path = action.bucket.flatMap { $0.kind.bucketPath(streamPath: change.path) } ?? change.path
                    let kind: ResourceKind = action.resource.kind
                    return "\(path) is \(ValueFormatter.format(change.old, path: change.path, kind: kind)), not \(ValueFormatter.format(change.new, path: change.path, kind: kind))"
                }
                let how = action.kind == .replace ? " (apply would replace it)" : ""
                findings.append(CheckFinding(.warning, resource, .drift,
                                             "differs from the file\(how): \(fields.joined(separator: "; "))", at: action.location))
            case .delete:
                continue
            }
        }
        for error in plan.errors {
            let resource = error.location.flatMap { declaredAt[$0] } ?? .topology(topology.name)
            // Plan messages start with what they are about; the finding's line names it already.
            let message = error.message.hasPrefix("\(resource): ") ? String(error.message.dropFirst("\(resource): ".count)) : error.message
            findings.append(CheckFinding(.critical, resource, .plan, message, at: error.location))
        }
        return findings
    }

    /// A leader, and every replica the resource should have: present, online and current.
    static func health(_ info: JSONObject, resource: CheckResource, replicas expected: Int64, location: SourceLocation) -> [CheckFinding] {
        // A server outside a cluster reports no cluster (or no replicas): it is its own leader.
        guard let cluster = info["cluster"]?.objectValue else { return [] }
        var findings: [CheckFinding] = []
        let leader = cluster["leader"]?.stringValue ?? ""
        if leader.isEmpty {
            findings.append(CheckFinding(.critical, resource, .leader, "has no leader", at: location))
        }
        let peers = cluster["replicas"]?.arrayValue?.compactMap(\.objectValue) ?? []
        for peer in peers {
            let name = peer["name"]?.stringValue ?? "?"
            if peer["offline"]?.boolValue == true {
                findings.append(CheckFinding(.critical, resource, .replicas, "replica \(name) is offline", peer: name, at: location))
            } else if peer["current"]?.boolValue != true {
                var detail: [String] = []
                if let lag = peer["lag"]?.intValue, lag > 0 { detail.append("\(lag) operations behind") }
                if let active = peer["active"]?.intValue, active > 0 {
                    detail.append("last seen \(ValueFormatter.seconds((Double(active) / 1e8).rounded() / 10)) ago")
                }
                findings.append(CheckFinding(.critical, resource, .replicas,
                                             "replica \(name) is not current" + (detail.isEmpty ? "" : " (\(detail.joined(separator: ", ")))"),
                                             peer: name, at: location))
            }
        }
        let have = (leader.isEmpty ? 0 : 1) + peers.count
        if !leader.isEmpty, Int64(have) < expected {
            findings.append(CheckFinding(.critical, resource, .replicas, "has \(have) of its \(expected) replicas", at: location))
        }
        return findings
    }

    /// Why a paused consumer is paused unexpectedly, or nil: the file declares a `pause_until` still ahead.
    static func pause(_ info: JSONObject, declared: ConsumerSpec, now: Date) -> String? {
        guard info["paused"]?.boolValue == true else { return nil }
        let until = info["config"]?["pause_until"]?.stringValue
        if let declaredUntil = declared.config["pause_until"]?.stringValue.flatMap(Self.date), declaredUntil > now { return nil }
        return "is paused" + (until.map { " until \($0)" } ?? "") + ", and the file declares no pause still ahead"
    }

    /// Each value measured, and a finding for each above its threshold.
    static func measure(_ values: [(CheckMetric, Int64, String?)], resource: CheckResource, check: CheckSpec?,
                        into measurements: inout [CheckMeasurement], _ findings: inout [CheckFinding]) {
        for (metric, value, source) in values {
            let threshold = check?.threshold(metric)
            let m = CheckMeasurement(resource: resource, metric: metric, value: value, warn: threshold?.warn,
                                     crit: threshold?.crit, source: source)
            measurements.append(m)
            guard m.status != .ok, let threshold else { continue }
            let limit = m.status == .critical ? m.crit! : m.warn!
            let name = m.status == .critical ? "crit" : "warn"
            let subject = source.map { "\(metric.rawValue) of \($0)" } ?? metric.rawValue
            findings.append(CheckFinding(m.status, resource, .threshold,
                                         "\(subject) \(shown(metric, value)) is above \(name) \(metric.format(limit))",
                                         metric: metric, value: value, threshold: limit, source: source, at: threshold.location))
        }
    }

    /// A measured value for people: durations to the second (to the millisecond under one).
    static func shown(_ metric: CheckMetric, _ value: Int64) -> String {
        guard metric.unit == .duration else { return metric.format(value) }
        let unit: Int64 = value >= 1_000_000_000 ? 1_000_000_000 : 1_000_000
        return metric.format(value / unit * unit)
    }

    /// An RFC 3339 timestamp as the server writes it (to the nanosecond), or nil.
    static func date(_ text: String) -> Date? {
        guard let canonical = Timestamps.canonical(text) else { return nil }
        let parts = canonical.dropLast().split(separator: ".", maxSplits: 1)
        guard let base = ISO8601DateFormatter().date(from: String(parts[0]) + "Z") else { return nil }
        let fraction = parts.count > 1 ? Double("0." + parts[1]) ?? 0 : 0
        return base.addingTimeInterval(fraction)
    }
}
