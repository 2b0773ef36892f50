import Foundation
import JetStreamSchema
@testable import Reconcile

/// Random stream and consumer configs drawn from the whole field table (`StreamFields`, `ConsumerFields`),
/// valid and invalid alike: every field of the table, at the server's release or newer, with values
/// around each field's limits. Nothing is left out for being refused — what the server refuses is what
/// the differential test compares jetform's verdict with.
///
/// Each case owns the subject token `prefix` (and stream names built from it), so one case's config can
/// be copied under another token and several cases can run on one cluster at once.
struct DifferentialGenerator {
    var rng: SeededGenerator
    /// Streams every case may mirror or source from (created by the test before the cases).
    static let origins = ["ORIGIN", "ORIGIND"]

    init(seed: UInt64) { rng = SeededGenerator(seed: seed) }

    mutating func coin(_ oneIn: Int = 2) -> Bool { Int.random(in: 0..<oneIn, using: &rng) == 0 }
    mutating func pick<T>(_ values: [T]) -> T { values.randomElement(using: &rng)! }

    /// A stream config named `name` whose subjects live under `prefix`.
    mutating func stream(name: String, prefix: String) -> JSONObject {
        var c: JSONObject = ["name": .string(name)]
        for field in StreamFields.all {
            // A few fields are on in most cases, the rest in about one case in seven.
            let often = ["subjects": 2, "num_replicas": 2, "storage": 2, "retention": 3, "max_age": 4]
            guard coin(often[field.name] ?? 15) else { continue }
            if let value = value(for: field, path: field.name, prefix: prefix) { c[field.name] = value }
        }
        return c
    }

    /// A consumer config named `name` for a stream whose subjects live under `prefix`.
    mutating func consumer(name: String, prefix: String) -> JSONObject {
        var c: JSONObject = ["durable_name": .string(name)]
        for field in ConsumerFields.all {
            let often = ["ack_policy": 2, "filter_subject": 4, "deliver_subject": 4]
            guard coin(often[field.name] ?? 15) else { continue }
            if let value = value(for: field, path: field.name, prefix: prefix) { c[field.name] = value }
        }
        return c
    }

    /// `config` with one to three fields of the table set anew or removed.
    mutating func mutate(_ config: JSONObject, fields: [FieldSpec], prefix: String) -> JSONObject {
        var c = config
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let field = pick(fields)
            if c[field.name] != nil && coin(3) {
                c[field.name] = nil
            } else if let value = value(for: field, path: field.name, prefix: prefix) {
                c[field.name] = value
            }
        }
        return c
    }

    /// A value for `field`: of its kind, around its limits, sometimes out of them.
    mutating func value(for field: FieldSpec, path: String, prefix: String) -> JSONValue? {
        if let special = special(path, prefix: prefix) { return special }
        switch field.kind {
        case .string:
            return .string(pick(["d", "something longer to describe it"]))
        case .bool:
            return .bool(coin())
        case .integer(let min, let max, let unlimited):
            // Mostly within the field's range, sometimes just outside it.
            var candidates: [Int64] = [0, 1, 2, 5, 64, 1000].filter { $0 >= min && $0 <= max }
            if unlimited { candidates.append(-1) }
            if max < 1_000_000 { candidates.append(max) }
            if coin(6) { candidates = [min - 1, max < 1_000_000 ? max + 1 : min - 1] }
            return .int(pick(candidates))
        case .duration:
            return .int(pick([0, 1, 1_000_000, 50_000_000, 100_000_000, 500_000_000, 1_000_000_000, 5_000_000_000,
                              30_000_000_000, 120_000_000_000, 3_600_000_000_000, -1_000_000_000]))
        case .size:
            return .int(pick([0, -1, 1, 1024, 1 << 20, 1 << 30]))
        case .enumeration(let values):
            return .string(coin(50) ? "bogus" : pick(values).value)
        case .subject:
            return .string(subject(prefix))
        case .subjectList:
            return .array((0..<Int.random(in: 1...3, using: &rng)).map { _ in .string(subject(prefix)) })
        case .stringList:
            return .array([.string(pick(["g1", "g2", "t1", "bad group", "averyveryverylonggroupname"]))])
        case .durationList:
            return .array((0..<Int.random(in: 1...3, using: &rng)).map { _ in
                .int(pick([0, 50_000_000, 1_000_000_000, 5_000_000_000, 30_000_000_000]))
            })
        case .timestamp:
            return .string(pick(["2025-01-02T15:04:05Z", "2099-01-01T00:00:00Z"]))
        case .stringMap:
            return .object(["team": .string(pick(["a", "b"]))])
        case .object(let nested):
            var o = JSONObject()
            for inner in nested where inner.required || coin(2) {
                if let v = value(for: inner, path: "\(path).\(inner.name)", prefix: prefix) { o[inner.name] = v }
            }
            return .object(o)
        case .objectList(let nested):
            let items = (0..<Int.random(in: 1...2, using: &rng)).compactMap { _ -> JSONValue? in
                value(for: FieldSpec(field.name, .object(nested), ""), path: path, prefix: prefix)
            }
            return .array(items)
        case .namedObjects, .keyValues:
            return nil
        }
    }

    /// Subjects of this case, sometimes of another namespace or the whole subject space.
    mutating func subject(_ prefix: String) -> String {
        pick(["\(prefix).a", "\(prefix).b", "\(prefix).*", "\(prefix).>", "\(prefix).a.*", "\(prefix).b"]
             + (coin(8) ? [">", "$JS.\(prefix)", "*.\(prefix)", "\(prefix)..a"] : []))
    }

    /// Fields whose values only mean something as names of this test's things.
    mutating func special(_ path: String, prefix: String) -> JSONValue? {
        switch path {
        case "mirror.name", "sources.name":
            return .string(pick(Self.origins + ["MISSING"]))
        case "placement.cluster":
            return .string(pick(["jetform", "elsewhere"]))
        case "placement.preferred":
            return .string("n1")
        case "mirror.external.api", "sources.external.api":
            return .string(pick(["$JS.hub.API", "$JS.API"]))
        case "mirror.external.deliver", "sources.external.deliver":
            return .string("dlv.\(prefix).ext")
        case "mirror.consumer.name", "sources.consumer.name":
            return .string("src\(prefix)")
        case "mirror.consumer.deliver_subject", "sources.consumer.deliver_subject", "deliver_subject":
            return .string(pick(["dlv.\(prefix).x", "dlv.\(prefix).y", "\(prefix).a"]))
        case "republish.dest":
            return .string(pick(["rp.\(prefix).x", "\(prefix).a", "rp.\(prefix).>"]))
        case "subject_transform.dest", "mirror.subject_transforms.dest", "sources.subject_transforms.dest":
            return .string(pick(["tr.\(prefix).x", "\(prefix).b"]))
        case "sample_freq":
            return .string(pick(["100%", "50", "x"]))
        case "deliver_group":
            return .string("q")
        case "metadata":
            return .object(["team": .string(pick(["a", "b"]))])
        default:
            return nil
        }
    }
}

extension JSONObject {
    /// This config with every occurrence of the token `from` in its strings (and keys) replaced by `to`:
    /// the same config under another case's names and subjects.
    func renamed(_ from: String, to: String) -> JSONObject {
        (try? JSONValue(parsing: jsonString(pretty: false).replacingOccurrences(of: from, with: to)))?.objectValue ?? self
    }
}
