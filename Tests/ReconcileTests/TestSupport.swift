import JetStream
import JetStreamSchema
import Foundation
import Testing
@_exported import TestSupport
@testable import Reconcile
import Topology


/// The shipped `topology.yaml`.
func shippedTopology() throws -> TopologySpec {
    let path = repositoryRoot().appendingPathComponent("topology.yaml").path
    return try TopologyLoader.load(path: path, environment: [:]).topology
}

/// A topology from YAML that must be valid; `streams` is the YAML under `streams:` (indented by two).
func topology(_ streams: String, name: String = "users") throws -> TopologySpec {
    let yaml = "name: \(name)\ncontexts:\n  user: { url: 'nats://localhost:4222' }\nstreams:\n" + streams
    return try TopologyLoader.load(yaml: yaml, file: "topology.yaml", environment: [:]).topology
}

/// The plan for `topology` against what the cluster behind `js` holds now, on its server's release.
func livePlan(_ topology: TopologySpec, _ js: JetStreamContext, options: PlanOptions = .init()) async throws -> Plan {
    let observed = try await ClusterObserver(jetStream: js).observe(expecting: topology)
    let capabilities = try #require(ClusterObserver.capabilities(of: js.client))
    return Planner.plan(desired: topology, observed: observed, capabilities: capabilities, options: options)
}

/// Parses JSON text into a `JSONValue`.
func json(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

func object(_ text: String) throws -> JSONObject {
    try #require(try json(text).objectValue)
}

extension ServerCapabilities {
    static let v2_10 = ServerCapabilities(version: "2.10.25", apiLevel: nil, clusterSize: 3)!
    static let v2_11 = ServerCapabilities(version: "2.11.0", apiLevel: 1, clusterSize: 3)!
    static let v2_12 = ServerCapabilities(version: "2.12.1", apiLevel: 2, clusterSize: 3)!
    static let v2_15 = ServerCapabilities(version: "2.15.1", apiLevel: 5, clusterSize: 3)!
    static let all: [ServerCapabilities] = [.v2_10, .v2_12, .v2_15]
}

/// A captured fixture: the server it came from and the observed state it describes.
struct Capture {
    var capabilities: ServerCapabilities
    var observed: ObservedState
    /// Stream name → the config that was sent to create it.
    var sent: [String: JSONObject]
    /// "STREAM.consumer" → the config that was sent to create it.
    var sentConsumers: [String: JSONObject]

    static func load(_ text: String) throws -> Capture {
        let root = try object(text)
        let version = try #require(root["server_version"]?.stringValue)
        let capabilities = try #require(ServerCapabilities(version: version, apiLevel: root["api_level"]?.intValue.map(Int.init),
                                                          clusterSize: 3))
        var streams: [ObservedStream] = []
        var sent: [String: JSONObject] = [:]
        var sentConsumers: [String: JSONObject] = [:]
        for entry in try #require(root["streams"]?.arrayValue) {
            let e = try #require(entry.objectValue)
            let consumers = try #require(e["consumers"]?.arrayValue).compactMap(\.objectValue)
            let stream = try #require(ObservedStream(info: e, consumerInfos: consumers))
            streams.append(stream)
            sent[stream.name] = e["sent"]?.objectValue
            for c in consumers { sentConsumers["\(stream.name).\(c["name"]?.stringValue ?? "")"] = c["sent"]?.objectValue }
        }
        return Capture(capabilities: capabilities, observed: ObservedState(streams: streams), sent: sent, sentConsumers: sentConsumers)
    }

    static var all: [Capture] {
        get throws { try [CapturedConfigs.v2_10_25, CapturedConfigs.v2_12_1, CapturedConfigs.v2_15_1].map(load) }
    }
}

/// The streams of the captures besides the shipped two, as YAML (under `streams:`) for a server release.
func capturedExtraStreamsYAML(for capabilities: ServerCapabilities) -> String {
    var yaml = """
      BARE:
        consumers:
          bare: {}
          bare_push: { deliver_subject: push.bare }
          acked: { ack_policy: all }
      EVENTS:
        subjects: [events.b, events.a.>, events.c]
        max_age: 1m
        num_replicas: 3
        consumer_limits: { max_ack_pending: 50, inactive_threshold: 1h }
        metadata: { team: core }
        consumers:
          backoff: { ack_policy: explicit, backoff: [1s, 5s], max_deliver: 3, filter_subjects: [events.b, events.c] }
          replicated: { ack_policy: explicit, num_replicas: 1, mem_storage: true }
      AUDIT:
        subjects: [audit.>]
        retention: interest
        duplicate_window: 30s
        compression: s2
        max_bytes: 1GiB
        placement: { tags: [] }
        consumers:
          reader: { ack_policy: explicit, deliver_policy: last_per_subject, filter_subject: audit.x }

    """
    if capabilities.version >= ServerVersion(2, 11) {
        yaml += """
          TTL:
            subjects: [ttl.>]
            allow_msg_ttl: true
            subject_delete_marker_ttl: 5s
            consumers:
              pinned: { ack_policy: explicit, priority_groups: [g], priority_policy: pinned_client }

        """
    }
    if capabilities.version >= ServerVersion(2, 12) {
        yaml += """
          COUNTER:
            subjects: [counter.>]
            allow_msg_counter: true

        """
    }
    return yaml
}

/// The shipped topology's streams plus the extra captured ones, as one topology.
func capturedTopology(for capabilities: ServerCapabilities) throws -> TopologySpec {
    let shipped = try String(contentsOf: repositoryRoot().appendingPathComponent("topology.yaml"), encoding: .utf8)
    // Keep the shipped file's streams section and append the extra streams to it.
    let start = try #require(shipped.range(of: "\nstreams:\n"))
    let end = try #require(shipped.range(of: "\nsmoke:"))
    let streams = String(shipped[start.upperBound..<end.lowerBound])
    return try topology(streams + capturedExtraStreamsYAML(for: capabilities))
}

// MARK: a pure model of the server, for simulations

/// What a server reports for a config it stored: defaults filled, every non-omitempty zero field written
/// out, `_nats.*` metadata added (2.11+), subject lists in another order, one duration as a double.
enum ServerEcho {
    static func stream(_ config: JSONObject, capabilities: ServerCapabilities) -> JSONObject {
        var c = ServerDefaults.stream(config, capabilities: capabilities)
        for field in StreamFields.all where c[field.name] == nil && capabilities.supports(field.since) {
            if case .bool = field.kind, ["sealed", "deny_delete", "deny_purge", "allow_rollup_hdrs", "allow_direct",
                                         "mirror_direct", "allow_msg_ttl"].contains(field.name) {
                c[field.name] = .bool(false)
            }
        }
        if c["max_age"] == nil { c["max_age"] = .int(0) }
        if c["consumer_limits"] == nil { c["consumer_limits"] = .object([:]) }
        if let subjects = c["subjects"]?.arrayValue { c["subjects"] = .array(subjects.reversed()) }
        if let window = c["duplicate_window"]?.intValue { c["duplicate_window"] = .double(Double(window)) }
        addServerMetadata(&c, capabilities)
        return c
    }

    static func consumer(_ config: JSONObject, stream: JSONObject, capabilities: ServerCapabilities) -> JSONObject {
        var c = ServerDefaults.consumer(config, stream: stream, capabilities: capabilities)
        if c["num_replicas"] == nil { c["num_replicas"] = .int(0) }
        if let filters = c["filter_subjects"]?.arrayValue { c["filter_subjects"] = .array(filters.reversed()) }
        addServerMetadata(&c, capabilities)
        return c
    }

    private static func addServerMetadata(_ c: inout JSONObject, _ capabilities: ServerCapabilities) {
        guard capabilities.version >= ServerVersion(2, 11) else { return }
        var metadata = c["metadata"]?.objectValue ?? [:]
        metadata["_nats.ver"] = .string(capabilities.version.description)
        metadata["_nats.level"] = .string(String(capabilities.apiLevel ?? 1))
        metadata["_nats.req.level"] = .string("0")
        c["metadata"] = .object(metadata)
    }

    /// Runs a plan's steps, phase by phase, against a model of the cluster.
    static func apply(_ plan: Plan, to observed: ObservedState) -> ObservedState {
        var state = observed
        let caps = plan.capabilities
        for phase in plan.phases {
            for step in phase.steps {
                let name = step.resource.streamName
                let index = state.streams.firstIndex { $0.name == name }
                switch step.operation {
                case .createStream:
                    let stream = ObservedStream(name: name, config: Self.stream(step.config!, capabilities: caps))
                    if let index { state.streams[index] = stream } else { state.streams.append(stream) }
                case .updateStream:
                    state.streams[index!].config = Self.stream(step.config!, capabilities: caps)
                case .deleteStream:
                    state.streams.remove(at: index!)
                case .createConsumer, .updateConsumer:
                    guard case .consumer(_, let consumerName) = step.resource else { continue }
                    var config = Self.consumer(step.config!, stream: state.streams[index!].config, capabilities: caps)
                    // An update keeps pause_until as it was (it changes through CONSUMER.PAUSE).
                    if step.operation == .updateConsumer {
                        config["pause_until"] = state.streams[index!].consumer(named: consumerName)?.config["pause_until"]
                    }
                    state.streams[index!].consumers.removeAll { $0.name == consumerName }
                    state.streams[index!].consumers.append(ObservedConsumer(name: consumerName, config: config))
                case .deleteConsumer:
                    guard case .consumer(_, let consumerName) = step.resource else { continue }
                    state.streams[index!].consumers.removeAll { $0.name == consumerName }
                case .pauseConsumer:
                    guard case .consumer(_, let consumerName) = step.resource,
                          let at = state.streams[index!].consumers.firstIndex(where: { $0.name == consumerName }) else { continue }
                    state.streams[index!].consumers[at].config["pause_until"] = step.config?["pause_until"]
                case .putKey:
                    let value = step.payload?.value ?? step.config?["value"]?.stringValue ?? ""
                    state.keys[step.resource] = ObservedKey(revision: (state.keys[step.resource]?.revision ?? 0) + 1, value: Array(value.utf8))
                }
            }
        }
        return state
    }
}

/// Observed state for a topology as if it had been applied to an empty server.
func applied(_ topology: TopologySpec, capabilities: ServerCapabilities) -> ObservedState {
    ServerEcho.apply(Planner.plan(desired: topology, observed: ObservedState(), capabilities: capabilities), to: ObservedState())
}

// Literals keep expected values short in tables.
extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int64) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
}
