import JetStreamSchema
import Topology

/// The keys a Key-Value bucket of the file declares: each is put where the bucket lacks it (no message
/// on its subject, or a delete marker last) and, with `keys_policy: enforce`, where its value differs.
/// A put expects the revision the plan saw (0: none), so a key written by someone else in between is
/// refused by the server rather than overwritten. Keys the file does not declare are never touched.
extension PlanBuilder {
    /// `fresh`: the plan creates or replaces the bucket's stream, so it holds no key when they are put.
    mutating func planKeys(_ bucket: BucketSpec, fresh: Bool) {
        guard bucket.kind == .kv, !bucket.keys.isEmpty, bucket.config["mirror"] == nil else { return }
        let ref = BucketRef(kind: .kv, name: bucket.name)
        for key in bucket.keys {
            let id = ResourceID.key(stream: bucket.streamName, key: key.key)
            let live = fresh ? nil : observed.keys[id]
            let wanted = Array(key.value.value.utf8)
            var changes: [FieldChange] = []
            if let value = live?.value {
                guard value != wanted, bucket.keysPolicy == .enforce else { continue }
                changes = [FieldChange(path: "value", old: key.sensitive ? nil : Self.shown(value),
                                       new: key.sensitive ? nil : .string(key.value.value), location: key.location)]
            }
            var config: JSONObject = [
                "subject": .string(KVFields.subject(bucket: bucket.name, key: key.key)),
                "expected_revision": .int(Int64(clamping: live?.revision ?? 0)),
            ]
            if key.sensitive {
                config["value_sha256"] = .string(KeyDigest.of(id, value: key.value.value))
            } else {
                config["value"] = .string(key.value.value)
            }
            let step = PlanStep(phase: .putKeys, operation: .putKey, resource: id, config: config,
                                payload: key.sensitive ? key.value : nil)
            actions.append(PlanAction(kind: changes.isEmpty ? .create : .update, resource: id, bucket: ref, sensitive: key.sensitive,
                                      declared: key.sensitive ? nil : ["value": .string(key.value.value)],
                                      changes: changes, steps: [step], location: key.location))
        }
    }

    /// A value from the cluster as the plan shows it: its text, or its size when it is not UTF-8 text.
    private static func shown(_ bytes: [UInt8]) -> JSONValue {
        if let text = String(validating: bytes, as: UTF8.self) { return .string(text) }
        return .string("(\(bytes.count) bytes, not text)")
    }
}

/// What a saved plan keeps of a sensitive key's value: a digest, so `apply PLANFILE` can tell that the
/// value the topology gives at apply is the one planned, without the plan file holding the value.
public enum KeyDigest {
    /// `sha256:<hex>` of the key's identity and value.
    public static func of(_ id: ResourceID, value: String) -> String {
        "sha256:" + SHA256.hex(Array("jetform key value\u{0}\(id.streamName)\u{0}\(id.name)\u{0}\(value)".utf8))
    }
}
