/// The releases a rule holds on: a union of ranges `from ..< until`.
public struct Releases: Sendable, Hashable, CustomStringConvertible {
    public struct Span: Sendable, Hashable {
        public var from: ServerVersion
        public var until: ServerVersion?
    }
    public var spans: [Span]

    public init(_ spans: [Span]) { self.spans = spans }

    public static let always = Releases([Span(from: .baseline, until: nil)])
    public static func from(_ version: ServerVersion) -> Releases { Releases([Span(from: version, until: nil)]) }
    public static func before(_ version: ServerVersion) -> Releases { Releases([Span(from: .baseline, until: version)]) }
    /// From `first` in its line and from `later` on: a fix released in two lines (`2.12.10` and `2.14.2`).
    public static func from(_ first: ServerVersion, andFrom later: ServerVersion) -> Releases {
        Releases([Span(from: first, until: ServerVersion(first.major, first.minor + 1)), Span(from: later, until: nil)])
    }

    public func contains(_ version: ServerVersion) -> Bool {
        spans.contains { $0.from <= version && ($0.until.map { version < $0 } ?? true) }
    }

    public var isAlways: Bool { self == .always }

    public var description: String {
        spans.map { span in
            switch (span.from == .baseline, span.until) {
            case (true, nil): "every release"
            case (true, let until?): "before \(until)"
            case (false, nil): "\(span.from)+"
            case (false, let until?): "\(span.from) to before \(until)"
            }
        }.joined(separator: " and ")
    }
}

/// What a rule looks at: the stream config as the file declares it, and the consumer's when the rule
/// is about a consumer.
public struct RuleInput: Sendable {
    public var stream: JSONObject
    public var consumer: JSONObject

    public init(stream: JSONObject, consumer: JSONObject = [:]) {
        self.stream = stream
        self.consumer = consumer
    }
}

/// One refusal: the field to point at (a path in the stream's or consumer's config), what is wrong and
/// how to fix it. The caller names the stream or consumer.
public struct RuleViolation: Sendable, Hashable {
    public var path: String
    public var message: String
    public var fix: String

    public init(_ path: String, _ message: String, fix: String) {
        self.path = path
        self.message = message
        self.fix = fix
    }
}

/// A config nats-server refuses, with the error code it answers and the releases it does so on.
public struct ServerRule: Sendable {
    public enum Target: Sendable { case stream, consumer }

    public var id: String
    public var target: Target
    public var errCode: Int
    public var releases: Releases
    /// Refused only in pedantic mode (2.11+: the server would otherwise change the value itself).
    /// jetform sends every create and update in pedantic mode where the server has it.
    public var pedantic: Bool
    /// Refused only when the resource is created (the same config is a valid update).
    public var createOnly: Bool
    public var check: @Sendable (RuleInput) -> [RuleViolation]
    /// Fields of the checked config (the stream's for stream rules, the consumer's for consumer rules)
    /// without which the rule cannot fire; nil when it looks further. Lets a plan of a thousand streams
    /// skip most rules.
    public var triggers: [String]?

    public init(_ id: String, _ target: Target, err errCode: Int, releases: Releases = .always, pedantic: Bool = false,
                createOnly: Bool = false, _ check: @escaping @Sendable (RuleInput) -> [RuleViolation]) {
        self.id = id
        self.target = target
        self.errCode = errCode
        self.releases = releases
        self.pedantic = pedantic
        self.createOnly = createOnly
        self.check = check
    }

    /// Whether the server applies the rule on `version`.
    public func holds(on version: ServerVersion) -> Bool {
        releases.contains(version) && (!pedantic || version.supportsPedantic)
    }

    /// Whether it holds on every release jetform supports, so a file can be checked without a server.
    public var holdsEverywhere: Bool { releases.isAlways && !pedantic }

    /// The releases it holds on, for messages.
    public var releaseText: String {
        pedantic ? (releases.isAlways ? "2.11+ (pedantic mode)" : "\(releases) (pedantic mode)") : releases.description
    }
}

/// Stream and consumer configs nats-server refuses, release by release (from server/stream.go
/// `checkStreamCfg`, consumer.go `checkConsumerCfg`, jetstream_api.go and the differential tests).
/// The topology validator checks the rules that hold on every release; the planner checks the rest for
/// the server it plans for, and the create-only ones for what it creates.
public enum ServerRules {
    /// Where a change of a stream's `consumer_limits` is checked against its consumers with the new values
    /// as they are: a removed limit counts as 0 and -1 as -1, so a consumer with any max_ack_pending (or
    /// inactive_threshold) above that refuses the update (10051; 10069 on a single server). Later releases
    /// check only positive limits (server/stream.go `update`, jetstream_cluster.go at v2.12.12 and v2.14.3).
    public static let limitsCheckedAsWritten = Releases([
        Releases.Span(from: .baseline, until: ServerVersion(2, 12, 12)),
        Releases.Span(from: ServerVersion(2, 14), until: ServerVersion(2, 14, 3)),
    ])

    static let ms: Int64 = 1_000_000
    static let twoMinutes: Int64 = 120_000_000_000

    /// A number field as the server reads it: 0 when absent or not a whole number (a whole double counts).
    public static func int(_ c: JSONObject, _ key: String) -> Int64 {
        switch c[key] {
        case .int(let i)?: i
        case .double(let d)? where d.isFinite && d.rounded() == d && abs(d) < 9.2e18: Int64(d)
        default: 0
        }
    }
    static func on(_ c: JSONObject, _ key: String) -> Bool { c[key]?.boolValue == true }
    static func text(_ c: JSONObject, _ key: String) -> String? {
        guard let s = c[key]?.stringValue, !s.isEmpty else { return nil }
        return s
    }
    public static func strings(_ value: JSONValue?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }
    static func isMirror(_ c: JSONObject) -> Bool { c["mirror"].map { $0 != .null } ?? false }
    static func sources(_ c: JSONObject) -> [JSONObject] { c["sources"]?.arrayValue?.compactMap(\.objectValue) ?? [] }
    static func filters(_ c: JSONObject) -> [String] {
        text(c, "filter_subject").map { [$0] } ?? strings(c["filter_subjects"])
    }
    static func isPush(_ c: JSONObject) -> Bool { text(c, "deliver_subject") != nil }
    static func one(_ path: String, _ message: String, fix: String) -> [RuleViolation] { [RuleViolation(path, message, fix: fix)] }
    /// The server's `subjectIsSubsetMatch` (sublist.go): `a` within `b`, where an empty token in `b`
    /// matches nothing and an empty `a` is within `>` only.
    static func serverSubsetMatch(_ a: String, of b: String) -> Bool {
        if b.isEmpty || b.hasPrefix(".") || b.contains("..") { return false }
        if a.isEmpty { return b == ">" || b.hasPrefix(">.") }
        return Subjects.isSubset(a, of: b)
    }

    /// Why the server refuses a subject mapping `src` → `dest` (`subjectTransform` in nats-server): both
    /// valid subjects, no `*` in the destination, and a `>` in both or in neither. An empty source is `>`.
    static func mappingProblem(source: String?, destination: String) -> String? {
        let source = source.flatMap { $0.isEmpty ? nil : $0 } ?? ">"
        guard Subjects.isValid(source, wildcards: true), Subjects.isValid(destination, wildcards: true) else {
            return "'\(source)' → '\(destination)' is not a mapping between valid subjects"
        }
        let destinationTokens = destination.split(separator: ".")
        if destinationTokens.contains("*") { return "the destination '\(destination)' has a '*' (use {{wildcard(1)}} to place a token)" }
        let sourceAll = source.split(separator: ".").last == ">", destinationAll = destinationTokens.last == ">"
        if sourceAll != destinationAll {
            return sourceAll ? "the source '\(source)' ends in '>' but the destination '\(destination)' does not"
                             : "the destination '\(destination)' ends in '>' but the source '\(source)' does not"
        }
        return nil
    }

    static func transformProblem(_ transform: JSONObject) -> String? {
        guard let destination = text(transform, "dest") else { return nil }
        return mappingProblem(source: text(transform, "src"), destination: destination)
    }

    /// A source's or mirror's `consumer` (2.14+): a valid name, a literal deliver subject, and no start
    /// position or filter of its own.
    static func consumerSourceProblem(_ source: JSONObject) -> String? {
        guard let consumer = source["consumer"]?.objectValue else { return nil }
        guard let name = text(consumer, "name"), Names.isValidAssetName(name) else { return "its consumer needs a valid name" }
        guard let deliver = text(consumer, "deliver_subject"), Subjects.isValid(deliver, wildcards: false), !deliver.isEmpty else {
            return "its consumer needs a deliver_subject without wildcards"
        }
        if int(source, "opt_start_seq") != 0 || source["opt_start_time"] != nil { return "it names a consumer and a start position (the consumer has its own)" }
        if text(source, "filter_subject") != nil { return "it names a consumer and a filter_subject (the consumer has its own)" }
        return nil
    }

    /// The API namespaces a stream may only capture without acks.
    static let apiNamespaces = ["$JS.>", "$JSC.>", "$SYS.>"]
    static let apiNamespacesFrom2112 = ["$JS.>", "$JSC.>", "$SYS.>", "$NRG.>"]

    public static let all: [ServerRule] = (streamRules + consumerRules + [flowControlAcksPedantic]).map { rule in
        var rule = rule
        rule.triggers = triggers[rule.id] ?? nil
        return rule
    }

    /// The fields each rule needs (see `ServerRule.triggers`).
    static let triggers: [String: [String]?] = [
        "placement.preferred": ["placement"], "sealed-on-create": ["sealed"], "mirror-direct-without-mirror": ["mirror_direct"],
        "capture-all": ["subjects"], "api-namespace": ["subjects"], "api-namespace-collide": ["subjects"],
        "duplicate-window-default": ["max_age"], "republish-source": ["republish"], "republish-mapping": ["republish"],
        "republish-cycle": ["republish"], "mirror-consumer": ["mirror"], "source-consumer": ["sources"],
        "subject-transform": ["subject_transform"], "source-transform": ["sources"], "mirror-transform": ["mirror"],
        "source-transforms-overlap": ["sources"], "external-api-overlap": ["mirror", "sources"],
        "mirror-first-seq": ["mirror"], "mirror-filter-and-transforms": ["mirror"], "mirror-features": ["mirror"],
        "source-filter-and-transforms": ["sources"], "sources-schedules": ["sources"],
        "counter-discard-new": ["allow_msg_counter"], "counter-schedules": ["allow_msg_counter"],
        "schedules-discard-new": ["allow_msg_schedules"], "markers-need-ttl": ["subject_delete_marker_ttl"],
        "markers-need-rollups": ["subject_delete_marker_ttl"],
        "sample-frequency": ["sample_freq"], "direct": ["direct"], "pull-push-only-fields": ["flow_control", "idle_heartbeat", "rate_limit_bps"],
        "flow-control-heartbeat": ["flow_control"], "push-max-waiting": ["max_waiting"], "push-priority": ["priority_policy"],
        "deliver-cycle": ["deliver_subject"], "push-ack-none-pending": ["deliver_subject"],
        "above-stream-limits": ["max_ack_pending", "inactive_threshold"], "stream-limits-defaults": nil,
        "backoff-ack-wait": ["backoff"], "priority-group-names": ["priority_groups"],
        "priority-none-with-groups": ["priority_groups", "priority_timeout"], "overlapping-filters": ["filter_subjects"],
        "nested-filters": ["filter_subjects"], "flow-control-acks": ["ack_policy"], "flow-control-acks-explicit": ["ack_policy"],
    ]

    /// The rules of one target (a plan asks for them once per stream and consumer).
    public static func rules(for target: ServerRule.Target) -> [ServerRule] {
        target == .stream ? forStreams : forConsumers
    }
    static let forStreams = all.filter { $0.target == .stream }
    static let forConsumers = all.filter { $0.target == .consumer }

    static let streamRules: [ServerRule] = [
        ServerRule("placement.preferred", .stream, err: 10052) { input in
            guard text(input.stream["placement"]?.objectValue ?? [:], "preferred") != nil else { return [] }
            return one("placement.preferred", "sets placement.preferred, which no stream config may have (it only means something in a leader stepdown request)",
                       fix: "remove preferred; ask for a leader with `nats stream cluster step-down --preferred NAME`")
        },
        ServerRule("sealed-on-create", .stream, err: 10052, createOnly: true) { input in
            guard on(input.stream, "sealed") else { return [] }
            return one("sealed", "is created sealed, which the server refuses: only an existing stream can be sealed",
                       fix: "create the stream without sealed, then add sealed: true and apply again")
        },
        ServerRule("mirror-direct-without-mirror", .stream, err: 10052, createOnly: true) { input in
            guard on(input.stream, "mirror_direct"), !isMirror(input.stream) else { return [] }
            return one("mirror_direct", "sets mirror_direct but is not a mirror", fix: "remove mirror_direct, or add mirror")
        },
        ServerRule("capture-all", .stream, err: 10052) { input in
            let subjects = strings(input.stream["subjects"])
            guard subjects.contains(">") else { return [] }
            if !on(input.stream, "no_ack") {
                return one("subjects", "captures every subject ('>'), which needs no_ack: true", fix: "add no_ack: true, or use narrower subjects")
            }
            if int(input.stream, "num_replicas") > 1 {
                return one("num_replicas", "captures every subject ('>'), which works with one replica only", fix: "set num_replicas: 1, or use narrower subjects")
            }
            return []
        },
        ServerRule("api-namespace", .stream, err: 10052, releases: .before(ServerVersion(2, 11, 2))) { input in
            namespaceProblem(input.stream, namespaces: apiNamespaces) { subject, space in Subjects.isSubset(subject, of: space) }
        },
        ServerRule("api-namespace-collide", .stream, err: 10052, releases: .from(ServerVersion(2, 11, 2))) { input in
            namespaceProblem(input.stream, namespaces: apiNamespacesFrom2112) { subject, space in Subjects.overlap(subject, space) }
        },
        ServerRule("duplicate-window-default", .stream, err: 10157, pedantic: true) { input in
            let c = input.stream
            let maxAge = int(c, "max_age")
            guard int(c, "duplicate_window") == 0, maxAge > 0, maxAge < twoMinutes, !isMirror(c) else { return [] }
            return one("max_age", "has max_age below the 2m default duplicate_window, which the server refuses to shorten in pedantic mode",
                       fix: "add duplicate_window: \(durationText(maxAge)) (at most max_age)")
        },
        ServerRule("republish-source", .stream, err: 10157, pedantic: true) { input in
            guard let republish = input.stream["republish"]?.objectValue, text(republish, "src") == nil else { return [] }
            return one("republish", "republishes without src, which the server refuses to default in pedantic mode",
                       fix: "add src: '>' (or the subjects to republish)")
        },
        ServerRule("republish-mapping", .stream, err: 10052) { input in
            guard let republish = input.stream["republish"]?.objectValue, let dest = text(republish, "dest"),
                  let problem = mappingProblem(source: text(republish, "src"), destination: dest) else { return [] }
            return one("republish", "republishes through an invalid mapping: \(problem)", fix: "make src and dest both end in '>', or neither")
        },
        ServerRule("mirror-consumer", .stream, err: 10213, releases: .from(ServerVersion(2, 14))) { input in
            guard let mirror = input.stream["mirror"]?.objectValue, let problem = consumerSourceProblem(mirror) else { return [] }
            return one("mirror.consumer", "mirrors through a consumer, but \(problem)", fix: "give the consumer a name and a literal deliver_subject, and move start and filter into it")
        },
        ServerRule("source-consumer", .stream, err: 10215, releases: .from(ServerVersion(2, 14))) { input in
            var names: Set<String> = []
            for (i, source) in sources(input.stream).enumerated() {
                if let problem = consumerSourceProblem(source) {
                    return one("sources[\(i)].consumer", "sources '\(text(source, "name") ?? "")' through a consumer, but \(problem)",
                               fix: "give the consumer a name and a literal deliver_subject, and move start and filter into it")
                }
                if let name = source["consumer"]?["name"]?.stringValue, !names.insert("\(text(source, "name") ?? "")/\(name)").inserted {
                    return one("sources[\(i)].consumer", "uses consumer '\(name)' for two sources (error 10216)", fix: "give each source its own consumer")
                }
            }
            return []
        },
        ServerRule("republish-cycle", .stream, err: 10052) { input in
            guard let republish = input.stream["republish"]?.objectValue, let dest = text(republish, "dest") else { return [] }
            guard let subject = strings(input.stream["subjects"]).first(where: { Subjects.overlap($0, dest) }) else { return [] }
            return one("republish.dest", "republishes to '\(dest)', which overlaps its own subject '\(subject)' (a cycle)",
                       fix: "republish to a subject outside the stream's subjects")
        },
        ServerRule("subject-transform", .stream, err: 10156) { input in
            guard let transform = input.stream["subject_transform"]?.objectValue, let problem = transformProblem(transform) else { return [] }
            return one("subject_transform", "has an invalid subject_transform: \(problem)", fix: "end the destination in '>' too, or use a source without '>'")
        },
        ServerRule("source-transform", .stream, err: 10146) { input in
            for (i, source) in sources(input.stream).enumerated() {
                for (j, t) in (source["subject_transforms"]?.arrayValue ?? []).compactMap(\.objectValue).enumerated() {
                    if let problem = transformProblem(t) {
                        return one("sources[\(i)].subject_transforms[\(j)]", "has an invalid transform in source '\(text(source, "name") ?? "")': \(problem)",
                                   fix: "end the destination in '>' too, or use a source without '>'")
                    }
                }
            }
            return []
        },
        ServerRule("source-transforms-overlap", .stream, err: 10147) { input in
            for (i, source) in sources(input.stream).enumerated() {
                let from = (source["subject_transforms"]?.arrayValue ?? []).map { $0["src"]?.stringValue ?? "" }
                for (j, a) in from.enumerated() {
                    for (k, b) in from.enumerated() where j != k && serverSubsetMatch(a, of: b) {
                        return one("sources[\(i)].subject_transforms[\(j)]",
                                   "takes '\(a)' from source '\(text(source, "name") ?? "")', which its transform \(k) ('\(b)') takes too; the server refuses overlapping source filters (10147)",
                                   fix: "make the transforms' src subjects disjoint, or use one transform")
                    }
                }
            }
            return []
        },
        ServerRule("external-api-overlap", .stream, err: 10021) { input in
            let mirror = input.stream["mirror"]?.objectValue.map { [("mirror", $0)] } ?? []
            let origins = mirror + sources(input.stream).enumerated().map { ("sources[\($0.offset)]", $0.element) }
            for (path, origin) in origins {
                guard let api = origin["external"]?["api"]?.stringValue, Subjects.overlap(api, "$JS.API") else { continue }
                return one("\(path).external.api", "has \(path).external.api '\(api)', the account's own JetStream API; the server refuses it (10021)",
                           fix: "remove external for a stream of this account and domain, or name the other domain's API ($JS.<domain>.API)")
            }
            return []
        },
        ServerRule("mirror-transform", .stream, err: 10154) { input in
            guard let mirror = input.stream["mirror"]?.objectValue else { return [] }
            for (j, t) in (mirror["subject_transforms"]?.arrayValue ?? []).compactMap(\.objectValue).enumerated() {
                if let problem = transformProblem(t) {
                    return one("mirror.subject_transforms[\(j)]", "has an invalid mirror transform: \(problem)",
                               fix: "end the destination in '>' too, or use a source without '>'")
                }
            }
            return []
        },
        ServerRule("mirror-first-seq", .stream, err: 10143) { input in
            guard isMirror(input.stream), int(input.stream, "first_seq") > 0 else { return [] }
            return one("first_seq", "is a mirror with first_seq; a mirror takes its sequences from its origin", fix: "remove first_seq")
        },
        ServerRule("mirror-filter-and-transforms", .stream, err: 10150) { input in
            guard let mirror = input.stream["mirror"]?.objectValue, text(mirror, "filter_subject") != nil,
                  !(mirror["subject_transforms"]?.arrayValue ?? []).isEmpty else { return [] }
            return one("mirror", "mirrors with both filter_subject and subject_transforms", fix: "move the filter into subject_transforms")
        },
        ServerRule("source-filter-and-transforms", .stream, err: 10144) { input in
            for (i, source) in sources(input.stream).enumerated()
            where text(source, "filter_subject") != nil && !(source["subject_transforms"]?.arrayValue ?? []).isEmpty {
                return one("sources[\(i)]", "sources '\(text(source, "name") ?? "")' with both filter_subject and subject_transforms",
                           fix: "move the filter into subject_transforms")
            }
            return []
        },
        ServerRule("mirror-features", .stream, err: 10173) { input in
            guard isMirror(input.stream) else { return [] }
            for (field, code) in [("allow_msg_counter", 10173), ("allow_atomic", 10198), ("allow_msg_schedules", 10186), ("allow_batched", 10209)]
            where on(input.stream, field) {
                return one(field, "is a mirror with \(field) (the server refuses it, error \(code))", fix: "remove \(field), or make the stream a copy through sources")
            }
            if int(input.stream, "subject_delete_marker_ttl") > 0 {
                return one("subject_delete_marker_ttl", "is a mirror with subject_delete_marker_ttl; mirrors take their markers from the origin",
                           fix: "remove subject_delete_marker_ttl")
            }
            return []
        },
        ServerRule("sources-schedules", .stream, err: 10187) { input in
            guard !sources(input.stream).isEmpty, on(input.stream, "allow_msg_schedules") else { return [] }
            return one("allow_msg_schedules", "has sources and allow_msg_schedules, which the server refuses together",
                       fix: "remove allow_msg_schedules, or the sources")
        },
        ServerRule("counter-discard-new", .stream, err: 10052) { input in
            guard on(input.stream, "allow_msg_counter"), input.stream["discard"]?.stringValue == "new" else { return [] }
            return one("discard", "is a counter stream with discard: new", fix: "remove discard (old is the default), or remove allow_msg_counter")
        },
        ServerRule("counter-schedules", .stream, err: 10052, releases: .from(ServerVersion(2, 12, 10), andFrom: ServerVersion(2, 14, 2))) { input in
            guard on(input.stream, "allow_msg_counter"), on(input.stream, "allow_msg_schedules") else { return [] }
            return one("allow_msg_schedules", "is a counter stream that schedules messages", fix: "remove allow_msg_schedules, or remove allow_msg_counter")
        },
        ServerRule("schedules-discard-new", .stream, err: 10052, releases: .from(ServerVersion(2, 12, 10), andFrom: ServerVersion(2, 14, 2))) { input in
            guard on(input.stream, "allow_msg_schedules"), input.stream["discard"]?.stringValue == "new" else { return [] }
            return one("discard", "schedules messages, which cannot use discard: new", fix: "remove discard (old is the default), or remove allow_msg_schedules")
        },
        ServerRule("markers-need-ttl", .stream, err: 10052) { input in
            guard int(input.stream, "subject_delete_marker_ttl") > 0, !on(input.stream, "allow_msg_ttl") else { return [] }
            return one("subject_delete_marker_ttl", "sets subject_delete_marker_ttl without allow_msg_ttl: true", fix: "add allow_msg_ttl: true")
        },
        ServerRule("markers-need-rollups", .stream, err: 10052, releases: .from(ServerVersion(2, 11, 2)), pedantic: true) { input in
            guard int(input.stream, "subject_delete_marker_ttl") > 0, !on(input.stream, "allow_rollup_hdrs") else { return [] }
            return one("subject_delete_marker_ttl", "sets subject_delete_marker_ttl without allow_rollup_hdrs: true", fix: "add allow_rollup_hdrs: true")
        },
    ]

    static func namespaceProblem(_ c: JSONObject, namespaces: [String], _ clash: (String, String) -> Bool) -> [RuleViolation] {
        guard !on(c, "no_ack") else { return [] }
        for (i, subject) in strings(c["subjects"]).enumerated() where subject != ">" {
            // Advisories ($JS.EVENT.>) and account events ($SYS.ACCOUNT.>) may be captured.
            let excepted = Subjects.isSubset(subject, of: "$JS.EVENT.>") || Subjects.isSubset(subject, of: "$SYS.ACCOUNT.>")
            if !excepted, let space = namespaces.first(where: { clash(subject, $0) }) {
                return one("subjects[\(i)]", "captures '\(subject)', which overlaps the server's API subjects \(space), without no_ack",
                           fix: "use subjects outside \(namespaces.joined(separator: ", ")), or add no_ack: true")
            }
        }
        return []
    }

    static let consumerRules: [ServerRule] = [
        ServerRule("sample-frequency", .consumer, err: 10095) { input in
            guard let frequency = text(input.consumer, "sample_freq") else { return [] }
            let digits = frequency.hasSuffix("%") ? frequency.dropLast() : Substring(frequency)
            guard digits.isEmpty || !digits.allSatisfy({ ("0"..."9").contains($0) }) else { return [] }
            return one("sample_freq", "has sample_freq '\(frequency)'; the server takes a whole number, optionally with %", fix: "write it like 100% or 50")
        },
        ServerRule("direct", .consumer, err: 10091) { input in
            guard on(input.consumer, "direct") else { return [] }
            return one("direct", "sets direct, which only the server's own non-durable consumers (of mirrors and sources) may have; every consumer jetform makes is durable",
                       fix: "remove direct")
        },
        ServerRule("pull-push-only-fields", .consumer, err: 10089) { input in
            guard !isPush(input.consumer) else { return [] }
            for (field, code) in [("flow_control", 10089), ("idle_heartbeat", 10088), ("rate_limit_bps", 10086)]
            where input.consumer[field].map({ $0 != .bool(false) && $0 != .int(0) }) ?? false {
                return one(field, "sets \(field), which pull consumers cannot have (the server refuses it, error \(code))",
                           fix: "remove \(field), or add deliver_subject to make a push consumer")
            }
            return []
        },
        ServerRule("flow-control-heartbeat", .consumer, err: 10108) { input in
            guard isPush(input.consumer), on(input.consumer, "flow_control"), int(input.consumer, "idle_heartbeat") == 0,
                  input.consumer["ack_policy"]?.stringValue != "flow_control" else { return [] }
            return one("flow_control", "has flow control without idle_heartbeat, which flow control needs", fix: "add idle_heartbeat: 5s (or more)")
        },
        ServerRule("push-max-waiting", .consumer, err: 10080) { input in
            guard isPush(input.consumer), int(input.consumer, "max_waiting") != 0 else { return [] }
            return one("max_waiting", "sets max_waiting, which push consumers cannot have", fix: "remove max_waiting, or remove deliver_subject")
        },
        ServerRule("push-priority", .consumer, err: 10178, releases: .from(ServerVersion(2, 11, 7))) { input in
            guard isPush(input.consumer), let policy = text(input.consumer, "priority_policy"), policy != "none" else { return [] }
            return one("priority_policy", "is a push consumer with priority_policy \(policy); priority groups are for pull consumers",
                       fix: "remove the priority settings, or remove deliver_subject")
        },
        ServerRule("deliver-cycle", .consumer, err: 10081) { input in
            guard let deliver = text(input.consumer, "deliver_subject"),
                  let subject = strings(input.stream["subjects"]).first(where: { Subjects.isSubset(deliver, of: $0) }) else { return [] }
            return one("deliver_subject", "delivers to '\(deliver)', which the stream itself captures ('\(subject)'): a cycle",
                       fix: "deliver to a subject outside the stream's subjects")
        },
        ServerRule("push-ack-none-pending", .consumer, err: 10082) { input in
            let c = input.consumer
            guard isPush(c), (text(c, "ack_policy") ?? "none") == "none" else { return [] }
            if int(c, "max_ack_pending") > 0 {
                return one("max_ack_pending", "has max_ack_pending without acks", fix: "remove max_ack_pending, or set ack_policy: explicit")
            }
            let limit = int(input.stream["consumer_limits"]?.objectValue ?? [:], "max_ack_pending")
            if int(c, "max_ack_pending") == 0 && limit > 0 {
                return one("ack_policy", "takes the stream's consumer_limits.max_ack_pending \(limit), which a push consumer without acks cannot have",
                           fix: "add max_ack_pending: -1, or set ack_policy: explicit")
            }
            return []
        },
        ServerRule("above-stream-limits", .consumer, err: 10121) { input in
            let limits = input.stream["consumer_limits"]?.objectValue ?? [:]
            let pending = int(limits, "max_ack_pending"), inactive = int(limits, "inactive_threshold")
            if pending > 0, int(input.consumer, "max_ack_pending") > pending {
                return one("max_ack_pending", "has max_ack_pending \(int(input.consumer, "max_ack_pending")) above the stream's consumer_limits \(pending)",
                           fix: "use at most \(pending), or raise the stream's consumer_limits.max_ack_pending")
            }
            if inactive > 0, int(input.consumer, "inactive_threshold") > inactive {
                return one("inactive_threshold", "has an inactive_threshold above the stream's consumer_limits (\(durationText(inactive))); the server refuses it (10153)",
                           fix: "use at most \(durationText(inactive))")
            }
            return []
        },
        ServerRule("stream-limits-defaults", .consumer, err: 10157, pedantic: true) { input in
            let limits = input.stream["consumer_limits"]?.objectValue ?? [:]
            // A zero is no value on the wire: the server fills it in.
            if int(limits, "max_ack_pending") > 0 && int(input.consumer, "max_ack_pending") == 0 {
                return one("max_ack_pending", "leaves out max_ack_pending on a stream whose consumer_limits set it; in pedantic mode the server refuses to copy it in",
                           fix: "add max_ack_pending: \(int(limits, "max_ack_pending")) (or less)")
            }
            if int(limits, "inactive_threshold") > 0 && int(input.consumer, "inactive_threshold") == 0 {
                return one("inactive_threshold", "leaves out inactive_threshold on a stream whose consumer_limits set it; in pedantic mode the server refuses to copy it in",
                           fix: "add inactive_threshold: \(durationText(int(limits, "inactive_threshold"))) (or less)")
            }
            return []
        },
        ServerRule("backoff-ack-wait", .consumer, err: 10157, pedantic: true) { input in
            guard let first = input.consumer["backoff"]?.arrayValue?.first?.intValue else { return [] }
            let acks = ["explicit", "all"].contains(input.consumer["ack_policy"]?.stringValue ?? "none")
            // The server fills ack_wait (30 s when acked) before it compares.
            let wait = int(input.consumer, "ack_wait") != 0 ? int(input.consumer, "ack_wait") : acks ? 30_000_000_000 : 0
            guard wait != first else { return [] }
            return one("backoff", "has backoff starting at \(durationText(first)) but \(int(input.consumer, "ack_wait") != 0 ? "ack_wait \(durationText(wait))" : acks ? "the default ack_wait of 30s" : "no ack_wait"); in pedantic mode they must agree",
                       fix: "set ack_wait: \(durationText(first))")
        },
        ServerRule("priority-group-names", .consumer, err: 10162, releases: .from(ServerVersion(2, 11))) { input in
            // Checked when a policy is set (without one, 2.12+ refuses the groups anyway: 10196).
            guard (text(input.consumer, "priority_policy") ?? "none") != "none" else { return [] }
            for (i, group) in strings(input.consumer["priority_groups"]).enumerated() {
                let valid = !group.isEmpty && group.count <= 16 && group.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "/_=-".unicodeScalars.contains($0)
                }
                if !valid {
                    return one("priority_groups[\(i)]", "has priority group '\(group)'; names are 1 to 16 of A-Z a-z 0-9 / _ = -",
                               fix: "rename the group")
                }
            }
            return []
        },
        ServerRule("priority-none-with-groups", .consumer, err: 10196, releases: .from(ServerVersion(2, 12))) { input in
            guard (text(input.consumer, "priority_policy") ?? "none") == "none" else { return [] }
            if !strings(input.consumer["priority_groups"]).isEmpty {
                return one("priority_groups", "has priority_groups without a priority_policy", fix: "add priority_policy: overflow, pinned_client or prioritized, or remove priority_groups")
            }
            if int(input.consumer, "priority_timeout") > 0 {
                return one("priority_timeout", "has priority_timeout without a priority_policy (error 10197)", fix: "remove priority_timeout, or add priority_policy: pinned_client")
            }
            return []
        },
        ServerRule("overlapping-filters", .consumer, err: 10138, releases: .before(ServerVersion(2, 12, 5))) { input in
            overlappingFilters(input.consumer, Subjects.overlap)
        },
        ServerRule("nested-filters", .consumer, err: 10138, releases: .from(ServerVersion(2, 12, 5))) { input in
            overlappingFilters(input.consumer) { a, b in Subjects.isSubset(a, of: b) || Subjects.isSubset(b, of: a) }
        },
        ServerRule("flow-control-acks", .consumer, err: 10218, releases: .from(ServerVersion(2, 14))) { input in
            let c = input.consumer
            guard c["ack_policy"]?.stringValue == "flow_control" else { return [] }
            if !isPush(c) { return one("ack_policy", "acks by flow control, which needs a push consumer", fix: "add deliver_subject") }
            if int(c, "max_ack_pending") <= 0 { return one("max_ack_pending", "acks by flow control, which needs max_ack_pending above 0 (error 10220)", fix: "add max_ack_pending: 1000") }
            if c["ack_wait"] != nil || c["backoff"] != nil {
                return one(c["ack_wait"] != nil ? "ack_wait" : "backoff", "acks by flow control, which takes no ack_wait or backoff (error 10221)", fix: "remove ack_wait and backoff")
            }
            if int(c, "max_deliver") > 0 { return one("max_deliver", "acks by flow control, which takes no max_deliver (error 10222)", fix: "remove max_deliver") }
            return []
        },
    ]

    /// Without pedantic mode the server switches flow control on with a 1 s heartbeat itself.
    static let flowControlAcksPedantic = ServerRule("flow-control-acks-explicit", .consumer, err: 10219, releases: .from(ServerVersion(2, 14)),
                                                    pedantic: true) { input in
        let c = input.consumer
        guard c["ack_policy"]?.stringValue == "flow_control", isPush(c) else { return [] }
        if !on(c, "flow_control") { return one("ack_policy", "acks by flow control without flow_control: true", fix: "add flow_control: true") }
        if int(c, "idle_heartbeat") != 1_000_000_000 {
            return one("idle_heartbeat", "acks by flow control, which needs idle_heartbeat: 1s (error 10052)", fix: "set idle_heartbeat: 1s")
        }
        return []
    }

    static func overlappingFilters(_ c: JSONObject, _ clash: (String, String) -> Bool) -> [RuleViolation] {
        let list = strings(c["filter_subjects"])
        for (i, a) in list.enumerated() {
            if let b = list[..<i].first(where: { clash(a, $0) }) {
                return one("filter_subjects[\(i)]", "has filter '\(a)' overlapping its filter '\(b)'", fix: "remove one, or make them disjoint")
            }
        }
        return []
    }

    /// `5s`, `1m30s`, `250ms` for messages.
    public static func durationText(_ nanos: Int64) -> String {
        if nanos % 1_000_000_000 != 0 { return nanos % 1_000_000 == 0 ? "\(nanos / 1_000_000)ms" : "\(nanos)ns" }
        var seconds = nanos / 1_000_000_000
        var out = ""
        if seconds >= 3600 { out += "\(seconds / 3600)h"; seconds %= 3600 }
        if seconds >= 60 { out += "\(seconds / 60)m"; seconds %= 60 }
        if seconds > 0 || out.isEmpty { out += "\(seconds)s" }
        return out
    }

    /// The violations of `config` (a stream's, or a consumer's with its stream) on `version`: every rule
    /// that holds there, or with no version only those that hold everywhere. `creating` adds the
    /// create-only rules.
    public static func violations(_ input: RuleInput, target: ServerRule.Target, version: ServerVersion?,
                                  creating: Bool) -> [(rule: ServerRule, violation: RuleViolation)] {
        violations(input, among: rules(for: target).filter { rule in
            (creating || !rule.createOnly) && (version.map(rule.holds(on:)) ?? rule.holdsEverywhere)
        })
    }

    /// The violations of `input` among `rules`.
    public static func violations(_ input: RuleInput, among rules: [ServerRule]) -> [(rule: ServerRule, violation: RuleViolation)] {
        var out: [(ServerRule, RuleViolation)] = []
        for rule in rules {
            if let triggers = rule.triggers {
                let config = rule.target == .stream ? input.stream : input.consumer
                guard triggers.contains(where: { config[$0] != nil }) else { continue }
            }
            for violation in rule.check(input) { out.append((rule, violation)) }
        }
        return out
    }
}
