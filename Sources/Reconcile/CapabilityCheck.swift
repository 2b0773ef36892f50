import JetStreamSchema
public import Topology

/// Plan-time checks of the file against the server: fields and values newer than the server's release,
/// and replica counts the cluster cannot hold.
public enum CapabilityCheck {
    /// Every problem, in file order.
    public static func check(_ topology: TopologySpec, capabilities: ServerCapabilities) -> [PlanIssue] {
        check(topology, capabilities: capabilities, stated: [:])
    }

    /// `stated`: per stream, the consumer limits the plan sends its consumers with where they leave them
    /// unset (`PlanBuilder.statedLimits`).
    static func check(_ topology: TopologySpec, capabilities: ServerCapabilities, stated: [String: JSONObject]) -> [PlanIssue] {
        var issues: [PlanIssue] = []
        let rules = ReleaseRules(capabilities.version, creating: false)
        for stream in topology.streams {
            issues += releaseRules(stream, capabilities: capabilities, rules: rules, stated: stated[stream.name] ?? [:])
            let owner = "stream \(stream.name)"
            checkFields(stream.config, fields: FieldCatalog.stream, path: "", owner: owner,
                        locations: stream.fieldLocations, fallback: stream.location, capabilities: capabilities,
                        into: &issues)
            let replicas = stream.int("num_replicas") ?? 1
            if capabilities.knowsClusterSize && replicas > Int64(capabilities.clusterSize) {
                issues.append(PlanIssue(
                    .error, "\(owner): num_replicas is \(replicas) but the cluster has \(servers(capabilities.clusterSize))",
                    fix: "use at most \(capabilities.clusterSize) replicas or add servers",
                    at: stream.location(of: "num_replicas")))
            }
            for consumer in stream.consumers {
                let cowner = "consumer \(stream.name).\(consumer.name)"
                checkFields(consumer.config, fields: FieldCatalog.consumer, path: "", owner: cowner,
                            locations: consumer.fieldLocations, fallback: consumer.location, capabilities: capabilities,
                            into: &issues)
                let creplicas = consumer.int("num_replicas") ?? 0
                if capabilities.knowsClusterSize && creplicas > Int64(capabilities.clusterSize) {
                    issues.append(PlanIssue(
                        .error, "\(cowner): num_replicas is \(creplicas) but the cluster has \(servers(capabilities.clusterSize))",
                        fix: "use at most \(capabilities.clusterSize), or 0 to follow the stream",
                        at: consumer.location(of: "num_replicas")))
                } else if creplicas > max(replicas, 1) {
                    issues.append(PlanIssue(
                        .error, "\(cowner): num_replicas is \(creplicas), more than its stream's \(max(replicas, 1))",
                        fix: "use 0 to follow the stream, or at most \(max(replicas, 1))",
                        at: consumer.location(of: "num_replicas")))
                }
            }
        }
        for bucket in topology.buckets {
            let owner = "\(bucket.kind.label) \(bucket.name)"
            let stream = bucket.streamSpec
            issues += releaseRules(stream, capabilities: capabilities, rules: rules)
            checkFields(bucket.config, fields: bucket.kind.fields, path: "", owner: owner, locations: bucket.fieldLocations,
                        fallback: bucket.location, capabilities: capabilities, into: &issues)
            let replicas = stream.int("num_replicas") ?? 1
            if capabilities.knowsClusterSize && replicas > Int64(capabilities.clusterSize) {
                issues.append(PlanIssue(
                    .error, "\(owner): num_replicas is \(replicas) but the cluster has \(servers(capabilities.clusterSize))",
                    fix: "use at most \(capabilities.clusterSize) replicas or add servers", at: bucket.location(of: "num_replicas")))
            }
        }
        return issues.sorted { ($0.location?.line ?? 0, $0.location?.column ?? 0) < ($1.location?.line ?? 0, $1.location?.column ?? 0) }
    }

    /// The schema's server rules for one release that the validator did not check (it checked those
    /// that hold everywhere); with `creating`, the create-only ones. Chosen once per plan.
    struct ReleaseRules {
        var stream: [ServerRule]
        var consumer: [ServerRule]

        init(_ version: ServerVersion, creating: Bool) {
            func chosen(_ target: ServerRule.Target) -> [ServerRule] {
                ServerRules.rules(for: target).filter { rule in
                    rule.holds(on: version) && (creating ? rule.createOnly : !rule.holdsEverywhere && !rule.createOnly)
                }
            }
            stream = chosen(.stream)
            consumer = chosen(.consumer)
        }
    }

    /// Errors for what `rules` find in the stream and its consumers: the server would refuse the config.
    static func releaseRules(_ stream: StreamSpec, capabilities: ServerCapabilities, rules: ReleaseRules,
                             stated: JSONObject = [:]) -> [PlanIssue] {
        let version = capabilities.version
        func issues(_ found: [(rule: ServerRule, violation: RuleViolation)], owner: String,
                    at location: (String) -> SourceLocation) -> [PlanIssue] {
            found.map { rule, v in
                PlanIssue(.error, "\(owner) \(v.message) (nats-server \(version) refuses it\(rule.pedantic ? " in pedantic mode, which jetform uses" : ""): error \(rule.errCode))",
                          fix: v.fix, at: location(v.path))
            }
        }
        var out = issues(ServerRules.violations(RuleInput(stream: stream.config), among: rules.stream),
                         owner: "stream \(stream.name)", at: stream.location(of:))
        for consumer in stream.consumers where !rules.consumer.isEmpty {
            let sent = stated.isEmpty ? consumer.config : PlanBuilder.stating(stated, in: consumer.config)
            out += issues(ServerRules.violations(RuleInput(stream: stream.config, consumer: sent), among: rules.consumer),
                          owner: "consumer \(stream.name).\(consumer.name)", at: consumer.location(of:))
        }
        return out
    }

    private static func servers(_ n: Int) -> String { n == 1 ? "1 server" : "\(n) servers" }

    private static func checkFields(_ object: JSONObject, fields: [FieldSpec], path: String, owner: String,
                                    locations: [String: SourceLocation], fallback: SourceLocation,
                                    capabilities: ServerCapabilities, into issues: inout [PlanIssue]) {
        // A server at least as new as every field and value of the table supports the whole file.
        guard !capabilities.supports(FieldCatalog.newestRelease) else { return }
        for (key, value) in object {
            guard let field = FieldCatalog.field(key, in: fields) else { continue }
            let fieldPath = path.isEmpty ? key : "\(path).\(key)"
            let location = locations[fieldPath] ?? fallback
            if !capabilities.supports(field.since) {
                issues.append(PlanIssue(
                    .error, "\(owner): '\(fieldPath)' needs nats-server \(field.since) or later; the server runs \(capabilities.version)",
                    fix: "remove it or upgrade the servers", at: location))
                continue
            }
            switch field.kind {
            case .enumeration(let values):
                if let text = value.stringValue, let known = values.first(where: { $0.value == text }),
                   !capabilities.supports(known.since) {
                    issues.append(PlanIssue(
                        .error, "\(owner): '\(fieldPath): \(text)' needs nats-server \(known.since) or later; the server runs \(capabilities.version)",
                        fix: "choose another value or upgrade the servers", at: location))
                }
            case .object(let nested):
                if let inner = value.objectValue {
                    checkFields(inner, fields: nested, path: fieldPath, owner: owner, locations: locations,
                                fallback: location, capabilities: capabilities, into: &issues)
                }
            case .objectList(let nested):
                for (i, item) in (value.arrayValue ?? []).enumerated() {
                    guard let inner = item.objectValue else { continue }
                    let itemPath = "\(fieldPath)[\(i)]"
                    checkFields(inner, fields: nested, path: itemPath, owner: owner, locations: locations,
                                fallback: locations[itemPath] ?? location, capabilities: capabilities, into: &issues)
                }
            default:
                break
            }
        }
    }
}
