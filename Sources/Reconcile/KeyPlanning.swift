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
            // A sensitive value travels in memory only; a saved plan adds a salted digest (`SavedPlan`).
            if key.sensitive { config["sensitive"] = .bool(true) } else { config["value"] = .string(key.value.value) }
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

/// What a saved plan keeps of a sensitive key's value: a salted, stretched digest, so `apply PLANFILE`
/// can tell that the value the topology gives at apply is the one planned, without the plan file holding
/// the value or a plain hash of it (which a weak secret could be guessed back from).
public enum KeyDigest {
    /// SHA-256 rounds over the salted value: a guess costs this many hashes.
    static let rounds = 10_000

    /// `sha256x10000:<hex>` of `value` with `salt`.
    public static func of(_ value: String, salt: [UInt8]) -> String {
        var digest = SHA256.digest(salt + Array(value.utf8))
        for _ in 0..<rounds { digest = SHA256.digest(digest + salt) }
        return "sha256x\(rounds):" + SHA256.hexString(digest)
    }

    /// 16 random bytes.
    public static func newSalt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
