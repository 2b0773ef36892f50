import JetStreamSchema
import Foundation
import JetStream
import LocalCluster
import NATS
import Testing
import Topology
@testable import Reconcile

/// The property tests against a real 3-node cluster, one cluster per server release: a chain of random
/// topologies T0, T1, … is applied one after the other (prune, replace and data loss allowed), each over
/// the one before. After every apply the plan of the topology is empty (no false drift) and every
/// declared field reads back from the server equal to the normalised desired value (nothing dropped or
/// rewritten on the way). Case k is "apply T(k-1), then T(k) over it".
///
/// Reproduce a failure with the seed and case it prints:
/// `JETFORM_PROPERTY_SEED=<seed> JETFORM_PROPERTY_CASE=<k> swift test --filter LivePropertyTests`
/// runs just T(k-1) then T(k) on a fresh cluster. `JETFORM_PROPERTY_CASES` changes the number of cases.
@Suite("Property tests on a real cluster", .serialized)
struct LivePropertyTests {
    static let defaultSeed: UInt64 = 20_261_127

    struct Settings {
        var seed: UInt64
        var cases: ClosedRange<Int>

        init(defaultCases: Int) {
            let env = ProcessInfo.processInfo.environment
            seed = env["JETFORM_PROPERTY_SEED"].flatMap { UInt64($0) } ?? LivePropertyTests.defaultSeed
            if let one = env["JETFORM_PROPERTY_CASE"].flatMap(Int.init) {
                cases = max(0, one - 1)...one
            } else {
                cases = 0...(env["JETFORM_PROPERTY_CASES"].flatMap(Int.init) ?? defaultCases)
            }
        }
    }

    /// The topology of case `k`: drawn from its own seed, so any case can be rebuilt alone.
    static func topology(_ k: Int, seed: UInt64, capabilities: ServerCapabilities) -> (yaml: String, topology: TopologySpec)? {
        var generator = LiveTopologyGenerator(seed: seed &+ UInt64(k) &* 0x9E37_79B9, capabilities: capabilities,
                                              clusterName: "jetform")
        return generator.topology()
    }

    @Test func applyAThenBOnTheCurrentRelease() async throws {
        try await chain(version: nil, settings: Settings(defaultCases: 200))
    }

    @Test func applyAThenBOn2_12() async throws {
        try await chain(version: "2.12.8", settings: Settings(defaultCases: 60))
    }

    @Test func applyAThenBOn2_14() async throws {
        try await chain(version: "2.14.6", settings: Settings(defaultCases: 40))
    }

    @Test func applyAThenBOn2_11() async throws {
        try await chain(version: "2.11.11", settings: Settings(defaultCases: 40))
    }

    @Test func applyAThenBOn2_10() async throws {
        try await chain(version: "2.10.26", settings: Settings(defaultCases: 60))
    }

    func chain(version: String?, settings: Settings) async throws {
        try await LocalCluster.withCluster(version: version) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            let caps = try #require(ClusterObserver.capabilities(of: client))
            let everything = PlanOptions(prune: true, allowReplace: true, allowDataLoss: true)
            try await waitUntilPlacementWorks(js)
            var previous: (yaml: String, topology: TopologySpec)?
            var failures = 0
            var applied = 0

            for k in settings.cases {
                let next = try #require(Self.topology(k, seed: settings.seed, capabilities: caps), "no valid topology for case \(k)")
                let context = """
                    seed \(settings.seed) case \(k) on nats-server \(caps.version) — reproduce with \
                    JETFORM_PROPERTY_SEED=\(settings.seed) JETFORM_PROPERTY_CASE=\(k)
                    A (case \(k - 1)):
                    \(previous?.yaml ?? "(empty cluster)")
                    B (case \(k)):
                    \(next.yaml)
                    """
                let problems = await applyAndCheck(next.topology, js: js, caps: caps, options: everything)
                applied += 1
                if !problems.isEmpty {
                    failures += 1
                    // What went wrong first: a CI log cut to its head and tail still shows it.
                    Issue.record("\(problems.joined(separator: "\n"))\n\(context)")
                    if failures >= 5 { Issue.record("stopping after 5 failing cases"); break }
                }
                previous = next
            }
            await client.close()
            #expect(applied == settings.cases.count)
        }
    }

    /// Applies `desired` and returns what went wrong: the apply's errors, a non-empty re-plan, and every
    /// declared field that reads back different from the desired value.
    func applyAndCheck(_ desired: TopologySpec, js: JetStreamContext, caps: ServerCapabilities, options: PlanOptions) async -> [String] {
        do {
            let plan = Planner.plan(desired: desired, observed: try await ClusterObserver(jetStream: js).observe(expecting: desired),
                                    capabilities: caps, options: options)
            guard plan.errors.isEmpty else { return ["plan errors: \(plan.errors.map(\.message))"] }
            do {
                _ = try await PlanExecutor(jetStream: js).apply(plan)
            } catch {
                return ["apply failed: \(error)\nplan:\n\(PlanRenderer.render(plan))"]
            }
            let observed = try await ClusterObserver(jetStream: js).observe(expecting: desired)
            var problems: [String] = []
            let again = Planner.plan(desired: desired, observed: observed, capabilities: caps, options: options)
            if !again.isEmpty {
                // Whether a stream planned as missing is really gone, or only missing from the list.
                for action in again.actions where action.kind == .create && action.resource.kind == .stream {
                    do {
                        let info = try await js.streamInfo(action.resource.streamName)
                        problems.append("\(action.resource) is not in STREAM.LIST but STREAM.INFO knows it: \(info.config.name)")
                    } catch {
                        problems.append("\(action.resource): STREAM.INFO says \(error)")
                    }
                }
                problems.append("re-plan after apply is not empty (false drift):\n\(PlanRenderer.render(again))\napplied plan:\n\(PlanRenderer.render(plan))")
            }
            problems += Self.readBack(desired, observed: observed, capabilities: caps)
            return problems
        } catch {
            return ["\(error)"]
        }
    }

    /// Every field the file declares, as the server reports it, equals the desired value with the
    /// server's defaults filled (both cleaned to comparison form field by field).
    static func readBack(_ desired: TopologySpec, observed: ObservedState, capabilities caps: ServerCapabilities) -> [String] {
        var problems: [String] = []
        for spec in desired.streams {
            guard let live = observed.stream(named: spec.name) else {
                problems.append("stream \(spec.name) missing after apply")
                continue
            }
            let want = ServerDefaults.stream(Ownership.marked(spec.config, topology: desired.name), capabilities: caps)
            problems += differences(declared: spec.config, want: want, live: live.config, kind: .stream, id: "stream \(spec.name)")
            for consumer in spec.consumers {
                guard let liveConsumer = live.consumer(named: consumer.name) else {
                    problems.append("consumer \(spec.name).\(consumer.name) missing after apply")
                    continue
                }
                let wantConsumer = ServerDefaults.consumer(Ownership.marked(consumer.config, topology: desired.name),
                                                           stream: want, capabilities: caps)
                problems += differences(declared: consumer.config, want: wantConsumer, live: liveConsumer.config,
                                        kind: .consumer, id: "consumer \(spec.name).\(consumer.name)")
            }
        }
        return problems
    }

    static func differences(declared: JSONObject, want: JSONObject, live: JSONObject, kind: ResourceKind, id: String) -> [String] {
        var problems: [String] = []
        for key in declared.keys where key != "consumers" {
            let field = FieldCatalog.field(key, in: kind.fields)
            func form(_ value: JSONValue?) -> JSONValue? {
                guard let value else { return nil }
                return field.flatMap { Normaliser.clean(value, field: $0) } ?? (field == nil ? value : nil)
            }
            let expected = form(want[key]), actual = form(live[key])
            if expected != actual {
                problems.append("\(id): \(key) reads back as \(actual?.jsonString(pretty: false) ?? "nothing"), declared \(expected?.jsonString(pretty: false) ?? "nothing")")
            }
        }
        return problems
    }
}
