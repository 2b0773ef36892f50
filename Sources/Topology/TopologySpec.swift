public import JetStreamSchema
import Foundation

/// A loaded `topology.yaml`: typed, validated, with a position for everything it holds.
public struct TopologySpec: Sendable {
    /// Metadata key jetform writes on every stream and consumer it owns; its value is `name`.
    public static let managedByMetadataKey = "jetform.managed-by"
    /// Metadata key (value `"true"`) on a resource the file protects with `prevent_destroy`: a prune or
    /// replace is refused by what the cluster says, even once the file no longer declares the resource.
    public static let preventDestroyMetadataKey = "jetform.prevent-destroy"

    /// The topology's name; marks what jetform owns.
    public var name: String
    /// Connection contexts, in file order.
    public var contexts: [ContextSpec]
    /// The context used for JetStream work.
    public var context: String
    /// The context of the system account, for cluster health.
    public var systemContext: String?
    /// Streams, in file order.
    public var streams: [StreamSpec]
    /// Key-Value buckets (`kv:`), in file order.
    public var kv: [BucketSpec] = []
    /// Object stores (`object_stores:`), in file order.
    public var objectStores: [BucketSpec] = []
    /// How the smoke test uses the streams.
    public var smoke: SmokeSpec?
    /// Where each top-level key was written (`name`, `context`, …).
    public var fieldLocations: [String: SourceLocation]
    /// Every environment the file declares, in file order.
    public var environments: [EnvironmentSpec] = []
    /// The environment this topology was loaded for (its overrides laid over the file), if any.
    public var environment: EnvironmentSpec?

    /// Whether the file declares environments but none was chosen: commands that talk to a cluster
    /// must not guess which one.
    public var needsEnvironment: Bool { environment == nil && !environments.isEmpty }

    /// The context with this name.
    public func context(named name: String) -> ContextSpec? { contexts.first { $0.name == name } }
    /// The stream with this name.
    public func stream(named name: String) -> StreamSpec? { streams.first { $0.name == name } }
    /// Key-Value buckets, then object stores.
    public var buckets: [BucketSpec] { kv + objectStores }
    /// The Key-Value bucket with this name.
    public func bucket(named name: String) -> BucketSpec? { kv.first { $0.name == name } }
    /// The object store with this name.
    public func objectStore(named name: String) -> BucketSpec? { objectStores.first { $0.name == name } }
    /// The context JetStream work uses.
    public var jetStreamContext: ContextSpec? { context(named: context) }
    /// Number of consumers over all streams.
    public var consumerCount: Int { streams.reduce(0) { $0 + $1.consumers.count } }
}

/// One entry of `environments`: which cluster it must be, and its contexts.
public struct EnvironmentSpec: Sendable, Hashable {
    public var name: String
    /// The cluster name its servers must report (INFO `cluster`); nil: not checked.
    public var cluster: String?
    /// The JetStream domain its servers must report (INFO `domain`); nil: not checked.
    public var domain: String?
    public var environmentDescription: String?
    /// Where the environment's name was written.
    public var location: SourceLocation
    /// Where each key was written (`cluster`, `domain`, …).
    public var fieldLocations: [String: SourceLocation]

    public init(name: String, cluster: String? = nil, domain: String? = nil, environmentDescription: String? = nil,
                location: SourceLocation, fieldLocations: [String: SourceLocation] = [:]) {
        self.name = name
        self.cluster = cluster
        self.domain = domain
        self.environmentDescription = environmentDescription
        self.location = location
        self.fieldLocations = fieldLocations
    }
}

/// A value that must not be printed. `description`, `debugDescription` and `dump` show `<redacted>`.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself; read it only to hand it to a connection or a 0600 file.
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// A natscli-style connection context.
public struct ContextSpec: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var name: String
    /// natscli `description` (named so it does not clash with `CustomStringConvertible`).
    public var contextDescription: String?
    /// One URL or several separated by commas.
    public var url: String
    public var user: String?
    public var password: Secret?
    public var token: Secret?
    public var creds: String?
    /// Path to an nkey seed file (treated as secret in output anyway).
    public var nkey: Secret?
    public var cert: String?
    public var key: String?
    public var ca: String?
    public var tlsFirst: Bool?
    public var jetStreamDomain: String?
    public var inboxPrefix: String?
    /// Where the context's name was written.
    public var location: SourceLocation
    /// Where each key was written.
    public var fieldLocations: [String: SourceLocation]

    /// The URLs, split at commas and trimmed.
    public var urls: [String] {
        url.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A one-line summary without secrets: passwords in URLs are replaced too.
    public var redactedDescription: String {
        var parts = ["context '\(name)'", "url \(urls.map(Self.redactURL).joined(separator: ","))"]
        if let user { parts.append("user \(user)") }
        if password != nil { parts.append("password <redacted>") }
        if token != nil { parts.append("token <redacted>") }
        if let creds { parts.append("creds \(creds)") }
        if nkey != nil { parts.append("nkey <redacted>") }
        if tlsFirst == true { parts.append("tls_first") }
        if let jetStreamDomain { parts.append("domain \(jetStreamDomain)") }
        return parts.joined(separator: ", ")
    }

    public var description: String { redactedDescription }
    public var debugDescription: String { "ContextSpec(\(redactedDescription))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "summary": redactedDescription], displayStyle: .struct)
    }

    /// `nats://user:pass@host` → `nats://user:<redacted>@host`.
    public static func redactURL(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].lastIndex(of: "@") else { return url }
        let userInfo = url[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return url[..<colon] + ":<redacted>" + url[at...]
    }
}

/// How jetform treats a resource beyond its config (`prevent_destroy`, `ignore_changes`).
public struct Lifecycle: Sendable, Hashable {
    /// Delete, prune and replace are refused for the resource, whatever the flags.
    public var preventDestroy = false
    /// Fields (paths of the resource's own config, as written: `max_bytes`, `placement.cluster`) left as
    /// the cluster has them.
    public var ignoreChanges: [String] = []
    /// Where `prevent_destroy` was written.
    public var preventDestroyLocation: SourceLocation?

    public init(preventDestroy: Bool = false, ignoreChanges: [String] = [], preventDestroyLocation: SourceLocation? = nil) {
        self.preventDestroy = preventDestroy
        self.ignoreChanges = ignoreChanges
        self.preventDestroyLocation = preventDestroyLocation
    }

    /// Whether a change at `path` (`max_bytes`, `placement.cluster`, `subjects[2]`) falls under
    /// `ignore_changes`: the path or one of its parents is listed.
    public func ignores(_ path: String) -> Bool {
        ignoreChanges.contains { path == $0 || path.hasPrefix($0 + ".") || path.hasPrefix($0 + "[") }
    }
}

/// A stream as the file declares it.
public struct StreamSpec: Sendable, Hashable {
    public var name: String
    /// The stream config with JetStream API field names and wire values (durations in nanoseconds,
    /// sizes in bytes, -1 for unlimited, enums as API strings), in file order, starting with `name`.
    /// Only fields the file wrote; the reconciler fills server defaults.
    public var config: JSONObject
    /// Consumers, in file order.
    public var consumers: [ConsumerSpec]
    /// Where the stream's name was written.
    public var location: SourceLocation
    /// Where each field was written: `max_age`, `placement.cluster`, `subjects[0]`, `sources[1].name`.
    public var fieldLocations: [String: SourceLocation]
    /// `prevent_destroy` and `ignore_changes`.
    public var lifecycle = Lifecycle()
    /// Health thresholds for `jetform check` (`check:`); not part of `config`.
    public var check: CheckSpec? = nil

    /// `subjects`, or empty when not written.
    public var subjects: [String] { config["subjects"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
    /// `retention` as written, or nil (server default: limits).
    public var retention: String? { config["retention"]?.stringValue }
    /// Whether the stream is a work queue.
    public var isWorkQueue: Bool { retention == "workqueue" }
    /// A duration or size field in nanoseconds/bytes, if written.
    public func int(_ field: String) -> Int64? { config[field]?.intValue }
    /// The consumer with this name.
    public func consumer(named name: String) -> ConsumerSpec? { consumers.first { $0.name == name } }
    /// The best position for a problem with `field`: the field if written, else the stream name.
    public func location(of field: String) -> SourceLocation { fieldLocations[field] ?? location }
}

/// A Key-Value bucket (`kv.<BUCKET>`) or object store (`object_stores.<BUCKET>`) as the file declares it:
/// bucket fields, which map onto the bucket's stream (`KV_<BUCKET>`, `OBJ_<BUCKET>`) as the official
/// clients make it (`KVFields`, `ObjectStoreFields`).
public struct BucketSpec: Sendable, Hashable {
    public var kind: BucketKind
    public var name: String
    /// The bucket fields as the file writes them, wire values (nanoseconds, bytes), in file order.
    public var config: JSONObject
    /// Where the bucket's name was written.
    public var location: SourceLocation
    /// Where each bucket field was written (`history`, `placement.cluster`).
    public var fieldLocations: [String: SourceLocation]
    /// `prevent_destroy` and `ignore_changes` (bucket field names).
    public var lifecycle: Lifecycle
    /// Health thresholds for `jetform check` (`check:`); not part of `config`.
    public var check: CheckSpec? = nil
    /// Entries of a Key-Value bucket the file owns (`keys:`), in file order; not part of `config`.
    public var keys: [KeySpec] = []
    /// What apply does with a declared key the bucket already holds (`keys_policy:`).
    public var keysPolicy: KeysPolicy = .create

    public init(kind: BucketKind, name: String, config: JSONObject, location: SourceLocation,
                fieldLocations: [String: SourceLocation], lifecycle: Lifecycle = Lifecycle()) {
        self.kind = kind
        self.name = name
        self.config = config
        self.location = location
        self.fieldLocations = fieldLocations
        self.lifecycle = lifecycle
    }

    /// `KV_<name>` or `OBJ_<name>`.
    public var streamName: String { kind.streamName(name) }
    /// `kv bucket 'CONFIG'`, `object store 'FILES'`: the owner in messages about the file.
    public var owner: String { kind == .kv ? "kv bucket '\(name)'" : "object store '\(name)'" }
    public func location(of field: String) -> SourceLocation { fieldLocations[field] ?? location }

    /// The bucket's stream, as the planner compares and creates it; the positions of its fields are those
    /// of the bucket fields they come from (`max_msgs_per_subject` is where `history` was written).
    public var streamSpec: StreamSpec {
        var locations: [String: SourceLocation] = [:]
        for (path, at) in fieldLocations { locations[kind.streamPath(bucketPath: path)] = at }
        var streamLifecycle = lifecycle
        streamLifecycle.ignoreChanges = lifecycle.ignoreChanges.flatMap(kind.streamPaths(bucketPath:))
        return StreamSpec(name: streamName, config: kind.streamConfig(bucket: name, config), consumers: [],
                          location: location, fieldLocations: locations, lifecycle: streamLifecycle, check: check)
    }
}

/// An entry of a Key-Value bucket that the file owns (`kv.<BUCKET>.keys.<key>`): apply puts it on the
/// bucket's subject `$KV.<BUCKET>.<key>` when the bucket lacks it (and, with `keys_policy: enforce`, when
/// its value differs). Keys the file does not declare are the bucket's data: never touched.
public struct KeySpec: Sendable, Hashable {
    public var key: String
    /// The value as the file gives it, after `${VAR}` expansion; read it only to send or compare it.
    public var value: Secret
    /// Never printed: the file marks it `secret: true`, or a variable supplied it.
    public var sensitive: Bool
    /// Where the key was written.
    public var location: SourceLocation

    public init(key: String, value: String, sensitive: Bool, location: SourceLocation) {
        self.key = key
        self.value = Secret(value)
        self.sensitive = sensitive
        self.location = location
    }
}

/// What apply does with a declared key the bucket already holds.
public enum KeysPolicy: String, Sendable, Hashable, Codable {
    /// Put keys the bucket lacks (or whose last value was deleted); a value set by someone else stays.
    case create
    /// Also put back the file's value where the bucket's differs.
    case enforce
}

/// A durable consumer as the file declares it.
public struct ConsumerSpec: Sendable, Hashable {
    public var name: String
    /// The stream it belongs to.
    public var stream: String
    /// Consumer config with API field names and wire values, starting with `durable_name` (the name).
    public var config: JSONObject
    public var location: SourceLocation
    /// Where each field was written, as for `StreamSpec.fieldLocations`.
    public var fieldLocations: [String: SourceLocation]
    /// `prevent_destroy` and `ignore_changes`.
    public var lifecycle = Lifecycle()
    /// Health thresholds for `jetform check` (`check:`); not part of `config`.
    public var check: CheckSpec? = nil

    /// `filter_subject` and `filter_subjects` together; empty means unfiltered.
    public var filters: [String] {
        var out: [String] = []
        if let f = config["filter_subject"]?.stringValue { out.append(f) }
        out += config["filter_subjects"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return out
    }
    /// Whether it is a push consumer (has `deliver_subject`).
    public var isPush: Bool { config["deliver_subject"] != nil }
    public func int(_ field: String) -> Int64? { config[field]?.intValue }
    public func location(of field: String) -> SourceLocation { fieldLocations[field] ?? location }
}

/// The `smoke` section.
public struct SmokeSpec: Sendable, Hashable {
    /// A stream and one of its consumers.
    public struct Endpoint: Sendable, Hashable {
        public var stream: String
        public var consumer: String
    }

    /// Durable request/response over JetStream.
    public struct Durable: Sendable, Hashable {
        public var requests: Endpoint
        public var responses: Endpoint
        public var inFlight: Int?
        public var producers: Int?
        public var workers: Int?
        public var count: Int?
    }

    public struct PubSub: Sendable, Hashable {
        public var subject: String
        public var subscribers: Int?
        public var count: Int?
    }

    public struct Queue: Sendable, Hashable {
        public var subject: String
        public var group: String?
        public var members: Int?
        public var count: Int?
    }

    public struct Request: Sendable, Hashable {
        public var subject: String
        public var responders: Int?
        public var count: Int?
    }

    /// Key-Value puts, reads and a watcher on a bucket the file declares.
    public struct KV: Sendable, Hashable {
        /// A bucket under `kv:`.
        public var bucket: String
        /// Puts to make.
        public var count: Int?
        /// Distinct keys the puts rotate over.
        public var keys: Int?

        public init(bucket: String, count: Int? = nil, keys: Int? = nil) {
            self.bucket = bucket
            self.count = count
            self.keys = keys
        }
    }

    /// Context to connect with; nil means the topology's `context`.
    public var context: String?
    public var durable: Durable?
    public var pubsub: PubSub?
    public var queue: Queue?
    public var request: Request?
    public var kv: KV?
    public var location: SourceLocation
    public var fieldLocations: [String: SourceLocation]

    /// The subject producers publish requests to: the first subject of the requests stream.
    public func requestSubject(in topology: TopologySpec) -> String? {
        guard let durable else { return nil }
        return topology.stream(named: durable.requests.stream)?.subjects.first
    }

    /// The responses subject up to the wildcard token where the request id goes:
    /// `users.responses.*` → `users.responses.` (append the id).
    public func responseSubjectPrefix(in topology: TopologySpec) -> String? {
        guard let durable, let subjects = topology.stream(named: durable.responses.stream)?.subjects,
              let subject = subjects.first(where: Subjects.hasWildcard) else { return nil }
        let tokens = subject.split(separator: ".")
        guard let i = tokens.firstIndex(where: { $0 == "*" || $0 == ">" }) else { return nil }
        return tokens[..<i].map { $0 + "." }.joined()
    }
}

/// What `TopologyLoader` returns: the topology and the warnings found (errors are thrown).
public struct LoadedTopology: Sendable {
    public var topology: TopologySpec
    public var warnings: [Diagnostic]
}
