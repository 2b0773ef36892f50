import JetStreamSchema
import Testing
import TestSupport
@testable import Reconcile
import Topology

typealias SeededGenerator = SplitMix64

/// Random topologies from the field catalog, written as YAML (JSON flow style, wire values).
struct TopologyGenerator {
    var rng: SeededGenerator
    let capabilities: ServerCapabilities
    /// Fields left out: they need other streams (mirror, sources) or only make sense with particular values.
    static let skippedStreamFields: Set<String> = ["mirror", "sources", "consumers", "first_seq", "subject_transform",
                                                   "republish", "sealed", "subjects", "placement", "metadata",
                                                   "allow_msg_counter", "persist_mode", "no_ack", "mirror_direct"]
    static let skippedConsumerFields: Set<String> = ["deliver_subject", "deliver_group", "idle_heartbeat", "flow_control",
                                                     "direct", "sourcing", "filter_subject", "filter_subjects",
                                                     "rate_limit_bps", "opt_start_seq", "opt_start_time", "backoff",
                                                     "metadata", "num_replicas", "pause_until", "deliver_policy",
                                                     "max_ack_pending"]

    mutating func value(for field: FieldSpec) -> String? {
        if field.name == "num_replicas" { return ["1", "3"].randomElement(using: &rng)! }
        switch field.kind {
        case .bool: return Bool.random(using: &rng) ? "true" : "false"
        case .integer(let min, _, let unlimited):
            let choices: [Int64] = (unlimited ? [-1] : []) + [min == 0 ? 0 : min, 1, 5, 100]
            return String(choices.randomElement(using: &rng)!)
        case .duration(let unlimitedIsZero):
            return (unlimitedIsZero ? ["0", "1s", "5s", "2m", "1h30m"] : ["1s", "5s", "2m", "1h30m"]).randomElement(using: &rng)!
        case .size(_, let unlimited):
            return ((unlimited ? ["-1"] : []) + ["1024", "1MiB", "64KiB"]).randomElement(using: &rng)!
        case .enumeration(let values):
            let usable = values.filter { capabilities.supports($0.since) && $0.value != "flow_control" }
            return usable.randomElement(using: &rng)!.value
        case .string: return "\"text \(Int.random(in: 0..<5, using: &rng))\""
        case .stringList: return "[g\(Int.random(in: 0..<3, using: &rng))]"
        case .object(let fields) where field.name == "consumer_limits":
            _ = fields
            return "{ inactive_threshold: \(["1h", "2h"].randomElement(using: &rng)!) }"
        default: return nil
        }
    }

    mutating func streams(count: Int) -> String {
        var yaml = ""
        for i in 0..<count {
            yaml += "  S\(i):\n    subjects: [s\(i).b, s\(i).a]\n"
            var fields: [(String, String)] = []
            for field in StreamFields.all where !Self.skippedStreamFields.contains(field.name)
                && capabilities.supports(field.since) && Bool.random(using: &rng) {
                if let v = value(for: field) { fields.append((field.name, v)) }
            }
            for (name, value) in Self.servable(fields) { yaml += "    \(name): \(value)\n" }
            yaml += "    consumers:\n"
            for j in 0..<Int.random(in: 0...2, using: &rng) {
                var members: [String] = []
                for field in ConsumerFields.all where !Self.skippedConsumerFields.contains(field.name)
                    && capabilities.supports(field.since) && Bool.random(using: &rng) {
                    if let v = value(for: field) { members.append("\(field.name): \(v)") }
                }
                // Priority groups and a policy other than none go together.
                let groups = members.contains { $0.hasPrefix("priority_groups:") }
                let policy = members.contains { $0.hasPrefix("priority_policy:") && !$0.hasSuffix(" none") }
                if groups != policy { members.removeAll { $0.hasPrefix("priority_") } }
                yaml += "      c\(j): { \(members.joined(separator: ", ")) }\n"
            }
        }
        return yaml
    }

    /// Stream fields adjusted to combinations the server accepts (the validator refuses the others):
    /// schedules need roll-ups and discard old, roll-ups need purges, delete markers need TTLs.
    static func servable(_ fields: [(String, String)]) -> [(String, String)] {
        var out = fields
        func value(_ name: String) -> String? { out.first { $0.0 == name }?.1 }
        func set(_ name: String, _ value: String) {
            out.removeAll { $0.0 == name }
            out.append((name, value))
        }
        if value("allow_msg_schedules") == "true" {
            set("allow_rollup_hdrs", "true")
            set("discard", "old")
        }
        if value("allow_rollup_hdrs") == "true" { set("deny_purge", "false") }
        if value("subject_delete_marker_ttl") != nil {
            set("allow_msg_ttl", "true")
            set("allow_rollup_hdrs", "true")
            set("deny_purge", "false")
        }
        return out
    }

    /// A valid random topology (the validator, and the planner for this release, refuse some
    /// combinations; those are drawn again).
    mutating func topology(streams count: Int) -> TopologySpec? {
        for _ in 0..<100 {
            if let t = try? Reconcile_Tests_topology(streams(count: count)),
               Planner.plan(desired: t, observed: ObservedState(), capabilities: capabilities).errors.isEmpty {
                return t
            }
        }
        return nil
    }
}

// `topology(_:)` is shadowed inside the generator by its own method.
func Reconcile_Tests_topology(_ streams: String) throws -> TopologySpec { try topology(streams) }

@Suite struct PropertyTests {
    /// Applying a plan to a model of the server and planning again gives "no changes".
    @Test(arguments: ServerCapabilities.all)
    func applyThenPlanIsEmpty(_ caps: ServerCapabilities) throws {
        var generator = TopologyGenerator(rng: SeededGenerator(seed: 0x5EED ^ UInt64(caps.version.minor)), capabilities: caps)
        var checked = 0
        for _ in 0..<40 {
            guard let desired = generator.topology(streams: 2) else { continue }
            let observed = applied(desired, capabilities: caps)
            let plan = Planner.plan(desired: desired, observed: observed, capabilities: caps)
            #expect(plan.isEmpty, "\(caps.version):\n\(PlanRenderer.render(plan))")
            checked += 1
        }
        #expect(checked >= 30)
    }

    /// From any A, applying plan(A → B) with every permission ends in a cluster where plan(B) is empty.
    @Test(arguments: ServerCapabilities.all)
    func planAThenBConverges(_ caps: ServerCapabilities) throws {
        var generator = TopologyGenerator(rng: SeededGenerator(seed: 0xB0B ^ UInt64(caps.version.minor)), capabilities: caps)
        let all = PlanOptions(prune: true, allowReplace: true, allowDataLoss: true)
        var checked = 0
        for _ in 0..<40 {
            guard let a = generator.topology(streams: 2), let b = generator.topology(streams: Int.random(in: 1...3, using: &generator.rng))
            else { continue }
            let start = applied(a, capabilities: caps)
            let plan = Planner.plan(desired: b, observed: start, capabilities: caps, options: all)
            #expect(plan.errors.isEmpty)
            let end = ServerEcho.apply(plan, to: start)
            let again = Planner.plan(desired: b, observed: end, capabilities: caps, options: all)
            #expect(again.isEmpty, "\(caps.version):\n\(PlanRenderer.render(plan))\nthen:\n\(PlanRenderer.render(again))")
            // Nothing of A's that B does not declare survives a prune.
            #expect(Set(end.streams.map(\.name)) == Set(b.streams.map(\.name)))
            checked += 1
        }
        #expect(checked >= 30)
    }
}
