import JetStreamSchema
import Foundation
import Topology

/// The plan as stable JSON, for `jetform plan -out FILE` / `--json` and for `jetform apply FILE`.
///
/// Format (version 1), keys sorted, every key always present unless marked optional:
///
///     {
///       "format_version": 1,
///       "topology": "users",
///       "server": {"version": "2.15.1", "api_level": 5, "cluster_size": 3},     // api_level optional
///       "options": {"prune": false, "allow_replace": false, "allow_data_loss": false},
///       "fingerprint": "sha256:…",        // PlanFingerprint of the touched resources when planned
///       "applicable": true,               // no errors and nothing blocked (derived, ignored on read)
///       "summary": {"add": 1, "change": 0, "replace": 0, "destroy": 0},         // derived, ignored on read
///       "actions": [{
///         "type": "create" | "update" | "replace" | "delete",
///         "resource": "stream" | "consumer" | "key",
///         "name": "workers", "stream": "REQUESTS",       // stream = the consumer's stream (or the stream itself);
///                                                        // for a key: its name, and the bucket's stream KV_<bucket>
///         "sensitive": true,              // optional, keys only: the value is never written (changes old/new null)
///         "bucket": {"kind": "kv" | "object_store", "name": "CONFIG"},   // only for a bucket's stream (KV_CONFIG)
///         "config": {…} | null,           // what to send; null for delete
///         "declared": [{"field": "subjects", "value": […]}] | null,   // as the file writes it, in file order (creates)
///         "changes": [{"path": "max_age", "old": 5000000000, "new": null, "forces_replacement": false,
///                      "replace_reason": "…" (optional), "location": {"file","line","column"} (optional)}],
///         "replace_reasons": ["storage cannot change in place"],
///         "holds": {"messages": 1204, "bytes": 3250000} | null,
///         "dropped_consumers": ["x"],
///         "cause": null | {"type": "stream_replaced", "stream": "ORDERS"} | {"type": "pruned"},
///         "blocked": [{"reason": "needs_allow_replace" | "needs_allow_data_loss", "message": "…",
///                      "holds": {…} (data loss only)}],
///         "steps": [{"phase": 1…8, "operation": "create_stream" | "update_stream" | "delete_stream" |
///                    "create_consumer" | "update_consumer" | "delete_consumer" | "pause_consumer" | "put_key",
///                    "config": {…} | null}],
///                    // put_key: {"subject", "expected_revision", "value"} or, for a sensitive value,
///                    // {"subject", "expected_revision", "sensitive": true} (a saved plan adds "value_salt" and
///                    // "value_digest"; the value is taken from the topology at apply)
///         "location": {"file", "line", "column"} | null
///       }],
///       "unmanaged": [{"resource": "stream", "name": "FOREIGN", "stream": "FOREIGN", "managed_by": null, "prunable": false}],
///       "unmanaged_by_owner": [{"managed_by": null, "streams": 1, "consumers": 0}],   // what is left alone, by owner
///       "warnings": [{"message": "…", "fix": "…", "location": {…} | null}],
///       "errors": [ same as warnings ]
///     }
///
/// Durations are nanoseconds and sizes bytes, as on the wire. Readers must ignore unknown keys; a change
/// that breaks readers bumps `format_version`.
public enum PlanJSON {
    /// The version this code writes and reads.
    public static let formatVersion = 1

    /// The plan as pretty-printed JSON with sorted keys.
    public static func encode(_ plan: Plan) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding these value types cannot fail: every member is a string, number, bool, array or object.
        guard let data = try? encoder.encode(plan), let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text + "\n"
    }

    /// Reads a plan written by `encode`.
    public static func decode(_ text: String) throws -> Plan {
        try JSONDecoder().decode(Plan.self, from: Data(text.utf8))
    }

    /// Reading a saved plan failed.
    public struct FormatError: Error, CustomStringConvertible {
        public var description: String
    }
}

private struct LocationJSON: Codable {
    var file: String
    var line: Int
    var column: Int

    init(_ l: SourceLocation) {
        file = l.file
        line = l.line
        column = l.column
    }

    var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }
}

extension Plan: Codable {
    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version", topology, server, options, fingerprint, applicable, summary, actions,
             unmanaged, unmanagedByOwner = "unmanaged_by_owner", warnings, errors
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .formatVersion)
        guard version == PlanJSON.formatVersion else {
            throw PlanJSON.FormatError(description: "plan format_version \(version) is not supported (expected \(PlanJSON.formatVersion))")
        }
        self.init(topology: try c.decode(String.self, forKey: .topology),
                  capabilities: try c.decode(ServerCapabilities.self, forKey: .server),
                  options: try c.decode(PlanOptions.self, forKey: .options),
                  actions: try c.decode([PlanAction].self, forKey: .actions),
                  unmanaged: try c.decode([UnmanagedResource].self, forKey: .unmanaged),
                  warnings: try c.decode([PlanIssue].self, forKey: .warnings),
                  errors: try c.decode([PlanIssue].self, forKey: .errors),
                  fingerprint: try c.decode(String.self, forKey: .fingerprint))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(PlanJSON.formatVersion, forKey: .formatVersion)
        try c.encode(topology, forKey: .topology)
        try c.encode(capabilities, forKey: .server)
        try c.encode(options, forKey: .options)
        try c.encode(fingerprint, forKey: .fingerprint)
        try c.encode(isApplicable, forKey: .applicable)
        try c.encode(summary, forKey: .summary)
        try c.encode(actions, forKey: .actions)
        try c.encode(unmanaged, forKey: .unmanaged)
        try c.encode(UnmanagedOwner.summary(unmanaged.filter { !$0.prunable }), forKey: .unmanagedByOwner)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(errors, forKey: .errors)
    }
}

/// `resource` / `name` / `stream` keys shared by actions and unmanaged entries.
private enum ResourceKeys: String, CodingKey {
    case resource, name, stream
}

private func decodeResource(_ decoder: any Decoder) throws -> ResourceID {
    let c = try decoder.container(keyedBy: ResourceKeys.self)
    let kind = try c.decode(ResourceKind.self, forKey: .resource)
    let name = try c.decode(String.self, forKey: .name)
    switch kind {
    case .stream: return .stream(name)
    case .consumer: return .consumer(stream: try c.decode(String.self, forKey: .stream), name: name)
    case .key: return .key(stream: try c.decode(String.self, forKey: .stream), key: name)
    }
}

private func encodeResource(_ id: ResourceID, _ encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: ResourceKeys.self)
    try c.encode(id.kind, forKey: .resource)
    switch id {
    case .stream(let s):
        try c.encode(s, forKey: .name)
        try c.encode(s, forKey: .stream)
    case .consumer(let s, let name), .key(let s, let name):
        try c.encode(name, forKey: .name)
        try c.encode(s, forKey: .stream)
    }
}

/// One member of `declared`.
private struct DeclaredField: Codable {
    var field: String
    var value: JSONValue
}

extension PlanAction: Codable {
    enum CodingKeys: String, CodingKey {
        case type, bucket, sensitive, config, declared, changes, replaceReasons = "replace_reasons", holds,
             droppedConsumers = "dropped_consumers", cause, blocked, steps, location
    }

    private enum CauseKeys: String, CodingKey { case type, stream }
    private enum BlockKeys: String, CodingKey { case reason, message, holds, resource, inFile = "in_file" }
    private enum StepKeys: String, CodingKey { case phase, operation, config }

    public init(from decoder: any Decoder) throws {
        let resource = try decodeResource(decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        var cause: Cause?
        if try !c.decodeNil(forKey: .cause) {
            let cc = try c.nestedContainer(keyedBy: CauseKeys.self, forKey: .cause)
            switch try cc.decode(String.self, forKey: .type) {
            case "stream_replaced": cause = .streamReplaced(try cc.decode(String.self, forKey: .stream))
            case "pruned": cause = .pruned
            case let other: throw PlanJSON.FormatError(description: "unknown cause '\(other)'")
            }
        }
        var blocked: [BlockReason] = []
        var blockList = try c.nestedUnkeyedContainer(forKey: .blocked)
        while !blockList.isAtEnd {
            let b = try blockList.nestedContainer(keyedBy: BlockKeys.self)
            switch try b.decode(String.self, forKey: .reason) {
            case "needs_allow_replace": blocked.append(.needsAllowReplace)
            case "needs_allow_data_loss": blocked.append(.needsAllowDataLoss(try b.decode(StreamHoldings.self, forKey: .holds)))
            case "prevent_destroy":
                blocked.append(.preventDestroy(try b.decode(String.self, forKey: .resource), inFile: try b.decode(Bool.self, forKey: .inFile)))
            case let other: throw PlanJSON.FormatError(description: "unknown block reason '\(other)'")
            }
        }
        var steps: [PlanStep] = []
        var stepList = try c.nestedUnkeyedContainer(forKey: .steps)
        while !stepList.isAtEnd {
            let s = try stepList.nestedContainer(keyedBy: StepKeys.self)
            steps.append(PlanStep(phase: try s.decode(PlanPhase.self, forKey: .phase),
                                  operation: try s.decode(PlanStep.Operation.self, forKey: .operation),
                                  resource: resource, config: try s.decodeIfPresent(JSONObject.self, forKey: .config)))
        }
        self.init(kind: try c.decode(Kind.self, forKey: .type), resource: resource,
                  bucket: try c.decodeIfPresent(BucketRef.self, forKey: .bucket),
                  sensitive: try c.decodeIfPresent(Bool.self, forKey: .sensitive) ?? false,
                  config: try c.decodeIfPresent(JSONObject.self, forKey: .config),
                  declared: try c.decodeIfPresent([DeclaredField].self, forKey: .declared).map {
                      JSONObject($0.map { ($0.field, $0.value) })
                  },
                  changes: try c.decode([FieldChange].self, forKey: .changes),
                  replaceReasons: try c.decode([String].self, forKey: .replaceReasons),
                  holds: try c.decodeIfPresent(StreamHoldings.self, forKey: .holds),
                  droppedConsumers: try c.decode([String].self, forKey: .droppedConsumers),
                  cause: cause, blocked: blocked, steps: steps,
                  location: try c.decodeIfPresent(LocationJSON.self, forKey: .location)?.location)
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeResource(resource, encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .type)
        if let bucket { try c.encode(bucket, forKey: .bucket) }
        if sensitive { try c.encode(true, forKey: .sensitive) }
        try c.encode(config.map(JSONValue.object) ?? .null, forKey: .config)
        // A list, so the file's order survives decoders that do not keep key order.
        try c.encode(declared.map { $0.members.map { DeclaredField(field: $0.key, value: $0.value) } }, forKey: .declared)
        try c.encode(changes, forKey: .changes)
        try c.encode(replaceReasons, forKey: .replaceReasons)
        if let holds { try c.encode(holds, forKey: .holds) } else { try c.encodeNil(forKey: .holds) }
        try c.encode(droppedConsumers, forKey: .droppedConsumers)
        switch cause {
        case nil: try c.encodeNil(forKey: .cause)
        case .streamReplaced(let stream)?:
            var cc = c.nestedContainer(keyedBy: CauseKeys.self, forKey: .cause)
            try cc.encode("stream_replaced", forKey: .type)
            try cc.encode(stream, forKey: .stream)
        case .pruned?:
            var cc = c.nestedContainer(keyedBy: CauseKeys.self, forKey: .cause)
            try cc.encode("pruned", forKey: .type)
        }
        var blockList = c.nestedUnkeyedContainer(forKey: .blocked)
        for reason in blocked {
            var b = blockList.nestedContainer(keyedBy: BlockKeys.self)
            switch reason {
            case .needsAllowReplace:
                try b.encode("needs_allow_replace", forKey: .reason)
            case .needsAllowDataLoss(let holds):
                try b.encode("needs_allow_data_loss", forKey: .reason)
                try b.encode(holds, forKey: .holds)
            case .preventDestroy(let what, let inFile):
                try b.encode("prevent_destroy", forKey: .reason)
                try b.encode(what, forKey: .resource)
                try b.encode(inFile, forKey: .inFile)
            }
            try b.encode(reason.message, forKey: .message)
        }
        var stepList = c.nestedUnkeyedContainer(forKey: .steps)
        for step in steps {
            var s = stepList.nestedContainer(keyedBy: StepKeys.self)
            try s.encode(step.phase, forKey: .phase)
            try s.encode(step.operation, forKey: .operation)
            try s.encode(step.config.map(JSONValue.object) ?? .null, forKey: .config)
        }
        try c.encode(location.map(LocationJSON.init), forKey: .location)
    }
}

extension UnmanagedResource: Codable {
    enum CodingKeys: String, CodingKey {
        case managedBy = "managed_by", prunable
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(resource: try decodeResource(decoder), managedBy: try c.decodeIfPresent(String.self, forKey: .managedBy),
                  prunable: try c.decode(Bool.self, forKey: .prunable))
    }

    public func encode(to encoder: any Encoder) throws {
        try encodeResource(resource, encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(managedBy, forKey: .managedBy)
        try c.encode(prunable, forKey: .prunable)
    }
}

extension PlanIssue: Codable {
    enum CodingKeys: String, CodingKey {
        case severity, message, fix, location
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try c.decode(Severity.self, forKey: .severity), try c.decode(String.self, forKey: .message),
                  fix: try c.decode(String.self, forKey: .fix),
                  at: try c.decodeIfPresent(LocationJSON.self, forKey: .location)?.location)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(severity, forKey: .severity)
        try c.encode(message, forKey: .message)
        try c.encode(fix, forKey: .fix)
        try c.encode(location.map(LocationJSON.init), forKey: .location)
    }
}
