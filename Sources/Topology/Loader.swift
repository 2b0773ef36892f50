import JetStreamSchema
import Foundation

/// Reads `topology.yaml` into a `TopologySpec`, reporting every problem at once.
public struct TopologyLoader {
    /// Loads and validates a file. `environment` feeds `${VAR}` expansion (pass the process
    /// environment from the CLI, a fixed dictionary in tests).
    public static func load(path: String, environment: [String: String]) throws(TopologyLoadError) -> LoadedTopology {
        guard let data = FileManager.default.contents(atPath: path) else {
            let location = SourceLocation(file: path, line: 1, column: 1)
            throw TopologyLoadError(diagnostics: [Diagnostic(.error, at: location, "cannot read the file",
                                                             fix: "check the path and permissions")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let location = SourceLocation(file: path, line: 1, column: 1)
            throw TopologyLoadError(diagnostics: [Diagnostic(.error, at: location, "the file is not UTF-8 text",
                                                             fix: "save it as UTF-8")])
        }
        return try load(yaml: text, file: path, environment: environment)
    }

    /// Loads and validates YAML text; `file` is the name used in diagnostics.
    public static func load(yaml: String, file: String, environment: [String: String]) throws(TopologyLoadError)
        -> LoadedTopology {
        var bag = DiagnosticBag()
        var reader = YAMLReader(file: file, environment: environment)
        let topology = reader.read(yaml, into: &bag).flatMap { TopologyBuilder(file: file).build($0, bag: &bag) }
        if let topology {
            TopologyValidator(topology: topology).validate(into: &bag)
        }
        let diagnostics = bag.sorted
        guard let topology, !diagnostics.contains(where: { $0.severity == .error }) else {
            throw TopologyLoadError(diagnostics: diagnostics)
        }
        return LoadedTopology(topology: topology, warnings: diagnostics)
    }
}

/// Builds typed specs from the YAML tree using the field catalog; type-level problems go to the bag.
struct TopologyBuilder {
    let file: String

    func build(_ root: YNode, bag: inout DiagnosticBag) -> TopologySpec? {
        guard case .mapping = root else {
            bag.error(root.location, "the top level must be a mapping", fix: "start with 'name:', 'contexts:' and 'streams:'")
            return nil
        }
        guard let top = FieldDecoder().decodeObject(root, fields: FieldCatalog.topLevel, owner: "the topology", bag: &bag)
        else { return nil }
        var locations = top.locations
        let name = top.json["name"]?.stringValue ?? ""
        if top.json["name"] != nil, let problem = Self.topologyNameProblem(name) {
            bag.error(locations["name"]!, "topology name \(problem)", fix: "use letters, digits, '-', '_' or '.'")
        }

        var contexts: [ContextSpec] = []
        if let (_, node) = top.children["contexts"] {
            for (key, value) in namedEntries(node, what: "'contexts'", bag: &bag) {
                if let problem = Names.contextNameProblem(key.text) {
                    bag.error(key.location, "context name '\(FieldDecoder.clip(key.text))' \(problem)",
                              fix: "natscli stores contexts as files: use letters, digits, '-' or '_'")
                }
                if let ctx = buildContext(key, value, bag: &bag) { contexts.append(ctx) }
            }
            if contexts.isEmpty && bag.items.isEmpty {
                bag.error(node.location, "'contexts' declares no context", fix: "add one, e.g. user: { url: nats://localhost:4222 }")
            }
        }

        var streams: [StreamSpec] = []
        if let (_, node) = top.children["streams"] {
            for (key, value) in namedEntries(node, what: "'streams'", bag: &bag) {
                if let stream = buildStream(key, value, bag: &bag) { streams.append(stream) }
            }
        }

        func buckets(_ kind: BucketKind, under section: String) -> [BucketSpec] {
            guard let (_, node) = top.children[section] else { return [] }
            return namedEntries(node, what: "'\(section)'", bag: &bag).compactMap { buildBucket(kind, $0, $1, bag: &bag) }
        }
        let kv = buckets(.kv, under: "kv")
        let objectStores = buckets(.objectStore, under: "object_stores")

        var smoke: SmokeSpec?
        if let smokeJSON = top.json["smoke"]?.objectValue {
            smoke = SmokeSpec(json: smokeJSON, location: locations["smoke"]!, locations: locations)
        }

        var context = top.json["context"]?.stringValue
        if context == nil {
            if contexts.count == 1 {
                // With one context there is nothing to choose.
                context = contexts[0].name
            } else if contexts.count > 1 {
                bag.error(locations["contexts"]!, "the topology has \(contexts.count) contexts but no 'context'",
                          fix: "add 'context: <name>' naming the one used for JetStream work")
            }
        }
        locations = locations.filter { !$0.key.hasPrefix("smoke.") }
        return TopologySpec(name: name, contexts: contexts, context: context ?? "",
                        systemContext: top.json["system_context"]?.stringValue, streams: streams, kv: kv, objectStores: objectStores, smoke: smoke,
                        fieldLocations: locations)
    }

    /// The entries of a `name: {…}` mapping, duplicates reported.
    private func namedEntries(_ node: YNode, what: String, bag: inout DiagnosticBag) -> [(YScalar, YNode)] {
        if case .scalar(let s) = node, s.isNull { return [] }
        guard case .mapping(let entries, _) = node else {
            bag.error(node.location, "\(what) must be a mapping of names, got \(node.kindName)",
                      fix: "write one indented 'NAME:' per entry")
            return []
        }
        var seen = Set<String>()
        var out: [(YScalar, YNode)] = []
        for entry in entries {
            guard seen.insert(entry.key.text).inserted else {
                bag.error(entry.key.location, "'\(entry.key.text)' is declared twice in \(what)", fix: "keep one")
                continue
            }
            out.append((entry.key, entry.value))
        }
        return out
    }

    private func buildContext(_ key: YScalar, _ node: YNode, bag: inout DiagnosticBag) -> ContextSpec? {
        let owner = "context '\(key.text)'"
        guard let obj = FieldDecoder(quotesValues: false).decodeObject(node, fields: FieldCatalog.context, owner: owner, bag: &bag)
        else { return nil }
        let j = obj.json
        func s(_ k: String) -> String? { j[k]?.stringValue }
        return ContextSpec(
            name: key.text, contextDescription: s("description"), url: s("url") ?? "", user: s("user"),
            password: s("password").map(Secret.init), token: s("token").map(Secret.init), creds: s("creds"),
            nkey: s("nkey").map(Secret.init), cert: s("cert"), key: s("key"), ca: s("ca"),
            tlsFirst: j["tls_first"]?.boolValue, jetStreamDomain: s("jetstream_domain"),
            inboxPrefix: s("inbox_prefix"), location: key.location, fieldLocations: obj.locations)
    }

    private static let reservedMetadataFix =
        "remove it; jetform sets \(TopologySpec.managedByMetadataKey) to the topology name on everything it manages"

    private func buildStream(_ key: YScalar, _ node: YNode, bag: inout DiagnosticBag) -> StreamSpec? {
        if let problem = Names.assetNameProblem(key.text) {
            bag.error(key.location, "stream name '\(FieldDecoder.clip(key.text))' \(problem)",
                      fix: "use letters, digits, '-' or '_' (no spaces, '.', '*', '>', '/', '\\')")
        }
        let owner = "stream '\(key.text)'"
        let decoder = FieldDecoder(reservedKeys: [
            "name": "remove it; the key under 'streams' is the stream's name",
        ], deferredKeys: ["check"])
        guard let obj = decoder.decodeObject(node, fields: FieldCatalog.stream, owner: owner, bag: &bag)
        else { return nil }
        checkMetadata(obj, owner: owner, bag: &bag)
        var consumers: [ConsumerSpec] = []
        if let (_, consumersNode) = obj.children["consumers"] {
            for (ckey, cnode) in namedEntries(consumersNode, what: "'consumers' of \(owner)", bag: &bag) {
                if let c = buildConsumer(ckey, cnode, stream: key.text, bag: &bag) { consumers.append(c) }
            }
        }
        var config = JSONObject([("name", .string(key.text))])
        for (k, v) in obj.json { config[k] = v }
        return StreamSpec(name: key.text, config: config, consumers: consumers, location: key.location,
                          fieldLocations: obj.locations, check: check(obj, metrics: CheckMetric.stream, owner: owner, bag: &bag))
    }

    private func buildBucket(_ kind: BucketKind, _ key: YScalar, _ node: YNode, bag: inout DiagnosticBag) -> BucketSpec? {
        if let problem = Names.bucketNameProblem(key.text) {
            bag.error(key.location, "bucket name '\(FieldDecoder.clip(key.text))' \(problem)",
                      fix: "use letters, digits, '-' or '_' (the clients' rule for bucket names)")
        }
        var bucket = BucketSpec(kind: kind, name: key.text, config: JSONObject(), location: key.location, fieldLocations: [:])
        let section = kind == .kv ? "kv" : "object_stores"
        let decoder = FieldDecoder(reservedKeys: ["name": "remove it; the key under '\(section)' is the bucket's name"],
                                   deferredKeys: ["check"])
        guard let obj = decoder.decodeObject(node, fields: FieldCatalog.bucket(kind), owner: bucket.owner, bag: &bag) else { return nil }
        checkMetadata(obj, owner: bucket.owner, bag: &bag)
        bucket.config = obj.json
        bucket.fieldLocations = obj.locations
        bucket.check = check(obj, metrics: CheckMetric.stream, owner: bucket.owner, bag: &bag)
        return bucket
    }

    private func buildConsumer(_ key: YScalar, _ node: YNode, stream: String, bag: inout DiagnosticBag) -> ConsumerSpec? {
        if let problem = Names.assetNameProblem(key.text) {
            bag.error(key.location, "consumer name '\(FieldDecoder.clip(key.text))' \(problem)",
                      fix: "use letters, digits, '-' or '_' (no spaces, '.', '*', '>', '/', '\\')")
        }
        let owner = "consumer '\(key.text)' of stream '\(stream)'"
        let nameFix = "remove it; the key under 'consumers' is the durable name"
        let decoder = FieldDecoder(reservedKeys: ["name": nameFix, "durable_name": nameFix], deferredKeys: ["check"])
        guard let obj = decoder.decodeObject(node, fields: FieldCatalog.consumer, owner: owner, bag: &bag)
        else { return nil }
        checkMetadata(obj, owner: owner, bag: &bag)
        var config = JSONObject([("durable_name", .string(key.text))])
        for (k, v) in obj.json { config[k] = v }
        return ConsumerSpec(name: key.text, stream: stream, config: config, location: key.location,
                            fieldLocations: obj.locations, check: check(obj, metrics: CheckMetric.consumer, owner: owner, bag: &bag))
    }

    /// The `check:` thresholds of a decoded stream, consumer or bucket (jetform's own: not in its config).
    private func check(_ obj: DecodedObject, metrics: [CheckMetric], owner: String, bag: inout DiagnosticBag) -> CheckSpec? {
        guard let (key, node) = obj.children["check"] else { return nil }
        return CheckDecoder().decode(key, node, metrics: metrics, owner: owner, bag: &bag)
    }

    private func checkMetadata(_ obj: DecodedObject, owner: String, bag: inout DiagnosticBag) {
        let reserved = "metadata.\(TopologySpec.managedByMetadataKey)"
        if let location = obj.locations[reserved] {
            bag.error(location, "metadata key '\(TopologySpec.managedByMetadataKey)' in \(owner) is reserved",
                      fix: Self.reservedMetadataFix)
        }
    }

    static func topologyNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }) {
            return "'\(FieldDecoder.clip(name))' contains whitespace or control characters"
        }
        return nil
    }
}
