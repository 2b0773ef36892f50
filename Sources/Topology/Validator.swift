import JetStreamSchema

/// Checks that need the whole topology: references, overlaps, work-queue rules, and the
/// valid-but-lossy setups that deserve a warning.
struct TopologyValidator {
    let topology: TopologySpec

    /// nats-server's default `ack_wait` when none is given.
    static let defaultAckWait: Int64 = 30_000_000_000

    func validate(into bag: inout DiagnosticBag) {
        checkReferences(&bag)
        checkStreamOverlaps(&bag)
        _ = bag.chunked(topology.streams) { stream, bag -> Void? in checkAlone(stream, &bag) }
        for bucket in topology.buckets {
            checkBucket(bucket, &bag)
            checkLagThreshold(bucket.check, config: bucket.config, owner: bucket.owner, &bag)
        }
        topology.smoke?.validate(in: topology, bag: &bag)
    }

    /// The checks of one stream and its consumers.
    private func checkAlone(_ stream: StreamSpec, _ bag: inout DiagnosticBag) {
        checkServerRules(stream, &bag)
        checkStream(stream, &bag)
        checkWorkQueue(stream, &bag)
        for consumer in stream.consumers { checkConsumer(consumer, of: stream, &bag) }
        checkLagThreshold(stream.check, config: stream.config, owner: "stream '\(stream.name)'", &bag)
        for consumer in stream.consumers where consumer.isPush {
            // Push consumers take no pull requests: num_waiting stays 0.
            guard let waiting = consumer.check?.threshold(.waiting) else { continue }
            bag.warning(waiting.location, "'check.waiting' in consumer '\(consumer.name)' of stream '\(stream.name)' counts pull requests, and it is a push consumer",
                        fix: "remove waiting; it always measures 0 here")
        }
    }

    /// A bucket's own fields, and the server's rules for the stream it maps to (reported at the bucket
    /// field they come from).
    private func checkBucket(_ b: BucketSpec, _ bag: inout DiagnosticBag) {
        let owner = b.owner
        if let stream = topology.stream(named: b.streamName) {
            bag.error(stream.location, "stream '\(stream.name)' is the stream of \(owner)",
                      fix: "declare the bucket under 'kv' only, or rename the stream")
        }
        checkMinimums(b.config, fields: b.kind.fieldsByName, owner: owner, at: b.location(of:), &bag)
        checkKeys(b, &bag)
        let spec = b.streamSpec
        for (rule, v) in ServerRules.violations(RuleInput(stream: spec.config), among: ServerRules.rules(for: .stream)) where !rule.createOnly {
            let field = b.kind.bucketPath(streamPath: v.path) ?? v.path
            if rule.holdsEverywhere {
                bag.error(spec.location(of: v.path), "\(owner): \(field): \(v.message)", fix: v.fix)
            } else {
                bag.warning(spec.location(of: v.path), "\(owner): \(field): \(v.message): nats-server \(rule.releaseText) refuses it (error \(rule.errCode))",
                            fix: v.fix)
            }
        }
    }

    /// A mirror takes no puts (it has no subjects of its own), and a value larger than the bucket's
    /// `max_value_size` is refused by the server (10054) — said here without printing the value.
    private func checkKeys(_ b: BucketSpec, _ bag: inout DiagnosticBag) {
        guard !b.keys.isEmpty else { return }
        if let origin = b.config["mirror"]?["name"]?.stringValue {
            bag.error(b.location(of: "keys"), "\(b.owner) is a mirror of '\(origin)': it takes no puts, its keys are the origin's",
                      fix: "declare the keys on bucket '\(origin)'")
            return
        }
        guard let limit = b.config["max_value_size"]?.intValue, limit >= 0 else { return }
        for key in b.keys where key.value.value.utf8.count > limit {
            bag.error(key.location, "the value of key '\(key.key)' in \(b.owner) is \(key.value.value.utf8.count) bytes, more than its max_value_size of \(limit)",
                      fix: "shorten the value, or raise max_value_size")
        }
    }

    /// `check.lag` measures mirrors and sources: a stream with neither has nothing to measure.
    private func checkLagThreshold(_ check: CheckSpec?, config: JSONObject, owner: String, _ bag: inout DiagnosticBag) {
        guard let lag = check?.threshold(.lag), config["mirror"] == nil, config["sources"] == nil else { return }
        bag.error(lag.location, "'check.lag' in \(owner) measures a mirror or sources, and it has neither",
                  fix: "remove lag, or declare the mirror or sources it should follow")
    }

    private func checkReferences(_ bag: inout DiagnosticBag) {
        let names = topology.contexts.map(\.name).joined(separator: ", ")
        for (key, value) in [("context", Optional(topology.context)), ("system_context", topology.systemContext)] {
            guard let value, let at = topology.fieldLocations[key], topology.context(named: value) == nil else { continue }
            bag.error(at, "\(key) '\(value)' is not declared under 'contexts'",
                      fix: names.isEmpty ? "declare it under 'contexts'" : "use one of: \(names)")
        }
    }

    private func checkStreamOverlaps(_ bag: inout DiagnosticBag) {
        // The earlier streams' subjects in a token trie, so a file with a thousand streams is not a million
        // comparisons; the trie finds the streams that can overlap, the exact check below reports them.
        var trie = SubjectTrie()
        for (i, a) in topology.streams.enumerated() {
            var candidates: Set<Int> = []
            for subject in a.subjects { trie.collect(overlapping: subject, into: &candidates) }
            for subject in a.subjects { trie.insert(subject, owner: i) }
            for b in candidates.sorted().map({ topology.streams[$0] }) {
                for (j, subject) in a.subjects.enumerated() {
                    guard let other = b.subjects.first(where: { Subjects.overlap(subject, $0) }) else { continue }
                    bag.error(a.location(of: "subjects[\(j)]"),
                              "subject '\(subject)' of stream '\(a.name)' overlaps '\(other)' of stream '\(b.name)'",
                              fix: "a message may be stored by one stream only: make the subjects disjoint")
                }
            }
        }
    }

    private func checkStream(_ s: StreamSpec, _ bag: inout DiagnosticBag) {
        for (j, subject) in s.subjects.enumerated() {
            if let first = s.subjects[..<j].first(where: { Subjects.overlap(subject, $0) }) {
                bag.error(s.location(of: "subjects[\(j)]"), "subject '\(subject)' of stream '\(s.name)' overlaps '\(first)'",
                          fix: "remove one; a stream's subjects must not overlap each other")
            }
        }
        let maxAge = s.int("max_age") ?? 0
        if let window = s.int("duplicate_window"), maxAge > 0, window > maxAge {
            bag.error(s.location(of: "duplicate_window"),
                      "duplicate_window \(DurationText.format(window)) of stream '\(s.name)' is longer than its max_age \(DurationText.format(maxAge))",
                      fix: "set duplicate_window to at most \(DurationText.format(maxAge)), or leave it out")
        }
        if s.config["discard_new_per_subject"]?.boolValue == true {
            if s.config["discard"]?.stringValue != "new" || (s.int("max_msgs_per_subject") ?? 0) <= 0 {
                bag.error(s.location(of: "discard_new_per_subject"),
                          "discard_new_per_subject in stream '\(s.name)' needs discard: new and a max_msgs_per_subject limit",
                          fix: "add discard: new and max_msgs_per_subject: N, or remove discard_new_per_subject")
            }
        }
        if s.config["mirror"] != nil {
            if !s.subjects.isEmpty {
                bag.error(s.location(of: "subjects"), "stream '\(s.name)' is a mirror and cannot have subjects",
                          fix: "remove subjects; a mirror only copies its origin")
            }
            if s.config["sources"] != nil {
                bag.error(s.location(of: "sources"), "stream '\(s.name)' has both mirror and sources",
                          fix: "use either mirror or sources")
            }
        }
        let storage = s.config["storage"]?.stringValue
        let replicas = s.int("num_replicas") ?? 1
        checkCombinations(s, storage: storage, replicas: replicas, &bag)
        if storage == "memory" && replicas == 1 {
            bag.warning(s.location(of: "num_replicas") == s.location ? s.location(of: "storage") : s.location(of: "num_replicas"),
                        "stream '\(s.name)' keeps its only copy in memory: every message is lost when that server restarts",
                        fix: "set num_replicas: 3, or storage: file")
        }
    }

    /// Field combinations nats-server refuses with 10052 (checked on 2.15.1): caught here, before the
    /// cluster is touched, with the field to change.
    private func checkCombinations(_ s: StreamSpec, storage: String?, replicas: Int64, _ bag: inout DiagnosticBag) {
        func on(_ field: String) -> Bool { s.config[field]?.boolValue == true }
        if s.config["persist_mode"]?.stringValue == "async" {
            if storage == "memory" {
                bag.error(s.location(of: "persist_mode"), "persist_mode async in stream '\(s.name)' needs file storage",
                          fix: "remove persist_mode, or set storage: file")
            } else if replicas > 1 {
                bag.error(s.location(of: "persist_mode"),
                          "persist_mode async in stream '\(s.name)' works only with one replica, and it has num_replicas \(replicas)",
                          fix: "remove persist_mode (replicated streams write through their Raft log), or set num_replicas: 1")
            }
        }
        if on("allow_rollup_hdrs") && on("deny_purge") {
            bag.error(s.location(of: "allow_rollup_hdrs"), "stream '\(s.name)' allows roll-ups but denies purges, and a roll-up purges",
                      fix: "remove deny_purge, or remove allow_rollup_hdrs")
        }
        if s.config["persist_mode"]?.stringValue == "async" && on("allow_atomic") {
            bag.error(s.location(of: "allow_atomic"), "stream '\(s.name)' has persist_mode async, which atomic batch publishing cannot use",
                      fix: "remove allow_atomic, or remove persist_mode")
        }
        if on("allow_msg_counter") {
            if on("allow_msg_ttl") {
                bag.error(s.location(of: "allow_msg_ttl"), "counter stream '\(s.name)' cannot use message TTLs",
                          fix: "remove allow_msg_ttl, or remove allow_msg_counter")
            }
            if let retention = s.retention, retention != "limits" {
                bag.error(s.location(of: "retention"), "counter stream '\(s.name)' has retention \(retention); counters keep limits retention",
                          fix: "remove retention, or remove allow_msg_counter")
            }
        }
        // Older servers switched these on by themselves; jetform creates in pedantic mode, where they refuse.
        if on("allow_msg_schedules") {
            if !on("allow_rollup_hdrs") {
                bag.error(s.location(of: "allow_msg_schedules"), "allow_msg_schedules in stream '\(s.name)' needs allow_rollup_hdrs: true",
                          fix: "add allow_rollup_hdrs: true")
            }
        }
    }

    /// The schema's server rules that hold on every release are errors; one that holds on some releases
    /// only is a warning naming them (the planner makes it an error for a server that refuses it).
    private func checkServerRules(_ s: StreamSpec, _ bag: inout DiagnosticBag) {
        func report(_ found: [(rule: ServerRule, violation: RuleViolation)], owner: String, at location: (String) -> SourceLocation) {
            for (rule, v) in found where !rule.createOnly {
                if rule.holdsEverywhere {
                    bag.error(location(v.path), "\(owner) \(v.message)", fix: v.fix)
                } else {
                    bag.warning(location(v.path), "\(owner) \(v.message): nats-server \(rule.releaseText) refuses it (error \(rule.errCode))", fix: v.fix)
                }
            }
        }
        func all(_ input: RuleInput, _ target: ServerRule.Target) -> [(rule: ServerRule, violation: RuleViolation)] {
            ServerRules.violations(input, among: ServerRules.rules(for: target))
        }
        report(all(RuleInput(stream: s.config), .stream), owner: "stream '\(s.name)'", at: s.location(of:))
        checkMinimums(s.config, fields: StreamFields.byName, owner: "stream '\(s.name)'", at: s.location(of:), &bag)
        for c in s.consumers {
            report(all(RuleInput(stream: s.config, consumer: c.config), .consumer), owner: "consumer '\(c.name)' of stream '\(s.name)'",
                   at: c.location(of:))
            checkMinimums(c.config, fields: ConsumerFields.byName, owner: "consumer '\(c.name)' of stream '\(s.name)'",
                          at: c.location(of:), &bag)
        }
    }

    /// Set values below the least the server accepts for the field (`FieldSpec.minimum`).
    private func checkMinimums(_ config: JSONObject, fields: [String: FieldSpec], owner: String, at location: (String) -> SourceLocation,
                               _ bag: inout DiagnosticBag) {
        // The config's few members, not the table's many fields: a plan validates thousands of configs.
        for (key, value) in config {
            guard let minimum = fields[key]?.minimum, let value = value.intValue, value > 0, value < minimum.value else { continue }
            let least = DurationText.format(minimum.value)
            bag.error(location(key), "\(key) \(DurationText.format(value)) in \(owner) is below the server's minimum of \(least) (error \(minimum.errCode))",
                      fix: "use \(least) or more, or leave \(key) out")
        }
    }

    private func checkWorkQueue(_ s: StreamSpec, _ bag: inout DiagnosticBag) {
        guard s.isWorkQueue else { return }
        var unfiltered: [ConsumerSpec] = []
        for (i, c) in s.consumers.enumerated() {
            let ack = c.config["ack_policy"]?.stringValue
            // Flow-control acks (2.14+) count as explicit on work queues.
            if ack != "explicit" && ack != "flow_control" {
                bag.error(c.location(of: "ack_policy"),
                          ack == nil ? "consumer '\(c.name)' of work-queue stream '\(s.name)' has no ack_policy"
                                     : "consumer '\(c.name)' of work-queue stream '\(s.name)' has ack_policy '\(ack!)'",
                          fix: "work queues remove a message when it is acknowledged: set ack_policy: explicit")
            }
            if let deliver = c.config["deliver_policy"]?.stringValue, deliver != "all" {
                bag.error(c.location(of: "deliver_policy"),
                          "consumer '\(c.name)' of work-queue stream '\(s.name)' has deliver_policy '\(deliver)'",
                          fix: "work queues only allow deliver_policy: all; remove it or set all")
            }
            if c.filters.isEmpty {
                if let first = unfiltered.first {
                    bag.error(c.location, "work-queue stream '\(s.name)' has a second consumer without a filter ('\(c.name)' and '\(first.name)')",
                              fix: "give each consumer a filter_subject that no other consumer of '\(s.name)' matches")
                }
                unfiltered.append(c)
                continue
            }
            for other in s.consumers[..<i] where !other.filters.isEmpty {
                if let (mine, theirs) = firstOverlap(c.filters, other.filters) {
                    bag.error(c.location(of: c.config["filter_subject"] != nil ? "filter_subject" : "filter_subjects"),
                              "filter '\(mine)' of consumer '\(c.name)' overlaps filter '\(theirs)' of consumer '\(other.name)' on work-queue stream '\(s.name)'",
                              fix: "a work-queue message goes to one consumer: make the filters disjoint")
                }
            }
        }
        if let first = unfiltered.first, s.consumers.contains(where: { !$0.filters.isEmpty }) {
            bag.error(first.location, "consumer '\(first.name)' of work-queue stream '\(s.name)' has no filter but other consumers exist",
                      fix: "an unfiltered consumer overlaps every other one: give it a filter_subject")
        }
    }

    private func firstOverlap(_ a: [String], _ b: [String]) -> (String, String)? {
        for x in a { if let y = b.first(where: { Subjects.overlap(x, $0) }) { return (x, y) } }
        return nil
    }

    private func checkConsumer(_ c: ConsumerSpec, of s: StreamSpec, _ bag: inout DiagnosticBag) {
        let owner = "consumer '\(c.name)' of stream '\(s.name)'"
        if c.config["filter_subject"] != nil && c.config["filter_subjects"] != nil {
            bag.error(c.location(of: "filter_subjects"), "\(owner) has both filter_subject and filter_subjects",
                      fix: "move filter_subject into the filter_subjects list")
        }
        // The server has no such rule (a transform, sources or a mirror can store other subjects); only
        // where the stream can hold nothing but its own subjects is such a filter certainly empty.
        let storesOnlyItsSubjects = s.config["subject_transform"] == nil && s.config["sources"] == nil && s.config["mirror"] == nil
        if !s.subjects.isEmpty && storesOnlyItsSubjects {
            for filter in c.filters where !s.subjects.contains(where: { Subjects.overlap(filter, $0) }) {
                bag.warning(c.location(of: c.config["filter_subject"] != nil ? "filter_subject" : "filter_subjects"),
                            "filter '\(filter)' of \(owner) matches none of the stream's subjects: the consumer never receives a message",
                            fix: "use a subject within \(s.subjects.joined(separator: ", "))")
            }
        }
        let backoff = c.config["backoff"]?.arrayValue?.compactMap(\.intValue) ?? []
        if let maxDeliver = c.int("max_deliver"), maxDeliver > 0, backoff.count > maxDeliver {
            bag.error(c.location(of: "backoff"), "\(owner) has \(backoff.count) backoff steps but max_deliver \(maxDeliver)",
                      fix: "use at most \(maxDeliver) backoff steps, or raise max_deliver to \(backoff.count) or more")
        }
        // Fields the server accepts on the other kind of consumer and ignores there.
        for field in ["max_batch", "max_expires", "max_bytes", "priority_groups"] where c.isPush && c.config[field] != nil {
            bag.warning(c.location(of: field), "\(field) in \(owner) applies to pull consumers only; with deliver_subject it does nothing",
                        fix: "remove \(field), or remove deliver_subject to make it a pull consumer")
        }
        if !c.isPush && c.config["deliver_group"] != nil {
            bag.warning(c.location(of: "deliver_group"), "deliver_group in \(owner) applies to push consumers only; without deliver_subject it does nothing",
                        fix: "remove deliver_group, or add deliver_subject")
        }
        checkStartPolicy(c, owner: owner, &bag)
        if c.config["deliver_policy"]?.stringValue == "last_per_subject" && c.filters.isEmpty {
            bag.error(c.location(of: "deliver_policy"), "deliver_policy last_per_subject in \(owner) needs filter_subject or filter_subjects",
                      fix: "add filter_subject with the subjects whose last messages it starts from")
        }
        let groups = c.config["priority_groups"]?.arrayValue ?? []
        let policy = c.config["priority_policy"]?.stringValue ?? "none"
        if groups.isEmpty && policy != "none" {
            bag.error(c.location(of: "priority_policy"), "priority_policy \(policy) in \(owner) needs priority_groups",
                      fix: "add priority_groups: [NAME], or remove priority_policy")
        }
        if let replicas = c.int("num_replicas"), replicas > 0, s.retention == "workqueue" || s.retention == "interest" {
            let streamReplicas = s.int("num_replicas") ?? 1
            if replicas != streamReplicas {
                bag.error(c.location(of: "num_replicas"),
                          "\(owner) has num_replicas \(replicas) but its \(s.retention!) stream has \(streamReplicas)",
                          fix: "on work-queue and interest streams consumers keep the stream's replicas: remove num_replicas or set \(streamReplicas)")
            }
        }
        checkLoss(c, of: s, owner: owner, backoff: backoff, &bag)
        checkInactivity(c, of: s, owner: owner, &bag)
    }

    /// A durable consumer with an inactivity threshold (its own, or the stream's `consumer_limits`
    /// default) is deleted by the server once no client has used it for that long; the next apply
    /// creates it again, from its deliver policy, so what it delivered and had acked is forgotten.
    private func checkInactivity(_ c: ConsumerSpec, of s: StreamSpec, owner: String, _ bag: inout DiagnosticBag) {
        let own = c.int("inactive_threshold") ?? 0
        let limit = s.config["consumer_limits"]?["inactive_threshold"]?.intValue ?? 0
        let threshold = own > 0 ? own : limit
        guard threshold > 0 else { return }
        let (at, source) = own > 0 ? (c.location(of: "inactive_threshold"), "inactive_threshold")
            : (s.location(of: "consumer_limits"), "the stream's consumer_limits")
        bag.warning(at, "\(owner) is deleted by the server after \(DurationText.format(threshold)) without a client (\(source)); the next apply creates it again and it starts over from its deliver policy",
                    fix: own > 0 ? "remove inactive_threshold to keep the consumer while no client uses it"
                        : "remove inactive_threshold from the stream's consumer_limits (a consumer cannot opt out of it)")
    }

    /// `opt_start_seq`/`opt_start_time` go with their deliver policies, as the server insists.
    private func checkStartPolicy(_ c: ConsumerSpec, owner: String, _ bag: inout DiagnosticBag) {
        let policy = c.config["deliver_policy"]?.stringValue
        for (field, needed) in [("opt_start_seq", "by_start_sequence"), ("opt_start_time", "by_start_time")] {
            // A sequence of 0 is no start sequence to the server; any time given is one.
            let has = field == "opt_start_seq" ? (c.config[field]?.intValue ?? 0) != 0 : c.config[field] != nil
            if has && policy != needed {
                bag.error(c.location(of: field), "\(field) in \(owner) needs deliver_policy: \(needed)",
                          fix: "add deliver_policy: \(needed), or remove \(field)")
            } else if !has && policy == needed {
                bag.error(c.location(of: "deliver_policy"), "deliver_policy \(needed) in \(owner) needs \(field)",
                          fix: "add \(field), or choose another deliver_policy")
            }
        }
    }

    private func checkLoss(_ c: ConsumerSpec, of s: StreamSpec, owner: String, backoff: [Int64], _ bag: inout DiagnosticBag) {
        let ack = c.config["ack_policy"]?.stringValue
        let acks = ack == "explicit" || ack == "all" || (ack == nil && s.isWorkQueue)
        if let maxAge = s.int("max_age"), maxAge > 0, acks {
            let (wait, field, source): (Int64, String, String) =
                if let first = backoff.first { (first, "backoff", "first backoff step") }
                else if let ackWait = c.int("ack_wait") { (ackWait, "ack_wait", "ack_wait") }
                else { (Self.defaultAckWait, "ack_wait", "ack_wait, the server default") }
            if wait >= maxAge {
                bag.warning(c.location(of: field),
                            "\(owner) redelivers after \(DurationText.format(wait)) (\(source)), not before the stream's max_age \(DurationText.format(maxAge)): a message held by a crashed client expires before it can be redelivered",
                            fix: "set \(field) below \(DurationText.format(maxAge)), e.g. \(DurationText.format(maxAge * 2 / 5))")
            }
        }
        if let maxDeliver = c.int("max_deliver"), maxDeliver > 0 {
            let advisory = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.\(s.name).\(c.name)"
            let captured = topology.streams.contains { $0.subjects.contains { Subjects.overlap($0, advisory) } }
            if !captured {
                bag.warning(c.location(of: "max_deliver"),
                            "\(owner) gives up on a message after \(maxDeliver) deliveries and nothing keeps it: the message is dropped silently",
                            fix: "add a dead-letter stream with subject \(advisory), or remove max_deliver")
            }
        }
    }
}

/// Subjects by token, for finding the owners of subjects that may overlap a given one.
struct SubjectTrie {
    final class Node {
        var children: [Substring: Node] = [:]
        /// Owners of subjects ending at this node.
        var ends: Set<Int> = []
        /// Owners of subjects with `>` at this position.
        var rest: Set<Int> = []
        /// Every owner below this node (for a `>` in the query).
        var all: Set<Int> = []
    }

    private let root = Node()

    mutating func insert(_ subject: String, owner: Int) {
        var node = root
        node.all.insert(owner)
        for token in subject.split(separator: ".", omittingEmptySubsequences: false) {
            if token == ">" {
                node.rest.insert(owner)
                return
            }
            let next = node.children[token] ?? Node()
            node.children[token] = next
            node = next
            node.all.insert(owner)
        }
        node.ends.insert(owner)
    }

    /// Adds the owners of every stored subject that overlaps `subject` (a superset is fine: callers check).
    func collect(overlapping subject: String, into result: inout Set<Int>) {
        let tokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        var frontier = [root]
        for token in tokens {
            var next: [Node] = []
            for node in frontier {
                result.formUnion(node.rest)
                if token == ">" {
                    result.formUnion(node.all)
                    continue
                }
                if token == "*" {
                    next += node.children.values
                } else {
                    if let child = node.children[token] { next.append(child) }
                    if let star = node.children["*"] { next.append(star) }
                }
            }
            if token == ">" { return }
            frontier = next
        }
        for node in frontier { result.formUnion(node.ends) }
    }
}
