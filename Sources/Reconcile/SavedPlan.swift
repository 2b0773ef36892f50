import JetStreamSchema
import Foundation
public import Topology

/// A plan written by `jetform plan -out FILE`, applied exactly by `jetform apply FILE`.
///
/// The file is the plan's JSON (`PlanJSON`, so every reader of plan JSON reads it) plus a `saved` key:
///
///     "saved": {
///       "topology_file": "topology.yaml",      // where the plan came from (relative to where plan ran);
///                                               // "topology_files": [...] when it was split across files
///       "context": "user",                      // the context it connected with (a name, never credentials)
///       "environment": "prod",                  // the environment it was made for, if the file has any
///       "cluster": "prod-east",                 // the cluster name the server reported; apply refuses another
///       "resources": {"stream ORDERS": "sha256:…" | "absent", …}   // per touched resource, for the stale check
///     }
///
/// It holds no secrets: configs, names and digests only (contexts are named, never copied).
public struct SavedPlan: Sendable {
    public var plan: Plan
    /// The topology's files (or directory), as given to `plan`.
    public var topologyFiles: [String]
    public var context: String?
    /// The environment the plan was made for.
    public var environment: String?
    /// The cluster name the server reported when the plan was made.
    public var cluster: String?
    /// `PlanFingerprint.digests` of the touched resources when the plan was made.
    public var resources: [ResourceID: String]

    /// The topology's files joined for messages.
    public var topologyFile: String? { topologyFiles.isEmpty ? nil : topologyFiles.joined(separator: ",") }

    public init(plan: Plan, topologyFiles: [String], context: String?, environment: String? = nil, cluster: String? = nil,
                observed: ObservedState) {
        self.plan = Self.sealingValues(plan)
        self.topologyFiles = topologyFiles
        self.context = context
        self.environment = environment
        self.cluster = cluster
        self.resources = PlanFingerprint.digests(resources: plan.touchedResources, observed: observed, capabilities: plan.capabilities)
    }

    init(plan: Plan, topologyFiles: [String], context: String?, environment: String?, cluster: String?, resources: [ResourceID: String]) {
        self.plan = plan
        self.topologyFiles = topologyFiles
        self.context = context
        self.environment = environment
        self.cluster = cluster
        self.resources = resources
    }

    /// Whether `text` is a saved plan (JSON with `format_version` and `actions`) rather than a topology file.
    public static func looksLikePlan(_ text: String) -> Bool {
        guard text.drop(while: \.isWhitespace).first == "{",
              let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)),
              let object = value.objectValue else { return false }
        return object["format_version"] != nil && object["actions"] != nil
    }

    /// The file's text.
    public func encode() -> String {
        guard var root = (try? JSONDecoder().decode(JSONValue.self, from: Data(PlanJSON.encode(plan).utf8)))?.objectValue else {
            return PlanJSON.encode(plan)
        }
        var saved = JSONObject()
        if topologyFiles.count == 1 {
            saved["topology_file"] = .string(topologyFiles[0])
        } else if !topologyFiles.isEmpty {
            saved["topology_files"] = .array(topologyFiles.map(JSONValue.string))
        }
        if let context { saved["context"] = .string(context) }
        if let environment { saved["environment"] = .string(environment) }
        if let cluster { saved["cluster"] = .string(cluster) }
        var digests = JSONObject()
        for (resource, digest) in resources.sorted(by: { $0.key < $1.key }) { digests[resource.description] = .string(digest) }
        saved["resources"] = .object(digests)
        root["saved"] = .object(saved)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(JSONValue.object(root)) else { return PlanJSON.encode(plan) }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Reads a saved plan; `file` names it in errors.
    public static func decode(_ text: String, file: String) throws(SavedPlanError) -> SavedPlan {
        let plan: Plan
        do {
            plan = try PlanJSON.decode(text)
        } catch {
            throw SavedPlanError(description: "\(file): not a plan jetform can read (\(error)) — write it again with `jetform plan -out \(file)`")
        }
        let saved = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))?["saved"]?.objectValue
        var resources: [ResourceID: String] = [:]
        let byName = Dictionary(plan.touchedResources.map { ($0.description, $0) }, uniquingKeysWith: { a, _ in a })
        for (key, value) in saved?["resources"]?.objectValue ?? JSONObject() {
            if let id = byName[key], let digest = value.stringValue { resources[id] = digest }
        }
        let files = saved?["topology_files"]?.arrayValue?.compactMap(\.stringValue)
            ?? saved?["topology_file"]?.stringValue.map { [$0] } ?? []
        return SavedPlan(plan: plan, topologyFiles: files, context: saved?["context"]?.stringValue,
                         environment: saved?["environment"]?.stringValue, cluster: saved?["cluster"]?.stringValue,
                         resources: resources)
    }

    /// Why the plan no longer fits the cluster, one line per changed resource; empty when it still fits.
    public func staleness(comparedTo observed: ObservedState, capabilities now: ServerCapabilities) -> [String] {
        var reasons: [String] = []
        if now.version != plan.capabilities.version {
            reasons.append("the server now runs nats-server \(now.version), the plan was made for \(plan.capabilities.version)")
        }
        guard plan.isStale(comparedTo: observed) else { return reasons }
        let current = PlanFingerprint.digests(resources: plan.touchedResources, observed: observed, capabilities: plan.capabilities)
        for resource in Set(plan.touchedResources).sorted() {
            let before = resources[resource]
            let after = current[resource]
            guard before != after else { continue }
            switch (before, after) {
            case ("absent", _): reasons.append("\(resource) was created since the plan")
            case (_, "absent"): reasons.append("\(resource) was deleted since the plan")
            case (nil, _): reasons.append("\(resource) may have changed (the plan file has no per-resource record)")
            default:
                if case .key = resource {
                    reasons.append("\(resource) was written since the plan (its revision changed)")
                } else {
                    reasons.append("\(resource) was changed since the plan (config, messages held, or consumers)")
                }
            }
        }
        if reasons.isEmpty { reasons.append("what the plan touches changed since it was made") }
        return reasons
    }
}

extension SavedPlan {
    /// `plan` with a salted digest (`value_salt`, `value_digest`) in each put of a sensitive key, whose
    /// value the file never holds.
    static func sealingValues(_ plan: Plan) -> Plan {
        var plan = plan
        plan.updateKeyPuts { step in
            guard let value = step.payload?.value else { return }
            let salt = KeyDigest.newSalt()
            step.config?["value_salt"] = .string(SHA256.hexString(salt))
            step.config?["value_digest"] = .string(KeyDigest.of(value, salt: salt))
        }
        return plan
    }

    /// The plan with the values of its sensitive keys taken from `topology` (a saved plan holds only their
    /// digests), or why it cannot be applied: no topology at hand, or a value that is not the one planned
    /// (the file or its variables changed since).
    public func restoringValues(from topology: TopologySpec?) -> (plan: Plan, problems: [String]) {
        var plan = self.plan
        var problems: [String] = []
        let declared = Dictionary((topology?.kv ?? []).flatMap { bucket in
            bucket.keys.map { (ResourceID.key(stream: bucket.streamName, key: $0.key), $0.value) }
        }, uniquingKeysWith: { a, _ in a })
        plan.updateKeyPuts { step in
            guard step.payload == nil, step.config?["sensitive"]?.boolValue == true else { return }
            guard let digest = step.config?["value_digest"]?.stringValue,
                  let salt = step.config?["value_salt"]?.stringValue.flatMap(SHA256.bytes(hex:)) else {
                problems.append("\(step.resource) has a sensitive value and the plan no digest of it: make the plan again with `jetform plan -out`")
                return
            }
            guard topology != nil else {
                problems.append("\(step.resource) has a sensitive value, which the plan does not hold: apply it where its topology file is, or give it with --topology")
                return
            }
            guard let value = declared[step.resource], KeyDigest.of(value.value, salt: salt) == digest else {
                problems.append("\(step.resource): the value the topology gives now is not the one planned (the file or its variables changed since the plan)")
                return
            }
            step.payload = value
        }
        return (plan, problems)
    }
}

/// A saved plan could not be read.
public struct SavedPlanError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
