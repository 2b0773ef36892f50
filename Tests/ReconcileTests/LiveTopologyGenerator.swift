import JetStreamSchema
@testable import Reconcile
import Topology

/// Random topologies for a real cluster: every field of the catalog that a stream or consumer can carry
/// on its own, in combinations the server accepts (push consumers get push fields, pull consumers pull
/// fields, a `by_start_*` deliver policy its start, `flow_control` its heartbeat, filters inside the
/// stream's subjects, consumer replicas within the stream's).
///
/// Left out, because one random stream cannot carry them alone: `mirror` (a stream without subjects
/// fed by another), `sealed` (the server refuses to create a sealed stream), `first_seq` (creation
/// only, by design not compared), `placement.tags`/`preferred` (the local servers have no tags),
/// consumer `direct`/`sourcing` (internal to mirrors and sources).
struct LiveTopologyGenerator {
    var rng: SeededGenerator
    let capabilities: ServerCapabilities
    /// The cluster's name, for `placement.cluster`.
    let clusterName: String
    /// Streams 1…`maxStreams` per topology, named S0, S1, … so that successive topologies overlap.
    var maxStreams = 3

    static let streamFieldsHandledApart: Set<String> = [
        "subjects", "consumers", "num_replicas", "mirror", "sources", "sealed", "first_seq", "placement", "metadata",
        "republish", "subject_transform", "consumer_limits", "mirror_direct", "persist_mode", "storage",
        "allow_rollup_hdrs", "deny_purge", "allow_msg_schedules", "discard", "max_consumers", "allow_msg_counter",
        "allow_msg_ttl", "subject_delete_marker_ttl", "allow_atomic", "allow_batched",
    ]
    static let consumerFieldsHandledApart: Set<String> = [
        "deliver_subject", "deliver_group", "idle_heartbeat", "flow_control", "rate_limit_bps", "direct", "sourcing",
        "filter_subject", "filter_subjects", "opt_start_seq", "opt_start_time", "deliver_policy", "backoff",
        "metadata", "num_replicas", "pause_until", "max_waiting", "max_batch", "max_expires", "max_bytes",
        "priority_groups", "priority_policy", "priority_timeout", "headers_only", "max_deliver", "sample_freq",
        "ack_policy", "max_ack_pending", "inactive_threshold",
    ]

    init(seed: UInt64, capabilities: ServerCapabilities, clusterName: String) {
        rng = SeededGenerator(seed: seed)
        self.capabilities = capabilities
        self.clusterName = clusterName
    }

    private mutating func coin(_ oneIn: Int = 2) -> Bool { Int.random(in: 0..<oneIn, using: &rng) == 0 }
    private mutating func pick<T>(_ values: [T]) -> T { values.randomElement(using: &rng)! }

    /// The YAML under `streams:` of one random topology.
    mutating func streamsYAML() -> String {
        var base = TopologyGenerator(rng: rng, capabilities: capabilities)
        defer { rng = base.rng }
        var yaml = ""
        let count = Int.random(in: 1...maxStreams, using: &base.rng)
        for i in 0..<count {
            let replicas = base.rng.next() % 2 == 0 ? 1 : 3
            yaml += "  S\(i):\n    subjects: [s\(i).b, s\(i).a]\n    num_replicas: \(replicas)\n"
            for field in StreamFields.all where !Self.streamFieldsHandledApart.contains(field.name)
                && capabilities.supports(field.since) && base.rng.next() % 3 == 0 {
                if let v = base.value(for: field) { yaml += "    \(field.name): \(v)\n" }
            }
            rng = base.rng
            let storage = pick(["file", "memory", "-"])
            if storage != "-" { yaml += "    storage: \(storage)\n" }
            // Async persistence is for unreplicated file storage only.
            // ... and not for atomic or fast batches.
            if storage != "memory" && replicas == 1 && capabilities.supports(ServerVersion(2, 12)) && coin(5) {
                yaml += "    persist_mode: \(pick(["default", "async"]))\n"
            } else {
                if capabilities.supports(ServerVersion(2, 12)) && coin(4) { yaml += "    allow_atomic: \(coin())\n" }
                if capabilities.supports(ServerVersion(2, 14)) && coin(4) { yaml += "    allow_batched: \(coin())\n" }
            }
            if coin(4) { yaml += "    max_consumers: \(pick([-1, 5, 100]))\n" }
            // Roll-ups need the purge permission; message schedules need roll-ups and discard old and cannot
            // be sourced; counters take neither TTLs nor schedules and only limits retention.
            let limitsRetention = !yaml.suffix(from: yaml.range(of: "  S\(i):")!.lowerBound).contains("    retention:")
            var schedules = false
            switch Int.random(in: 0..<8, using: &rng) {
            case 0: yaml += "    deny_purge: true\n    allow_rollup_hdrs: false\n"
            case 1: yaml += "    allow_rollup_hdrs: true\n    deny_purge: false\n"
            case 2 where capabilities.supports(ServerVersion(2, 12)):
                yaml += "    allow_msg_schedules: true\n    allow_rollup_hdrs: true\n    discard: old\n"
                schedules = true
            case 3: yaml += "    discard: \(pick(["old", "new"]))\n"
            case 4 where capabilities.supports(ServerVersion(2, 12)) && limitsRetention:
                yaml += "    allow_msg_counter: true\n"
            case 5 where capabilities.supports(ServerVersion(2, 11)): yaml += "    allow_msg_ttl: true\n"
            case 6 where capabilities.supports(ServerVersion(2, 11)):
                // Markers need roll-ups (pedantic mode, 2.11.2+).
                yaml += "    allow_msg_ttl: true\n    subject_delete_marker_ttl: \(pick(["1s", "5m"]))\n    allow_rollup_hdrs: true\n"
            default: break
            }
            if coin(4) { yaml += "    metadata: { team: t\(Int.random(in: 0..<3, using: &rng)), tier: \"\(pick(["a", "b"]))\" }\n" }
            if coin(5) { yaml += "    placement: { cluster: \(clusterName) }\n" }
            if coin(5) { yaml += "    republish: { src: s\(i).a, dest: rp\(i).\(pick(["a", "x"])), headers_only: \(coin()) }\n" }
            if coin(5) { yaml += "    subject_transform: { src: s\(i).b, dest: t\(i).\(pick(["b", "y"])) }\n" }
            let ackLimit = coin(4)
            if ackLimit {
                yaml += "    consumer_limits: { inactive_threshold: \(pick(["1h30m", "2h"])), max_ack_pending: \(pick([100, 2000])) }\n"
            }
            if i > 0 && !schedules && coin(6) {
                yaml += "    sources: [{ name: S\(i - 1), filter_subject: s\(i - 1).a }]\n"
                // 2.12.8 refuses a sourcing stream whose max_msg_size is below its source's (10046); the
                // file format does not check pairs of streams, so the generator leaves the limit out.
                let start = yaml.range(of: "  S\(i):")!.lowerBound
                let own = yaml[start...].split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { !$0.hasPrefix("    max_msg_size:") }.joined(separator: "\n")
                yaml = String(yaml[..<start]) + own
            }
            base.rng = rng
            yaml += "    consumers:\n"
            for j in 0..<Int.random(in: 0...2, using: &base.rng) {
                var members: [String] = []
                for field in ConsumerFields.all where !Self.consumerFieldsHandledApart.contains(field.name)
                    && capabilities.supports(field.since) && base.rng.next() % 3 == 0 {
                    if let v = base.value(for: field) { members.append("\(field.name): \(v)") }
                }
                rng = base.rng
                members += consumerExtras(stream: i, consumer: j, streamReplicas: replicas, ackLimit: ackLimit)
                base.rng = rng
                yaml += "      c\(j): { \(members.joined(separator: ", ")) }\n"
            }
        }
        return yaml
    }

    /// Fields whose valid values depend on the consumer's other fields or on its stream.
    private mutating func consumerExtras(stream i: Int, consumer j: Int, streamReplicas: Int, ackLimit: Bool) -> [String] {
        var m: [String] = []
        let push = coin(3)
        // max_ack_pending needs acks; a push consumer without acks would get the stream's limit, which the
        // server then refuses.
        let ack = push && ackLimit ? pick(["all", "explicit"]) : pick(["-", "none", "all", "explicit"])
        if ack != "-" { m.append("ack_policy: \(ack)") }
        if (ack == "all" || ack == "explicit") && coin(3) { m.append("max_ack_pending: \(pick([-1, 1, 5, 100]))") }
        if push {
            m.append("deliver_subject: d\(i).\(j).\(pick(["x", "y"]))")
            if coin(3) { m.append("deliver_group: q\(j)") }
            if coin(3) {
                m.append("idle_heartbeat: \(pick(["5s", "10s"]))")
                if coin() { m.append("flow_control: true") }
            }
            if coin(4) { m.append("rate_limit_bps: \(pick([1_000_000, 8_000_000]))") }
        } else {
            if coin(3) { m.append("max_waiting: \(pick([1, 64, 512]))") }
            if coin(3) { m.append("max_batch: \(pick([10, 100]))") }
            if coin(3) { m.append("max_expires: \(pick(["5s", "1m"]))") }
            if coin(4) { m.append("max_bytes: \(pick(["1MiB", "64KiB"]))") }
            if capabilities.supports(ServerVersion(2, 11)) && coin(4) {
                // Groups need a policy other than none.
                let policy = pick(["none", "overflow", "pinned_client"])
                if policy != "none" { m.append("priority_groups: [g\(Int.random(in: 0..<3, using: &rng))]") }
                m.append("priority_policy: \(policy)")
                if policy == "pinned_client" && coin() { m.append("priority_timeout: \(pick(["30s", "2m"]))") }
            }
        }
        // The server deletes a consumer inactive for longer than this (even a durable one): keep it long,
        // and within the stream's consumer_limits.
        // In pedantic mode a consumer of a stream with consumer_limits states its own values (within them).
        if coin(4) || ackLimit { m.append("inactive_threshold: \(pick(["1h", "1h30m"]))") }
        if ackLimit && !m.contains(where: { $0.hasPrefix("max_ack_pending:") }) {
            m.append(push && ack == "-" || ack == "none" ? "max_ack_pending: -1" : "max_ack_pending: \(pick([1, 5, 100]))")
        }
        if coin(4) { m.append("headers_only: true") }
        if coin(5) { m.append("sample_freq: \"\(pick(["100%", "50"]))\"") }
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: m.append("filter_subject: s\(i).\(pick(["a", "b"]))")
        case 1: m.append("filter_subjects: [s\(i).b, s\(i).a]")
        default: break
        }
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: m.append("deliver_policy: last")
        case 1: m.append("deliver_policy: new")
        case 2 where m.contains(where: { $0.hasPrefix("filter_subject") }): m.append("deliver_policy: last_per_subject")
        case 3: m.append("deliver_policy: by_start_sequence"); m.append("opt_start_seq: \(pick([1, 42]))")
        case 4: m.append("deliver_policy: by_start_time"); m.append("opt_start_time: \"2025-0\(pick([1, 6]))-02T15:04:05Z\"")
        default: break
        }
        if coin(4) {
            m.append("max_deliver: \(pick([-1, 3, 10]))")
        } else if coin(5) {
            m.append("max_deliver: 5")
            m.append("backoff: [1s, \(pick(["5s", "30s"]))]")
            // In pedantic mode ack_wait must be the first backoff step.
            m.removeAll { $0.hasPrefix("ack_wait:") }
            m.append("ack_wait: 1s")
        }
        if coin(4) { m.append("metadata: { owner: o\(Int.random(in: 0..<3, using: &rng)) }") }
        if coin(4) { m.append("num_replicas: \(pick([0, streamReplicas]))") }
        if capabilities.supports(ServerVersion(2, 11)) && coin(6) { m.append("pause_until: \"2099-0\(pick([1, 2]))-01T00:00:00Z\"") }
        return m
    }

    /// A topology the validator and the planner accept for this release, with the YAML it came from
    /// (drawn again when refused: what jetform refuses is the differential test's business).
    mutating func topology(name: String = "prop") -> (yaml: String, topology: TopologySpec)? {
        for _ in 0..<100 {
            let yaml = streamsYAML()
            if let t = try? ReconcileTests.topology(yaml, name: name),
               Planner.plan(desired: t, observed: ObservedState(), capabilities: capabilities).errors.isEmpty {
                return (yaml, t)
            }
        }
        return nil
    }
}
