public import JetStreamSchema
public import Topology

/// A stream, a consumer of a stream, or a key of a Key-Value bucket's stream.
public enum ResourceID: Sendable, Hashable, Comparable, CustomStringConvertible {
    case stream(String)
    case consumer(stream: String, name: String)
    /// A key the file declares under a bucket (`stream` is the bucket's, `KV_<bucket>`).
    case key(stream: String, key: String)

    public var kind: ResourceKind {
        switch self {
        case .stream: .stream
        case .consumer: .consumer
        case .key: .key
        }
    }

    /// The stream, the consumer's stream, or the bucket's stream.
    public var streamName: String {
        switch self {
        case .stream(let s), .consumer(let s, _), .key(let s, _): return s
        }
    }

    /// `ORDERS`, `ORDERS.workers`, or `CONFIG/app.timeout` (bucket and key).
    public var name: String {
        switch self {
        case .stream(let s): return s
        case .consumer(let s, let c): return "\(s).\(c)"
        case .key(let s, let k): return "\(KVFields.bucket(ofStream: s) ?? s)/\(k)"
        }
    }

    /// `stream ORDERS`, `consumer ORDERS.workers`, `kv CONFIG key app.timeout`.
    public var description: String {
        switch self {
        case .stream, .consumer: return "\(kind.rawValue) \(name)"
        case .key(let s, let k): return "kv \(KVFields.bucket(ofStream: s) ?? s) key \(k)"
        }
    }

    /// `$KV.<bucket>.<key>`, the subject a key's values are put on; nil for streams, consumers and a
    /// stream that is no bucket's.
    public var keySubject: String? {
        guard case .key(let stream, let key) = self, let bucket = KVFields.bucket(ofStream: stream) else { return nil }
        return KVFields.subject(bucket: bucket, key: key)
    }

    /// A stream first, then its consumers, then its keys.
    public static func < (lhs: ResourceID, rhs: ResourceID) -> Bool {
        func rank(_ id: ResourceID) -> (String, Int, String) {
            switch id {
            case .stream(let s): (s, 0, "")
            case .consumer(let s, let c): (s, 1, c)
            case .key(let s, let k): (s, 2, k)
            }
        }
        return rank(lhs) < rank(rhs)
    }
}

/// Executor phases. Steps of one phase do not depend on each other and may run in parallel (bounded);
/// a phase starts when the previous one has finished.
public enum PlanPhase: Int, Sendable, Hashable, Comparable, CaseIterable, Codable {
    /// Consumer deletes: pruned consumers and the first half of consumer replaces.
    case deleteConsumers = 1
    /// Stream deletes: pruned streams and the first half of stream replaces.
    case deleteStreams = 2
    /// Stream creates (including the second half of replaces) and updates.
    case applyStreams = 3
    /// The second update of a stream whose placement and replicas both change (the server refuses both at once).
    case finishStreams = 4
    /// Pauses and resumes (`pause_until`), which a consumer update leaves as they were. Before the
    /// updates: the server makes a pause from the consumer's last applied config, so a pause sent while
    /// an update is still in flight undoes the update (jetstream_api.go `jsConsumerPauseRequest` clones
    /// the applied assignment; an update reads the in-flight one and keeps its pause). Seen on a loaded
    /// 2.14.6: a description update lost to the pause that followed it.
    case pauseConsumers = 6
    /// Consumer creates and updates, after their streams exist in their final shape.
    case applyConsumers = 5
    /// Stream updates that lower `consumer_limits`, once the stream's consumers are within the new limits
    /// (the server refuses limits that existing consumers exceed: 10051 / 10069).
    case lowerLimits = 7
    /// Puts of the Key-Value keys the file declares, once their buckets exist in their final shape.
    case putKeys = 8

    /// In the order of the cases above (the raw values are those saved plans have always used).
    public static func < (lhs: PlanPhase, rhs: PlanPhase) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One JetStream API call the executor makes.
public struct PlanStep: Sendable, Hashable {
    /// The API call.
    public enum Operation: String, Sendable, Hashable, Codable {
        /// `$JS.API.STREAM.CREATE.<stream>` with `config`.
        case createStream = "create_stream"
        /// `$JS.API.STREAM.UPDATE.<stream>` with `config`.
        case updateStream = "update_stream"
        /// `$JS.API.STREAM.DELETE.<stream>`.
        case deleteStream = "delete_stream"
        /// `$JS.API.CONSUMER.CREATE.<stream>.<consumer>` with `config`, action `create`.
        case createConsumer = "create_consumer"
        /// `$JS.API.CONSUMER.CREATE.<stream>.<consumer>` with `config`, action `update`.
        case updateConsumer = "update_consumer"
        /// `$JS.API.CONSUMER.DELETE.<stream>.<consumer>`.
        case deleteConsumer = "delete_consumer"
        /// `$JS.API.CONSUMER.PAUSE.<stream>.<consumer>` with `config` `{"pause_until": …}`, or `{}` to resume (2.11+).
        case pauseConsumer = "pause_consumer"
        /// A publish of the key's value to `config.subject` (`$KV.<bucket>.<key>`), expecting the key's
        /// last revision to be `config.expected_revision` (0: no value yet), as the clients' `Update`/`Create`.
        case putKey = "put_key"
    }

    public var phase: PlanPhase
    public var operation: Operation
    public var resource: ResourceID
    /// The config to send (API field names, wire values, server defaults filled, ownership marker set);
    /// nil for deletes.
    public var config: JSONObject?
    /// A sensitive key's value for `putKey`: held in memory only, never encoded (its config has the
    /// digest). A saved plan gets it back from the topology at apply (`SavedPlan.restoringValues`).
    public var payload: Secret?

    public init(phase: PlanPhase, operation: Operation, resource: ResourceID, config: JSONObject? = nil, payload: Secret? = nil) {
        self.phase = phase
        self.operation = operation
        self.resource = resource
        self.config = config
        self.payload = payload
    }
}

/// Why an action may not run without an extra permission. The plan still shows it; the executor refuses.
public enum BlockReason: Sendable, Hashable {
    /// A replace (delete and recreate) needs `allowReplace` (`--allow-replace`).
    case needsAllowReplace
    /// Deleting a stream that holds messages needs `allowDataLoss` (`--allow-data-loss`).
    case needsAllowDataLoss(StreamHoldings)
    /// The resource (`stream S`, `kv CONFIG`, `consumer S.c`) has `prevent_destroy`: in the file
    /// (`inFile`), or only as the marker on the cluster. No flag lifts it.
    case preventDestroy(String, inFile: Bool)

    /// One line for people.
    public var message: String {
        switch self {
        case .needsAllowReplace: return "replacing needs --allow-replace"
        case .needsAllowDataLoss(let holds):
            return "would delete \(ValueFormatter.holdings(holds)); needs --allow-data-loss"
        case .preventDestroy(let what, let inFile):
            return inFile
                ? "\(what) has prevent_destroy: no flag allows deleting or replacing it; remove prevent_destroy from the file and apply first"
                : "\(what) is marked \(TopologySpec.preventDestroyMetadataKey) on the cluster: declare it again without prevent_destroy and apply, then prune"
        }
    }

    /// Whether this is a `prevent_destroy` block.
    public var isPreventDestroy: Bool { if case .preventDestroy = self { true } else { false } }
}

/// One change to one resource, as people read it; `steps` are the API calls that make it.
public struct PlanAction: Sendable, Hashable {
    /// What happens to the resource.
    public enum Kind: String, Sendable, Hashable, Codable {
        case create, update, replace, delete
    }

    /// Why an action exists besides a difference in its own config.
    public enum Cause: Sendable, Hashable {
        /// A consumer created again because its stream is replaced.
        case streamReplaced(String)
        /// A resource deleted because it carries this topology's marker and is no longer in the file.
        case pruned
    }

    public var kind: Kind
    public var resource: ResourceID
    /// The bucket the stream is (or the key is of), when it is one: the plan speaks of `kv NAME` and its fields.
    public var bucket: BucketRef?
    /// A key whose value is never shown (the file marks it secret, or a variable supplies it): its
    /// changes have no old or new value.
    public var sensitive: Bool
    /// The config as the server will store it after create, update or replace (defaults filled, marker
    /// set): what the plan compares and shows; the steps send what the file declares. Nil for delete.
    public var config: JSONObject?
    /// The fields as the file writes them (plus the marker), shown for creates.
    public var declared: JSONObject?
    /// Field differences for update and replace.
    public var changes: [FieldChange]
    /// For replace: why the server refuses the change in place, one line per field.
    public var replaceReasons: [String]
    /// For stream delete and replace: what the stream holds now.
    public var holds: StreamHoldings?
    /// For stream delete and replace: consumers on the stream that go with it.
    public var droppedConsumers: [String]
    public var cause: Cause?
    /// Empty when the action may run.
    public var blocked: [BlockReason]
    /// The API calls, each with its phase.
    public var steps: [PlanStep]
    /// Where the file declares the resource (nil for pruned resources).
    public var location: SourceLocation?

    public init(kind: Kind, resource: ResourceID, bucket: BucketRef? = nil, sensitive: Bool = false, config: JSONObject? = nil, declared: JSONObject? = nil,
                changes: [FieldChange] = [], replaceReasons: [String] = [], holds: StreamHoldings? = nil,
                droppedConsumers: [String] = [], cause: Cause? = nil, blocked: [BlockReason] = [],
                steps: [PlanStep] = [], location: SourceLocation? = nil) {
        self.kind = kind
        self.resource = resource
        self.bucket = bucket
        self.sensitive = sensitive
        self.config = config
        self.declared = declared
        self.changes = changes
        self.replaceReasons = replaceReasons
        self.holds = holds
        self.droppedConsumers = droppedConsumers
        self.cause = cause
        self.blocked = blocked
        self.steps = steps
        self.location = location
    }

    /// Whether the executor must refuse it.
    public var isBlocked: Bool { !blocked.isEmpty }

    /// `kv CONFIG` or `object store FILES` for a bucket's stream, else the resource (`stream ORDERS`,
    /// `consumer ORDERS.workers`, `kv CONFIG key app.timeout`).
    public var subject: String {
        if case .key = resource { return resource.description }
        return bucket?.description ?? resource.description
    }
}

/// A Key-Value bucket or object store: what a plan action on its stream is about.
public struct BucketRef: Sendable, Hashable, Codable, CustomStringConvertible {
    public var kind: BucketKind
    public var name: String

    public init(kind: BucketKind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// `kv CONFIG`, `object store FILES`.
    public var description: String { "\(kind.label) \(name)" }
}

/// A resource in the cluster that the file does not declare and the plan leaves alone.
public struct UnmanagedResource: Sendable, Hashable {
    public var resource: ResourceID
    /// The ownership marker it carries, if any.
    public var managedBy: String?
    /// True when it carries this topology's marker: `prune` would delete it.
    public var prunable: Bool

    public init(resource: ResourceID, managedBy: String?, prunable: Bool) {
        self.resource = resource
        self.managedBy = managedBy
        self.prunable = prunable
    }
}

/// How many unmanaged streams and consumers one owner (marker value, or none) has: the plan's summary of
/// what it leaves alone in a shared account.
public struct UnmanagedOwner: Sendable, Hashable, Encodable {
    /// The owner's topology name; nil for resources without a marker.
    public var managedBy: String?
    public var streams: Int
    public var consumers: Int

    enum CodingKeys: String, CodingKey { case managedBy = "managed_by", streams, consumers }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(managedBy, forKey: .managedBy)
        try c.encode(streams, forKey: .streams)
        try c.encode(consumers, forKey: .consumers)
    }

    /// Owners of `resources`, the largest first (then by name, no marker last).
    public static func summary(_ resources: [UnmanagedResource]) -> [UnmanagedOwner] {
        Dictionary(grouping: resources, by: \.managedBy).map { owner, items in
            let streams = items.filter { $0.resource.kind == .stream }.count
            return UnmanagedOwner(managedBy: owner, streams: streams, consumers: items.count - streams)
        }.sorted {
            let (a, b) = ($0.streams + $0.consumers, $1.streams + $1.consumers)
            return a != b ? a > b : ($0.managedBy ?? "\u{10FFFF}") < ($1.managedBy ?? "\u{10FFFF}")
        }
    }
}

/// A problem found while planning, with where it is and how to fix it. Errors make the plan unusable.
public struct PlanIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    public var severity: Severity
    public var message: String
    public var fix: String
    /// The position in the file, when the problem is in the file.
    public var location: SourceLocation?

    public init(_ severity: Severity, _ message: String, fix: String = "", at location: SourceLocation? = nil) {
        self.severity = severity
        self.message = message
        self.fix = fix
        self.location = location
    }

    /// `FILE:LINE:COL: error: message — fix` (the position left out when there is none).
    public var description: String {
        let head = (location.map { "\($0): " } ?? "") + "\(severity.rawValue): \(message)"
        return fix.isEmpty ? head : "\(head) — \(fix)"
    }

    /// `FILE:LINE:COL: message — fix`, without the severity.
    public var summary: String {
        let head = (location.map { "\($0): " } ?? "") + message
        return fix.isEmpty ? head : "\(head) — \(fix)"
    }
}

/// What the planner was allowed to do.
public struct PlanOptions: Sendable, Hashable, Codable {
    /// Delete streams and consumers that carry this topology's marker but are no longer in the file.
    public var prune: Bool
    /// Allow replacing (deleting and recreating) resources whose change the server refuses in place.
    public var allowReplace: Bool
    /// Allow deleting streams that hold messages.
    public var allowDataLoss: Bool

    public init(prune: Bool = false, allowReplace: Bool = false, allowDataLoss: Bool = false) {
        self.prune = prune
        self.allowReplace = allowReplace
        self.allowDataLoss = allowDataLoss
    }

    enum CodingKeys: String, CodingKey {
        case prune, allowReplace = "allow_replace", allowDataLoss = "allow_data_loss"
    }
}

/// Action counts, as in "Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy."
public struct PlanSummary: Sendable, Hashable, Codable {
    public var add: Int
    public var change: Int
    public var replace: Int
    public var destroy: Int

    public init(add: Int = 0, change: Int = 0, replace: Int = 0, destroy: Int = 0) {
        self.add = add
        self.change = change
        self.replace = replace
        self.destroy = destroy
    }

    public var total: Int { add + change + replace + destroy }
}

/// The executor's work for one phase.
public struct PhaseSteps: Sendable, Hashable {
    public var phase: PlanPhase
    public var steps: [PlanStep]
}

/// What it takes to bring the cluster to the file, and what was found on the way.
public struct Plan: Sendable, Hashable {
    /// The topology's name (the ownership marker value).
    public var topology: String
    /// The server the plan was made for.
    public var capabilities: ServerCapabilities
    public var options: PlanOptions
    /// Actions in reading order: streams in file order, each followed by its consumers, then deletions.
    public var actions: [PlanAction]
    /// Resources in the cluster the file does not declare.
    public var unmanaged: [UnmanagedResource]
    public var warnings: [PlanIssue]
    /// Problems that make the plan unusable (a field the server is too old for, too many replicas, …).
    public var errors: [PlanIssue]
    /// Fingerprint of what the plan touches in the cluster (`PlanFingerprint`); a saved plan is stale
    /// when the cluster's fingerprint no longer matches.
    public var fingerprint: String

    public init(topology: String, capabilities: ServerCapabilities, options: PlanOptions, actions: [PlanAction],
                unmanaged: [UnmanagedResource], warnings: [PlanIssue], errors: [PlanIssue], fingerprint: String) {
        self.topology = topology
        self.capabilities = capabilities
        self.options = options
        self.actions = actions
        self.unmanaged = unmanaged
        self.warnings = warnings
        self.errors = errors
        self.fingerprint = fingerprint
    }

    /// Counts per kind of action.
    public var summary: PlanSummary {
        var s = PlanSummary()
        for action in actions {
            switch action.kind {
            case .create: s.add += 1
            case .update: s.change += 1
            case .replace: s.replace += 1
            case .delete: s.destroy += 1
            }
        }
        return s
    }

    /// Whether applying would change nothing.
    public var isEmpty: Bool { actions.isEmpty }
    /// Whether the plan has errors (it must not be applied).
    public var hasErrors: Bool { !errors.isEmpty }
    /// Actions the executor must refuse with the options given.
    public var blockedActions: [PlanAction] { actions.filter(\.isBlocked) }
    /// Whether the whole plan may be applied: no errors and nothing blocked.
    public var isApplicable: Bool { errors.isEmpty && blockedActions.isEmpty }
    /// Every resource the plan changes, for the fingerprint.
    public var touchedResources: [ResourceID] { actions.map(\.resource) }

    /// The API calls grouped by phase, in order; empty phases left out. Within a phase, steps are in
    /// reading order and independent of each other.
    public var phases: [PhaseSteps] {
        let steps = actions.flatMap(\.steps)
        return PlanPhase.allCases.compactMap { phase in
            let inPhase = steps.filter { $0.phase == phase }
            return inPhase.isEmpty ? nil : PhaseSteps(phase: phase, steps: inPhase)
        }
    }

    /// Changes every `put_key` step in place (a saved plan's sensitive values: their digests, their values).
    mutating func updateKeyPuts(_ body: (inout PlanStep) -> Void) {
        for a in actions.indices {
            for s in actions[a].steps.indices where actions[a].steps[s].operation == .putKey { body(&actions[a].steps[s]) }
        }
    }

    /// Whether the cluster changed, since the plan was made, in a resource the plan touches.
    public func isStale(comparedTo observed: ObservedState) -> Bool {
        PlanFingerprint.compute(resources: touchedResources, observed: observed, capabilities: capabilities) != fingerprint
    }
}
