import JetStreamSchema
import Foundation

/// Reads `topology.yaml` (or a topology split across files) into a `TopologySpec`, reporting every
/// problem at once.
public struct TopologyLoader {
    /// Loads and validates a file, or every `*.yaml`/`*.yml` file of a directory. `environment` feeds
    /// `${VAR}` expansion (pass the process environment from the CLI, a fixed dictionary in tests);
    /// `selecting` names the environment (`environments.<NAME>`) to load for.
    public static func load(path: String, environment: [String: String], selecting: String? = nil) throws(TopologyLoadError) -> LoadedTopology {
        try load(paths: [path], environment: environment, selecting: selecting)
    }

    /// Loads a topology split across files (directories stand for their YAML files) as one.
    public static func load(paths: [String], environment: [String: String], selecting: String? = nil) throws(TopologyLoadError) -> LoadedTopology {
        var documents: [(file: String, yaml: String)] = []
        var problems: [Diagnostic] = []
        for file in try files(paths) {
            let location = SourceLocation(file: file, line: 1, column: 1)
            guard let data = FileManager.default.contents(atPath: file) else {
                problems.append(Diagnostic(.error, at: location, "cannot read the file", fix: "check the path and permissions"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                problems.append(Diagnostic(.error, at: location, "the file is not UTF-8 text", fix: "save it as UTF-8"))
                continue
            }
            documents.append((file, text))
        }
        if !problems.isEmpty { throw TopologyLoadError(diagnostics: problems) }
        return try load(documents: documents, environment: environment, selecting: selecting)
    }

    /// The files `paths` stand for: a directory's `*.yaml` and `*.yml` files in name order (hidden ones
    /// left out), any other path as given.
    public static func files(_ paths: [String]) throws(TopologyLoadError) -> [String] {
        var out: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                out.append(path)
                continue
            }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }.sorted()
            if names.isEmpty {
                throw TopologyLoadError(diagnostics: [Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1),
                                                                 "the directory holds no .yaml or .yml file",
                                                                 fix: "give the topology file, or the directory holding its files")])
            }
            let base = path.hasSuffix("/") ? path : path + "/"
            out += names.map { base + $0 }
        }
        return out
    }

    /// Loads and validates YAML text; `file` is the name used in diagnostics.
    public static func load(yaml: String, file: String, environment: [String: String], selecting: String? = nil) throws(TopologyLoadError)
        -> LoadedTopology {
        try load(documents: [(file, yaml)], environment: environment, selecting: selecting)
    }

    /// Loads documents (file name, YAML text) as one topology.
    public static func load(documents: [(file: String, yaml: String)], environment: [String: String],
                            selecting: String? = nil) throws(TopologyLoadError) -> LoadedTopology {
        var bag = DiagnosticBag()
        var roots: [YNode] = []
        for document in documents {
            var reader = YAMLReader(file: document.file, environment: environment)
            if let root = reader.read(document.yaml, into: &bag) { roots.append(root) }
        }
        var root = roots.count == documents.count ? Composition.combine(roots, bag: &bag) : nil
        if let combined = root, let selecting { root = Composition.select(selecting, in: combined, bag: &bag) }
        let file = documents.first?.file ?? "topology.yaml"
        var topology = root.flatMap { TopologyBuilder(file: file).build($0, bag: &bag) }
        if topology != nil, let selecting {
            topology!.environment = topology!.environments.first { $0.name == selecting }
        }
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
struct TopologyBuilder: Sendable {
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
            streams = bag.chunked(namedEntries(node, what: "'streams'", bag: &bag)) { entry, bag in buildStream(entry.0, entry.1, bag: &bag) }
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
        var environments: [EnvironmentSpec] = []
        if let (_, node) = top.children["environments"] {
            for (key, value) in namedEntries(node, what: "'environments'", bag: &bag) {
                if let problem = Names.contextNameProblem(key.text) {
                    bag.error(key.location, "environment name '\(FieldDecoder.clip(key.text))' \(problem)",
                              fix: "use letters, digits, '-' or '_' (it is given as --env NAME)")
                }
                let owner = "environment '\(key.text)'"
                guard let obj = FieldDecoder().decodeObject(value, fields: FieldCatalog.environment, owner: owner, bag: &bag) else { continue }
                environments.append(EnvironmentSpec(
                    name: key.text, cluster: obj.json["cluster"]?.stringValue, domain: obj.json["domain"]?.stringValue,
                    environmentDescription: obj.json["description"]?.stringValue, location: key.location, fieldLocations: obj.locations))
            }
        }

        locations = locations.filter { !$0.key.hasPrefix("smoke.") }
        var topology = TopologySpec(name: name, contexts: contexts, context: context ?? "",
                                    systemContext: top.json["system_context"]?.stringValue, streams: streams, kv: kv, objectStores: objectStores,
                                    smoke: smoke, fieldLocations: locations)
        topology.environments = environments
        return topology
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
        guard var obj = decoder.decodeObject(node, fields: FieldCatalog.stream, owner: owner, bag: &bag)
        else { return nil }
        checkMetadata(obj, owner: owner, bag: &bag)
        let lifecycle = takeLifecycle(&obj, fields: StreamFields.all, owner: owner, bag: &bag)
        expandDomains(&obj, owner: owner, bag: &bag)
        var consumers: [ConsumerSpec] = []
        if let (_, consumersNode) = obj.children["consumers"] {
            for (ckey, cnode) in namedEntries(consumersNode, what: "'consumers' of \(owner)", bag: &bag) {
                if let c = buildConsumer(ckey, cnode, stream: key.text, bag: &bag) { consumers.append(c) }
            }
        }
        var config = JSONObject([("name", .string(key.text))])
        for (k, v) in obj.json { config[k] = v }
        return StreamSpec(name: key.text, config: config, consumers: consumers, location: key.location,
                          fieldLocations: obj.locations, lifecycle: lifecycle,
                          check: check(obj, metrics: CheckMetric.stream, owner: owner, bag: &bag))
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
        guard var obj = decoder.decodeObject(node, fields: FieldCatalog.bucket(kind), owner: bucket.owner, bag: &bag) else { return nil }
        checkMetadata(obj, owner: bucket.owner, bag: &bag)
        bucket.lifecycle = takeLifecycle(&obj, fields: kind.fields, owner: bucket.owner, bag: &bag)
        if let policy = obj.json["keys_policy"]?.stringValue.flatMap(KeysPolicy.init(rawValue:)) { bucket.keysPolicy = policy }
        obj.json["keys_policy"] = nil
        if let (_, node) = obj.children["keys"] { bucket.keys = KeysDecoder().decode(node, owner: bucket.owner, bag: &bag) }
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
        guard var obj = decoder.decodeObject(node, fields: FieldCatalog.consumer, owner: owner, bag: &bag)
        else { return nil }
        checkMetadata(obj, owner: owner, bag: &bag)
        let lifecycle = takeLifecycle(&obj, fields: ConsumerFields.all, owner: owner, bag: &bag)
        var config = JSONObject([("durable_name", .string(key.text))])
        for (k, v) in obj.json { config[k] = v }
        return ConsumerSpec(name: key.text, stream: stream, config: config, location: key.location,
                            fieldLocations: obj.locations, lifecycle: lifecycle,
                            check: check(obj, metrics: CheckMetric.consumer, owner: owner, bag: &bag))
    }

    /// `domain: NAME` on the mirror or a source becomes `external: {api: $JS.NAME.API}`, what the server
    /// knows; its position becomes that of `external.api`.
    private func expandDomains(_ obj: inout DecodedObject, owner: String, bag: inout DiagnosticBag) {
        func expand(_ source: JSONObject, path: String) -> JSONObject {
            guard let domain = source["domain"]?.stringValue else { return source }
            var source = source
            source["domain"] = nil
            let at = obj.locations["\(path).domain"] ?? obj.locations[path]!
            if source["external"] != nil {
                bag.error(at, "'\(path)' in \(owner) gives both 'domain' and 'external'",
                          fix: "keep one: domain: \(FieldDecoder.clip(domain)) means external: {api: $JS.\(FieldDecoder.clip(domain)).API}")
                return source
            }
            if domain.isEmpty || domain.contains(where: { $0 == "." || $0 == "*" || $0 == ">" || $0.isWhitespace }) {
                bag.error(at, "'\(path).domain' in \(owner) is not a JetStream domain name: '\(FieldDecoder.clip(domain))'",
                          fix: "use the domain's name as its servers set it (jetstream { domain: … }), without '.', '*', '>' or spaces")
                return source
            }
            source["external"] = .object(["api": .string("$JS.\(domain).API")])
            obj.locations["\(path).external"] = at
            obj.locations["\(path).external.api"] = at
            return source
        }
        if let mirror = obj.json["mirror"]?.objectValue { obj.json["mirror"] = .object(expand(mirror, path: "mirror")) }
        if let sources = obj.json["sources"]?.arrayValue {
            obj.json["sources"] = .array(sources.enumerated().map { i, value in
                value.objectValue.map { .object(expand($0, path: "sources[\(i)]")) } ?? value
            })
        }
    }

    /// Moves `prevent_destroy` and `ignore_changes` out of the decoded config (they are never sent) and
    /// checks that every ignored path names a field of the resource (`fields`).
    private func takeLifecycle(_ obj: inout DecodedObject, fields: [FieldSpec], owner: String, bag: inout DiagnosticBag) -> Lifecycle {
        var lifecycle = Lifecycle()
        if let prevent = obj.json["prevent_destroy"]?.boolValue {
            lifecycle.preventDestroy = prevent
            lifecycle.preventDestroyLocation = obj.locations["prevent_destroy"]
        }
        for (i, value) in (obj.json["ignore_changes"]?.arrayValue ?? []).enumerated() {
            guard let path = value.stringValue else { continue }
            let at = obj.locations["ignore_changes[\(i)]"] ?? obj.locations["ignore_changes"]!
            if let problem = Self.fieldPathProblem(path, in: fields) {
                bag.error(at, "'ignore_changes[\(i)]' in \(owner) \(problem)", fix: Self.fieldPathFix(path, in: fields))
            } else if lifecycle.ignoreChanges.contains(path) {
                bag.error(at, "'ignore_changes' in \(owner) lists '\(path)' twice", fix: "keep one")
            } else {
                lifecycle.ignoreChanges.append(path)
            }
        }
        obj.json["prevent_destroy"] = nil
        obj.json["ignore_changes"] = nil
        return lifecycle
    }

    /// Why `path` (`max_bytes`, `placement.cluster`) is not a field of `fields`, or nil.
    static func fieldPathProblem(_ path: String, in fields: [FieldSpec]) -> String? {
        var level = fields
        for (depth, part) in path.split(separator: ".", omittingEmptySubsequences: false).enumerated() {
            guard let field = FieldCatalog.field(String(part), in: level) else {
                return depth == 0 ? "names no field: '\(FieldDecoder.clip(path))'" : "names no field: '\(FieldDecoder.clip(path))' ('\(part)' is not part of it)"
            }
            level = field.nested ?? []
        }
        return nil
    }

    private static func fieldPathFix(_ path: String, in fields: [FieldSpec]) -> String {
        let head = String(path.prefix { $0 != "." })
        if head == "consumers" { return "write ignore_changes under each consumer, naming that consumer's fields" }
        let names = fields.map(\.name).filter { !FieldCatalog.isLifecycleKey($0) }
        if FieldCatalog.field(head, in: fields) == nil,
           let suggestion = Suggestions.suggest(head, among: names, aliases: FieldCatalog.keyAliases) {
            return "did you mean '\(suggestion)'?"
        }
        return "name a field of the resource, e.g. max_bytes or placement.cluster"
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
        if let location = obj.locations["metadata.\(TopologySpec.preventDestroyMetadataKey)"] {
            bag.error(location, "metadata key '\(TopologySpec.preventDestroyMetadataKey)' in \(owner) is reserved",
                      fix: "remove it and write 'prevent_destroy: true'; jetform sets the key from it")
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
