import JetStream
@testable import JetStreamSchema
import Testing
@testable import Reconcile

/// The schema's field table against itself and against what real servers stored (`Examples/*.json`):
/// every field has a default rule that `ServerDefaults` implements, a change rule, and an example that a
/// server of its release stored; and every captured example plans as "no changes".
@Suite struct SchemaTableTests {
    /// Fields no example can show, with the reason.
    static let neverStored: [String: String] = [
        "placement.tags": "the local test servers have no tags, so no placement on tags can be created",
        "placement.preferred": "refused in every stream config (10052)",
        "direct": "refused for durable consumers (10091), and every consumer jetform makes is durable",
    ]

    /// Every path of a table: `placement`, `placement.cluster`, `sources.external.api`, …
    /// A nested field exists from its parent's release on.
    static func paths(_ fields: [FieldSpec], prefix: String = "", since: ServerVersion = .baseline) -> [(path: String, since: ServerVersion)] {
        fields.flatMap { field -> [(String, ServerVersion)] in
            let path = prefix.isEmpty ? field.name : "\(prefix).\(field.name)"
            let from = max(since, field.since)
            return [(path, from)] + (field.nested.map { paths($0, prefix: path, since: from) } ?? [])
        }
    }

    /// Whether some value at `path` exists in `value` (lists are walked into).
    static func has(_ path: Substring, in value: JSONValue) -> Bool {
        if let items = value.arrayValue { return items.contains { has(path, in: $0) } }
        guard let object = value.objectValue else { return false }
        let head = path.prefix { $0 != "." }
        guard let next = object[String(head)] else { return false }
        let rest = path.dropFirst(head.count)
        return rest.isEmpty ? true : has(rest.dropFirst(), in: next)
    }

    @Test func everyFieldHasADefaultAndAChangeRule() {
        let implementedStream = Set(ServerDefaults.streamComputed.map(\.0))
        let implementedConsumer = Set(ServerDefaults.consumerComputed.map(\.0))
        for (table, implemented) in [(StreamFields.all, implementedStream), (ConsumerFields.all, implementedConsumer)] {
            var computed: Set<String> = []
            for field in table {
                #expect(!field.change.steps.isEmpty, "\(field.name) has no change rule")
                #expect(field.change.steps.first.map { $0.from <= field.since } ?? false, "\(field.name): the change rule starts after the field exists")
                if case .computed(let name) = field.serverDefault {
                    #expect(name == field.name, "\(field.name): computed default named \(name)")
                    computed.insert(name)
                }
            }
            #expect(computed == implemented, "computed defaults in the table \(computed.sorted()) vs ServerDefaults \(implemented.sorted())")
        }
    }

    @Test func everyRuleSaysWhatTriggersIt() {
        for rule in ServerRules.all {
            #expect(ServerRules.triggers.keys.contains(rule.id), "rule \(rule.id) has no entry in ServerRules.triggers")
            let table = rule.target == .stream ? StreamFields.byName : ConsumerFields.byName
            for field in rule.triggers ?? [] { #expect(table[field] != nil, "rule \(rule.id): trigger \(field) is not a field") }
        }
    }

    @Test func everyFieldHasACapturedExample() throws {
        let captures = try CapturedExamples.all()
        #expect(captures.map(\.version.fullDescription) == DifferentialTests.latest, "a capture for each release line")
        for (kind, table, member) in [("stream", StreamFields.all, "streams"), ("consumer", ConsumerFields.all, "consumers")] {
            for (path, since) in Self.paths(table) where Self.neverStored[path] == nil {
                let shown = captures.contains { capture in
                    capture.version >= since && (capture.capture[member]?.arrayValue ?? []).contains { Self.has(Substring(path), in: $0["stored"] ?? .null) }
                }
                #expect(shown, "\(kind) field \(path) (since \(since)) is in no captured config")
            }
        }
    }

    /// What the server stored equals, field by field, what jetform expects it to store for what was sent.
    @Test func capturedExamplesPlanNoChanges() throws {
        for (version, capture) in try CapturedExamples.all() {
            let caps = ServerCapabilities(version: version, apiLevel: nil, clusterSize: 3)
            var stored: [String: JSONObject] = [:]
            for entry in capture["streams"]?.arrayValue ?? [] {
                guard let sent = (entry["update"] ?? entry["sent"])?.objectValue, let live = entry["stored"]?.objectValue,
                      let name = sent["name"]?.stringValue else { continue }
                stored[name] = live
                let origin = sent["mirror"]?["name"]?.stringValue.flatMap { name in
                    (capture["streams"]?.arrayValue ?? []).first { $0["sent"]?["name"]?.stringValue == name }?["sent"]?.objectValue
                }
                let changes = Differ.diff(kind: .stream, observed: Normaliser.canonical(stream: live, capabilities: caps),
                                          desired: Normaliser.canonical(stream: ServerDefaults.stream(sent, capabilities: caps, origin: origin),
                                                                        capabilities: caps),
                                          capabilities: caps)
                #expect(changes.isEmpty, "\(version) stream \(name): \(changes.map { "\($0.path): \($0.old?.jsonString(pretty: false) ?? "-") → \($0.new?.jsonString(pretty: false) ?? "-")" })")
            }
            for entry in capture["consumers"]?.arrayValue ?? [] {
                guard let sent = entry["sent"]?.objectValue, let live = entry["stored"]?.objectValue,
                      let stream = entry["stream"]?.stringValue, let streamConfig = stored[stream] else { continue }
                let changes = Differ.diff(kind: .consumer,
                                          observed: Normaliser.canonical(consumer: live, stream: streamConfig, capabilities: caps),
                                          desired: Normaliser.canonical(consumer: ServerDefaults.consumer(sent, stream: streamConfig, capabilities: caps),
                                                                        stream: streamConfig, capabilities: caps),
                                          capabilities: caps)
                #expect(changes.isEmpty, "\(version) consumer \(stream).\(sent["durable_name"]?.stringValue ?? ""): \(changes.map { "\($0.path): \($0.old?.jsonString(pretty: false) ?? "-") → \($0.new?.jsonString(pretty: false) ?? "-")" })")
            }
        }
    }
}

/// The JetStream module's typed models know exactly the table's fields (plus the identities, and
/// `template_owner`, which 2.10 servers still report), so no field is dropped on the way through them.
@Suite struct ModelsMatchTheTableTests {
    @Test func streamConfigKnowsTheTable() {
        #expect(StreamConfig.knownKeys == Set(StreamFields.all.map(\.name)).union(["name", "template_owner"]))
        #expect(ConsumerConfig.knownKeys == Set(ConsumerFields.all.map(\.name)).union(["name", "durable_name"]))
    }
}
