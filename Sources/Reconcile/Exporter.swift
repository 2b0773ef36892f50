import JetStreamSchema
import Foundation
import Topology

/// A connection context to write into an exported file: names and addresses only. Secrets are written
/// as `${VAR}` placeholders that the loader fills from the environment.
public struct ExportContext: Sendable, Hashable {
    public var name: String
    public var url: String
    public var user: String?
    /// Environment variables for the secrets the context needs (`password: ${NATS_PASSWORD}`).
    public var passwordVariable: String?
    public var tokenVariable: String?
    public var nkeyVariable: String?
    /// A path, not a secret.
    public var creds: String?

    public init(name: String, url: String, user: String? = nil, passwordVariable: String? = nil, tokenVariable: String? = nil,
                nkeyVariable: String? = nil, creds: String? = nil) {
        self.name = name
        self.url = url
        self.user = user
        self.passwordVariable = passwordVariable
        self.tokenVariable = tokenVariable
        self.nkeyVariable = nkeyVariable
        self.creds = creds
    }
}

/// What `jetform export` produced.
public struct ExportResult: Sendable {
    /// The topology file's text.
    public var yaml: String
    /// Streams and consumers written.
    public var resources: [ResourceID]
    /// Resources without jetform's marker: the first `apply` of the file adopts them (a metadata-only
    /// update that adds `jetform.managed-by`), unless they were adopted at export (`--adopt`).
    public var unmarked: [ResourceID]
    /// Resources another topology's marker claims; planning the exported file reports them as errors.
    public var ownedElsewhere: [(ResourceID, String)]
    /// Things the reader should know (fields kept that the normaliser could not reduce, …).
    public var notes: [String]
}

/// Why an export failed.
public struct ExportError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Writes the live cluster as a topology file: `plan` on the result reports nothing to change in any field
/// (adoption of an existing cluster).
///
/// Each stream and durable consumer is written with the fewest fields that plan to the same config: every
/// field is dropped whose absence the server fills back with the same value (`ServerDefaults`, compared in
/// `Normaliser` form, the comparison `plan` makes). `_nats.*` metadata and this topology's marker are left
/// out (the planner adds the marker). Values are written as people write them (`5s`, `1GiB`, `unlimited`).
/// Ephemeral consumers and jetform's lock stream are never exported.
///
/// Ownership (Terraform `import` semantics): exporting does not claim anything. Resources without a
/// marker are listed in `unmarked`; `plan` on the exported file shows each as an update that only adds
/// `jetform.managed-by` (with a warning that apply takes it over), and after that apply plan reports no
/// changes. `jetform export --adopt` does that adoption right away, so plan is empty at once.
public enum Exporter {
    public static func export(observed: ObservedState, capabilities: ServerCapabilities, name: String, streams only: [String]?,
                              contexts: [ExportContext], context: String, systemContext: String?,
                              header: String? = nil) throws(ExportError) -> ExportResult {
        var selected = observed.streams.filter { !ApplyLock.isLockStream($0.name) }.sorted { $0.name < $1.name }
        if let only, !only.isEmpty {
            let missing = only.filter { name in !selected.contains { $0.name == name } }
            guard missing.isEmpty else {
                let known = selected.map(\.name).joined(separator: ", ")
                throw ExportError(description: "no stream named \(missing.joined(separator: ", ")) in the cluster (streams: \(known.isEmpty ? "none" : known))")
            }
            selected = selected.filter { only.contains($0.name) }
        }
        var result = ExportResult(yaml: "", resources: [], unmarked: [], ownedElsewhere: [], notes: [])
        var lines: [String] = []
        if let header { lines += header.split(separator: "\n", omittingEmptySubsequences: false).map { "# \($0)" } }
        lines.append("name: \(scalar(name))")
        lines.append("")
        if !contexts.isEmpty {
            lines.append("contexts:")
            for c in contexts {
                lines.append("  \(scalar(c.name)):")
                lines.append("    url: \(scalar(c.url))")
                if let user = c.user { lines.append("    user: \(scalar(user))") }
                if let v = c.passwordVariable { lines.append("    password: ${\(v)}") }
                if let v = c.tokenVariable { lines.append("    token: ${\(v)}") }
                if let v = c.nkeyVariable { lines.append("    nkey: ${\(v)}") }
                if let creds = c.creds { lines.append("    creds: \(scalar(creds))") }
            }
            lines.append("")
        }
        lines.append("context: \(scalar(context))")
        if let systemContext { lines.append("system_context: \(scalar(systemContext))") }
        lines.append("")
        // Buckets as clients make them go under `kv:` / `object_stores:`, in their own words; any other
        // stream (a bucket's stream changed by hand so that no bucket config plans to it, too) under `streams:`.
        var buckets: [(ObservedStream, BucketKind, String, JSONObject)] = []
        var streams: [ObservedStream] = []
        for stream in selected {
            if let (kind, bucket, config) = exportedBucket(stream, capabilities: capabilities) {
                buckets.append((stream, kind, bucket, config))
            } else {
                streams.append(stream)
            }
        }
        selected = streams
        lines.append(selected.isEmpty ? "streams: {}" : "streams:")
        for stream in selected {
            let id = ResourceID.stream(stream.name)
            result.resources.append(id)
            track(id, stream.config, topology: name, into: &result)
            let config = Self.domainShorthand(protected(minimalStream(stream.config, capabilities: capabilities, notes: &result.notes),
                                                        live: stream.config))
            lines.append("  \(scalar(stream.name)):")
            lines += render(config, fields: FieldCatalog.stream, indent: "    ")
            let durables = stream.consumers.filter(\.isDurable).sorted { $0.name < $1.name }
            if durables.isEmpty { continue }
            lines.append("    consumers:")
            for consumer in durables {
                let cid = ResourceID.consumer(stream: stream.name, name: consumer.name)
                result.resources.append(cid)
                track(cid, consumer.config, topology: name, into: &result)
                let cconfig = protected(minimalConsumer(consumer.config, stream: stream.config, capabilities: capabilities,
                                                        id: cid, notes: &result.notes), live: consumer.config)
                lines.append("      \(scalar(consumer.name)):" + (cconfig.isEmpty ? " {}" : ""))
                lines += render(cconfig, fields: FieldCatalog.consumer, indent: "        ")
            }
        }
        for (kind, section) in [(BucketKind.kv, "kv"), (.objectStore, "object_stores")] {
            let ofKind = buckets.filter { $0.1 == kind }
            if ofKind.isEmpty { continue }
            lines.append("")
            lines.append("\(section):")
            for (stream, _, bucket, config) in ofKind {
                let id = ResourceID.stream(stream.name)
                result.resources.append(id)
                track(id, stream.config, topology: name, into: &result)
                let config = protected(config, live: stream.config)
                lines.append("  \(scalar(bucket)):" + (config.isEmpty ? " {}" : ""))
                lines += render(config, fields: FieldCatalog.bucket(kind), indent: "    ")
            }
        }
        result.yaml = lines.joined(separator: "\n") + "\n"
        return result
    }

    /// The bucket fields of a Key-Value bucket's or object store's stream, when planning them gives back
    /// exactly that stream (with the settings a bucket keeps from the client that made it); nil for any
    /// other stream.
    static func exportedBucket(_ live: ObservedStream, capabilities: ServerCapabilities) -> (BucketKind, String, JSONObject)? {
        guard !live.consumers.contains(where: \.isDurable), let (kind, bucket, found) = BucketKind.bucket(ofStream: live.config) else { return nil }
        var config = found
        config["metadata"] = userMetadata(found)
        var mapped = kind.keepingLive(kind.streamConfig(bucket: bucket, config), live: live.config)
        if mapped["mirror"] != nil { mapped["mirror_direct"] = live.config["mirror_direct"] }
        let planned = comparable(Normaliser.canonical(stream: mapped, capabilities: capabilities))
        return planned == comparable(Normaliser.canonical(stream: live.config, capabilities: capabilities)) ? (kind, bucket, config) : nil
    }

    private static func track(_ id: ResourceID, _ config: JSONObject, topology: String, into result: inout ExportResult) {
        switch Ownership.owner(of: config, topology: topology) {
        case .this: break
        case .none: result.unmarked.append(id)
        case .other(let owner): result.ownedElsewhere.append((id, owner))
        }
    }

    // MARK: fewest fields

    /// Metadata without `_nats.*` keys and without jetform's markers (ownership, `prevent_destroy`,
    /// which the file writes as its own key); nil when nothing is left.
    static func userMetadata(_ config: JSONObject) -> JSONValue? {
        guard let metadata = config["metadata"]?.objectValue else { return nil }
        var kept = JSONObject()
        for (key, value) in Metadata.userEntries(metadata) where key != TopologySpec.managedByMetadataKey
            && key != TopologySpec.preventDestroyMetadataKey {
            kept[key] = value
        }
        return kept.isEmpty ? nil : .object(kept)
    }

    /// A mirror or source reaching another domain (`external` with only `api: $JS.NAME.API`) written as
    /// `domain: NAME`, as people write it.
    static func domainShorthand(_ config: JSONObject) -> JSONObject {
        func short(_ value: JSONValue) -> JSONValue {
            guard var source = value.objectValue, let external = source["external"]?.objectValue,
                  external.keys == ["api"], let api = external["api"]?.stringValue,
                  api.hasPrefix("$JS."), api.hasSuffix(".API") else { return value }
            let domain = String(api.dropFirst(4).dropLast(4))
            guard !domain.isEmpty, !domain.contains(".") else { return value }
            source["external"] = nil
            source["domain"] = .string(domain)
            return .object(source)
        }
        var config = config
        if let mirror = config["mirror"] { config["mirror"] = short(mirror) }
        if let sources = config["sources"]?.arrayValue { config["sources"] = .array(sources.map(short)) }
        return config
    }

    /// `prevent_destroy: true` where the live resource carries its marker, so the exported file keeps
    /// protecting it.
    private static func protected(_ config: JSONObject, live: JSONObject) -> JSONObject {
        guard LifecycleRules.isMarked(live) else { return config }
        var config = config
        config["prevent_destroy"] = .bool(true)
        return config
    }

    /// `config` as the planner compares it, the marker left out (exporting does not decide ownership).
    private static func comparable(_ canonical: JSONObject) -> JSONObject {
        var c = canonical
        c["metadata"] = userMetadata(c)
        return c
    }

    static func minimalStream(_ live: JSONObject, capabilities: ServerCapabilities, notes: inout [String]) -> JSONObject {
        let name = live["name"] ?? .string("")
        let target = comparable(Normaliser.canonical(stream: live, capabilities: capabilities))
        func plansTheSame(_ candidate: JSONObject) -> Bool {
            var full = candidate
            full["name"] = name
            return comparable(Normaliser.canonical(stream: full, capabilities: capabilities)) == target
        }
        return reduce(live, identity: ["name"], matches: plansTheSame, what: "stream \(name.stringValue ?? "")", notes: &notes)
    }

    static func minimalConsumer(_ live: JSONObject, stream: JSONObject, capabilities: ServerCapabilities, id: ResourceID,
                                notes: inout [String]) -> JSONObject {
        let durable = live["durable_name"] ?? .string(id.name)
        let target = comparable(Normaliser.canonical(consumer: live, stream: stream, capabilities: capabilities))
        func plansTheSame(_ candidate: JSONObject) -> Bool {
            var full = candidate
            full["durable_name"] = durable
            return comparable(Normaliser.canonical(consumer: full, stream: stream, capabilities: capabilities)) == target
        }
        return reduce(live, identity: ["name", "durable_name"], matches: plansTheSame, what: "\(id)", notes: &notes)
    }

    /// Starts from the catalog fields of `live` (zero values and server-computed fields dropped) and drops
    /// each field whose absence still `matches`.
    private static func reduce(_ live: JSONObject, identity: Set<String>, matches: (JSONObject) -> Bool, what: String,
                               notes: inout [String]) -> JSONObject {
        let kind: ResourceKind = identity.contains("durable_name") ? .consumer : .stream
        var candidate = Normaliser.clean(live, kind: kind)
        for key in identity { candidate[key] = nil }
        candidate["metadata"] = userMetadata(candidate)
        if !matches(candidate) {
            // Cleaning lost something the comparison keeps: fall back to every field the server reported.
            candidate = JSONObject(live.members.filter { !identity.contains($0.key) && FieldCatalog.field($0.key, in: kind.fields) != nil })
            candidate["metadata"] = userMetadata(candidate)
            if !matches(candidate) {
                notes.append("\(what): could not write a config that plans without changes; check `jetform plan` on the file")
                return candidate
            }
        }
        for key in candidate.keys {
            var without = candidate
            without[key] = nil
            if matches(without) { candidate = without }
        }
        return candidate
    }

    // MARK: YAML

    /// `key: value` lines in catalog order.
    private static func render(_ config: JSONObject, fields: [FieldSpec], indent: String) -> [String] {
        var lines: [String] = []
        let order = fields.map(\.name)
        let keys = config.keys.sorted { (order.firstIndex(of: $0) ?? .max, $0) < (order.firstIndex(of: $1) ?? .max, $1) }
        for key in keys {
            guard let value = config[key] else { continue }
            let kind = FieldCatalog.field(key, in: fields)?.kind
            if case .stringMap? = kind, let map = value.objectValue {
                lines.append("\(indent)\(key):")
                for (k, v) in map { lines.append("\(indent)  \(scalar(k)): \(scalar(v.stringValue ?? v.jsonString(pretty: false)))") }
                continue
            }
            if case .string? = kind, let s = value.stringValue {
                lines.append("\(indent)\(key): \(scalar(s))")
                continue
            }
            lines.append("\(indent)\(key): \(ValueFormatter.format(value, as: kind))")
        }
        return lines
    }

    /// A YAML scalar: bare when it reads back as the same string, else double-quoted (JSON escapes).
    static func scalar(_ s: String) -> String {
        let plain = !s.isEmpty && !s.contains { " ,:[]{}\"'#&*!|>%@`\n\t\\".contains($0) }
            && !["-", "?", "$"].contains(where: { s.hasPrefix($0) })
            && !["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"].contains(s.lowercased())
            && Double(s) == nil && Int(s) == nil
        return plain ? s : JSONValue.string(s).jsonString(pretty: false)
    }
}
