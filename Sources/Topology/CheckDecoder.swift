import JetStreamSchema

/// Reads a `check:` section (`FieldCatalog.check`) into a `CheckSpec`: known metrics only, `warn`/`crit`
/// of the metric's kind, never negative, `warn` at most `crit`.
struct CheckDecoder {
    /// Wrong words people write for a metric or a threshold, mapped to the right one.
    static let aliases: [String: String] = [
        "unprocessed": "pending", "num_pending": "pending", "outstanding": "ack_pending", "outstanding_ack": "ack_pending",
        "num_ack_pending": "ack_pending", "ack_outstanding": "ack_pending", "redeliveries": "redelivered",
        "num_redelivered": "redelivered", "redelivery": "redelivered", "num_waiting": "waiting", "waiting_pulls": "waiting",
        "last_delivery": "last_active", "last_delivered": "last_active", "idle": "last_active", "msgs": "messages",
        "num_msgs": "messages", "size": "bytes", "warning": "warn", "critical": "crit", "warn_at": "warn", "crit_at": "crit",
    ]

    /// The thresholds under `check`, or nil (reported to `bag`) when the section is unusable as a whole.
    /// `metrics`: those of this kind of resource; `owner` names it in messages (`consumer 'C' of stream 'S'`).
    func decode(_ key: YScalar, _ node: YNode, metrics: [CheckMetric], owner: String, bag: inout DiagnosticBag) -> CheckSpec? {
        let example = metrics.first == .pending ? "pending: {warn: 100, crit: 1000}" : "messages: {warn: 10000, crit: 100000}"
        if case .scalar(let s) = node, s.isNull {
            bag.error(key.location, "'check' in \(owner) has no thresholds", fix: "write them like \(example), or remove the key")
            return nil
        }
        guard case .mapping(let entries, _) = node else {
            bag.error(node.location, "'check' in \(owner) must be a mapping of metrics, got \(node.kindName)",
                      fix: "write thresholds like \(example)")
            return nil
        }
        var spec = CheckSpec(thresholds: [], location: key.location)
        let names = metrics.map(\.rawValue)
        for entry in entries {
            let name = entry.key.text
            guard let metric = CheckMetric(rawValue: name), metrics.contains(metric) else {
                if let other = CheckMetric(rawValue: name) {
                    let measured = other.isConsumerMetric ? "consumers" : "streams and buckets"
                    bag.error(entry.key.location, "metric '\(name)' in 'check' of \(owner) is measured on \(measured) only",
                              fix: "use one of: \(names.joined(separator: ", "))")
                } else if let suggestion = Suggestions.suggest(name, among: names, aliases: Self.aliases) {
                    bag.error(entry.key.location, "unknown metric '\(FieldDecoder.clip(name))' in 'check' of \(owner)",
                              fix: "did you mean '\(suggestion)'?")
                } else {
                    bag.error(entry.key.location, "unknown metric '\(FieldDecoder.clip(name))' in 'check' of \(owner)",
                              fix: "use one of: \(names.joined(separator: ", "))")
                }
                continue
            }
            if spec.threshold(metric) != nil {
                bag.error(entry.key.location, "duplicate metric '\(name)' in 'check' of \(owner)", fix: "keep one")
                continue
            }
            if let threshold = decodeThreshold(metric, entry.key, entry.value, owner: owner, bag: &bag) {
                spec.thresholds.append(threshold)
            }
        }
        return spec
    }

    private func decodeThreshold(_ metric: CheckMetric, _ key: YScalar, _ node: YNode, owner: String,
                                 bag: inout DiagnosticBag) -> CheckThreshold? {
        let path = "check.\(metric.rawValue)"
        let sample = metric.unit == .duration ? "{warn: 5m, crit: 1h}" : metric.unit == .bytes ? "{warn: 1GiB, crit: 4GiB}"
            : "{warn: 100, crit: 1000}"
        guard case .mapping(let entries, _) = node else {
            bag.error(node.location, "'\(path)' in \(owner) must be a mapping with warn and crit, got \(node.kindName)",
                      fix: "write \(metric.rawValue): \(sample)")
            return nil
        }
        var threshold = CheckThreshold(metric: metric, warn: nil, crit: nil, location: key.location)
        var at: [String: SourceLocation] = [:]
        var failed = false
        for entry in entries {
            let name = entry.key.text
            guard name == "warn" || name == "crit" else {
                let fix = Suggestions.suggest(name, among: ["warn", "crit"], aliases: Self.aliases).map { "did you mean '\($0)'?" }
                    ?? "use warn and crit"
                bag.error(entry.key.location, "unknown key '\(FieldDecoder.clip(name))' in '\(path)' of \(owner)", fix: fix)
                failed = true
                continue
            }
            guard at[name] == nil else {
                bag.error(entry.key.location, "duplicate key '\(name)' in '\(path)' of \(owner)", fix: "keep one")
                failed = true
                continue
            }
            at[name] = entry.key.location
            let what = "'\(path).\(name)' in \(owner)"
            if case .scalar(let s) = entry.value, s.text.hasPrefix("-"), !s.failed {
                let shown = s.expanded ? "the value" : "'\(FieldDecoder.clip(s.text))'"
                bag.error(s.location, "\(what) is negative: \(shown)",
                          fix: "thresholds are 0 or more: above warn is a warning, above crit critical")
                failed = true
                continue
            }
            var locations: [String: SourceLocation] = [:]
            let field = FieldSpec(name, metric.thresholdKind, "")
            guard let value = FieldDecoder().decodeValue(entry.value, field: field, what: what, path: path, root: nil,
                                                         locations: &locations, bag: &bag)?.intValue else {
                failed = true
                continue
            }
            if name == "warn" { threshold.warn = value } else { threshold.crit = value }
        }
        if failed { return nil }
        if threshold.warn == nil && threshold.crit == nil {
            bag.error(key.location, "'\(path)' in \(owner) has neither warn nor crit", fix: "write \(metric.rawValue): \(sample)")
            return nil
        }
        if let warn = threshold.warn, let crit = threshold.crit, warn > crit {
            bag.error(at["warn"] ?? key.location,
                      "'\(path)' in \(owner) warns at \(metric.format(warn)), above its crit \(metric.format(crit))",
                      fix: "make warn at most crit (a warning comes before critical), e.g. swap them")
            return nil
        }
        return threshold
    }
}
