import JetStreamSchema
public import Topology

/// Compares the file with the cluster and decides what to do: a pure function of values.
public enum Planner {
    /// The plan that brings `observed` to `desired`.
    ///
    /// - Streams and consumers of the file that the cluster lacks are created; differing ones are updated
    ///   in place, or replaced (delete, then create) when the server refuses the change in place
    ///   (`ImmutableFields`). A stream replace drops its consumers; the file's consumers are created again.
    /// - A stream whose placement and replicas both change is updated in two steps (the server refuses both
    ///   at once, err 10123): shrinking scales first, otherwise it moves first.
    /// - Resources the file does not declare are left alone and listed in `unmanaged`; those carrying this
    ///   topology's marker are deleted when `options.prune` is set.
    /// - Replaces without `allowReplace`, and deletes of streams holding messages without `allowDataLoss`,
    ///   are planned but blocked.
    /// - Fields newer than the server, too many replicas, and resources owned by another topology are
    ///   errors in `Plan.errors`.
    public static func plan(desired: TopologySpec, observed: ObservedState, capabilities: ServerCapabilities,
                            options: PlanOptions = PlanOptions()) -> Plan {
        // While a server is down the connection announces one fewer; the streams still count it.
        var capabilities = capabilities
        if capabilities.knowsClusterSize { capabilities.clusterSize = max(capabilities.clusterSize, observed.largestPlacement) }
        var planner = PlanBuilder(topology: desired, observed: observed, capabilities: capabilities, options: options)
        if let reserved = desired.stream(named: ApplyLock.streamName) {
            planner.errors.append(PlanIssue(.error, "stream \(ApplyLock.streamName) is jetform's own apply-lock stream",
                                            fix: "rename the stream", at: reserved.location))
        }
        planner.planStreams(desired.streams)
        for bucket in desired.buckets { planner.plan(bucket) }
        // The release's rules judge the consumers as they are sent (with the values the plan states).
        planner.errors = CapabilityCheck.check(desired, capabilities: capabilities, stated: planner.statedLimits) + planner.errors
        let declared = Set(desired.streams.map(\.name) + desired.buckets.map(\.streamName))
        for live in observed.streams.sorted(by: { $0.name < $1.name }) where !declared.contains(live.name) && !ApplyLock.isLockStream(live.name) {
            // jetform's own lock stream belongs to no topology: never listed, never pruned.
            planner.planUndeclared(live)
        }
        planner.checkOverlaps(declared: declared)
        for name in observed.unreadable where !declared.contains(name) {
            planner.warnings.append(PlanIssue(
                .warning, "stream \(name) did not answer (its servers may be down); it is left alone this time, and not pruned",
                fix: "check `jetform status`; plan again once its servers are back", at: nil))
        }
        let fingerprint = PlanFingerprint.compute(resources: planner.actions.map(\.resource), observed: observed,
                                                  capabilities: capabilities)
        return Plan(topology: desired.name, capabilities: capabilities, options: options, actions: planner.actions,
                    unmanaged: planner.unmanaged, warnings: planner.warnings, errors: planner.errors,
                    fingerprint: fingerprint)
    }
}

/// The planner's working state while it walks the file and the cluster.
struct PlanBuilder: Sendable {
    let topology: TopologySpec
    let observed: ObservedState
    let capabilities: ServerCapabilities
    let options: PlanOptions
    var actions: [PlanAction] = []
    var unmanaged: [UnmanagedResource] = []
    var warnings: [PlanIssue] = []
    var errors: [PlanIssue] = []
    /// The create-only server rules of this release, for streams the plan creates or replaces.
    let createRules: CapabilityCheck.ReleaseRules
    /// `kv CONFIG` for the stream `KV_CONFIG` of a bucket of the file, as messages name it.
    var bucketNames: [ResourceID: String] = [:]
    /// Per stream, the consumer limits its consumers are sent with where they leave them unset
    /// (`stating`): those whose limits go down, so the consumers are updated under the old ones.
    var statedLimits: [String: JSONObject] = [:]

    init(topology: TopologySpec, observed: ObservedState, capabilities: ServerCapabilities, options: PlanOptions) {
        self.topology = topology
        self.observed = observed
        self.capabilities = capabilities
        self.options = options
        createRules = CapabilityCheck.ReleaseRules(capabilities.version, creating: true)
    }

    private var replaceBlock: [BlockReason] { options.allowReplace ? [] : [.needsAllowReplace] }

    /// Each distinct reason once, in field order.
    private func replaceReasons(_ changes: [FieldChange]) -> [String] {
        var reasons: [String] = []
        for reason in changes.compactMap(\.replaceReason) where !reasons.contains(reason) { reasons.append(reason) }
        return reasons
    }

    private func dataLossBlock(_ holds: StreamHoldings) -> [BlockReason] {
        holds.isEmpty || options.allowDataLoss ? [] : [.needsAllowDataLoss(holds)]
    }

    /// `prevent_destroy`, from the file or from the marker the cluster holds: no flag lifts it.
    private func protectionBlock(_ id: ResourceID, lifecycle: Lifecycle?, live: JSONObject?) -> [BlockReason] {
        let fromFile = lifecycle?.preventDestroy == true
        guard fromFile || live.map(LifecycleRules.isMarked) == true else { return [] }
        return [.preventDestroy(bucketNames[id] ?? id.description, inFile: fromFile)]
    }

    /// A stream's protection and that of each consumer a delete or replace of it drops.
    private func streamProtectionBlock(_ live: ObservedStream, spec: StreamSpec?) -> [BlockReason] {
        var blocks = protectionBlock(.stream(live.name), lifecycle: spec?.lifecycle, live: live.config)
        for consumer in live.consumers.sorted(by: { $0.name < $1.name }) {
            blocks += protectionBlock(.consumer(stream: live.name, name: consumer.name),
                                      lifecycle: spec?.consumer(named: consumer.name)?.lifecycle, live: consumer.config)
        }
        return blocks
    }

    /// What the file declares, marked as jetform sends it: ignored fields as the cluster has them, then the
    /// ownership and protection markers.
    private func declaredConfig(_ config: JSONObject, lifecycle: Lifecycle, live: JSONObject?) -> JSONObject {
        let kept = live.map { LifecycleRules.keepingLive(config, live: $0, lifecycle) } ?? config
        return LifecycleRules.marked(Ownership.marked(kept, topology: topology.name), protect: lifecycle.preventDestroy)
    }

    // MARK: streams of the file

    /// The file's streams, each planned on its own (what one adds depends on no other's), in chunks on
    /// the machine's cores; the chunks' findings are taken in file order.
    mutating func planStreams(_ streams: [StreamSpec]) {
        let start = self.withoutFindings()
        let parts = Chunked.map(streams) { chunk in
            var part = start
            for stream in chunk { part.plan(stream) }
            return part
        }
        for part in parts { take(part) }
    }

    /// This builder with nothing found yet: every field planning a stream adds to is empty (keep in step
    /// with `take`).
    private func withoutFindings() -> PlanBuilder {
        var empty = self
        (empty.actions, empty.unmanaged, empty.warnings, empty.errors, empty.statedLimits) = ([], [], [], [], [:])
        return empty
    }

    /// Adds what `part` found after what this builder found.
    private mutating func take(_ part: PlanBuilder) {
        actions += part.actions
        unmanaged += part.unmanaged
        warnings += part.warnings
        errors += part.errors
        statedLimits.merge(part.statedLimits) { a, _ in a }
    }

    /// A Key-Value bucket or object store: its stream as the clients make it, planned like any stream and
    /// shown in the bucket's words. A bucket made by another client keeps the settings clients have made
    /// differently (`BucketKind.keepingLive`), so adopting it changes no field.
    mutating func plan(_ bucket: BucketSpec) {
        var spec = bucket.streamSpec
        if let live = observed.stream(named: spec.name) { spec.config = bucket.kind.keepingLive(spec.config, live: live.config) }
        let first = actions.count
        let ref = BucketRef(kind: bucket.kind, name: bucket.name)
        bucketNames[.stream(spec.name)] = ref.description
        plan(spec)
        var fresh = false
        for i in first..<actions.count where actions[i].resource == .stream(spec.name) {
            actions[i].bucket = ref
            if actions[i].kind == .create {
                actions[i].declared = declaredConfig(bucket.config, lifecycle: bucket.lifecycle, live: nil)
            }
            fresh = fresh || actions[i].kind == .create || actions[i].kind == .replace
        }
        // Another topology's bucket is an error of the plan: its keys are not this file's to put.
        if let live = observed.stream(named: spec.name), case .other = Ownership.owner(of: live.config, topology: topology.name) { return }
        planKeys(bucket, fresh: fresh)
    }

    mutating func plan(_ spec: StreamSpec) {
        let id = ResourceID.stream(spec.name)
        let declared = declaredConfig(spec.config, lifecycle: spec.lifecycle, live: observed.stream(named: spec.name)?.config)
        let origin = mirrorOrigin(of: spec)
        // Compared with the cluster: what the server would store. Sent: what the file declares (the
        // server fills the rest), plus what pedantic mode will not fill in.
        var config = ServerDefaults.stream(declared, capabilities: capabilities, origin: origin)
        let send = Self.sendable(declared, origin: origin)

        guard let live = observed.stream(named: spec.name) else {
            errors += CapabilityCheck.releaseRules(spec, capabilities: capabilities, rules: createRules)
            actions.append(PlanAction(kind: .create, resource: id, config: config, declared: declared,
                                      steps: [PlanStep(phase: .applyStreams, operation: .createStream, resource: id, config: send)],
                                      location: spec.location))
            for consumer in spec.consumers { planCreate(consumer, stream: config, cause: nil) }
            return
        }
        guard checkOwner(live.config, id, location: spec.location) else { return }

        // The server copies the origin's allow_direct into a mirror's mirror_direct; keep what it computed.
        if config["mirror"] != nil && spec.config["mirror_direct"] == nil {
            config["mirror_direct"] = live.config["mirror_direct"]
        }
        var changes = Differ.diff(kind: .stream, observed: Normaliser.canonical(stream: live.config, capabilities: capabilities),
                                  desired: Normaliser.clean(config, kind: .stream),
                                  capabilities: capabilities, locations: spec.fieldLocations)
        changes.removeAll { spec.lifecycle.ignores($0.path) }
        if let firstSeq = changes.first(where: { $0.path == "first_seq" }) {
            changes.removeAll { $0.path == "first_seq" }
            warnings.append(PlanIssue(.warning, "stream \(spec.name): first_seq only applies when a stream is created; the existing stream keeps its sequence",
                                      fix: "remove first_seq, or delete the stream to start again", at: firstSeq.location))
        }

        // While the stream's limits go down its consumers are updated under the old ones: values they leave
        // to the limits are sent as the new limits give them.
        let asWritten = limitsCheckedAsWritten(new: send, live: live)
        let kept = Self.limitsNotLowered(new: send, old: live.config, asWritten: asWritten)
        let stated = kept == nil ? [:] : send["consumer_limits"]?.objectValue ?? [:]
        let refusals = limitsRefusedByConsumers(spec, live: live, config: config, asWritten: asWritten, kept: kept, stated: stated)
        if !refusals.isEmpty, let i = changes.firstIndex(where: { $0.path.hasPrefix("consumer_limits.") }) {
            changes[i].replaceReason = refusals.map(\.reason).joined(separator: "; ")
            warnings += refusals.map(\.warning)
        }

        if changes.contains(where: \.immutable) {
            planReplace(spec, live: live, config: config, send: send, changes: changes)
            return
        }
        // Updated in place, its consumers are sent with the values they leave to the limits (a replace
        // creates them under the new limits, as declared).
        if !stated.isEmpty { statedLimits[spec.name] = stated }
        if !changes.isEmpty {
            actions.append(PlanAction(kind: .update, resource: id, config: config, changes: changes,
                                      steps: updateSteps(id, live: live, config: send, changes: changes, keptLimits: kept),
                                      location: spec.location))
        }
        for consumer in spec.consumers {
            if let liveConsumer = live.consumer(named: consumer.name) {
                planExisting(consumer, live: liveConsumer, stream: config, liveStream: live.config, stated: stated)
            } else {
                planCreate(consumer, stream: config, cause: nil, stated: stated)
            }
        }
        planUndeclaredConsumers(of: live, declared: Set(spec.consumers.map(\.name)))
    }

    /// The subjects of the streams the plan creates or moves against those of the live streams the file
    /// does not declare (the validator sees only the file): the server refuses two streams of one
    /// account with overlapping subjects (10065). Streams the plan deletes first do not count.
    mutating func checkOverlaps(declared: Set<String>) {
        let deleted = Set(actions.filter { $0.kind == .delete }.map(\.resource))
        let others = observed.streams.filter { !declared.contains($0.name) && !deleted.contains(.stream($0.name)) }
            .map { (name: $0.name, subjects: ServerRules.strings($0.config["subjects"])) }
            .filter { !$0.subjects.isEmpty }
        guard !others.isEmpty else { return }
        for action in actions where action.kind == .create || action.kind == .replace || action.changes.contains(where: { $0.path == "subjects" }) {
            guard case .stream(let name) = action.resource else { continue }
            clash: for subject in ServerRules.strings(action.config?["subjects"]) {
                for other in others {
                    guard let theirs = other.subjects.first(where: { Subjects.overlap($0, subject) }) else { continue }
                    errors.append(PlanIssue(
                        .error, "stream \(name): subject '\(subject)' overlaps '\(theirs)' of stream \(other.name), which this file does not declare; the server refuses overlapping subjects in one account (10065)",
                        fix: "choose subjects outside '\(theirs)', or change or delete stream \(other.name) first",
                        at: topology.stream(named: name)?.location(of: "subjects") ?? action.location))
                    break clash
                }
            }
        }
    }

    /// The stream a mirror copies, as the file declares it or else as the cluster has it.
    private func mirrorOrigin(of spec: StreamSpec) -> JSONObject? {
        guard let name = spec.config["mirror"]?["name"]?.stringValue, spec.config["mirror"]?["external"] == nil else { return nil }
        return topology.stream(named: name)?.config ?? observed.stream(named: name)?.config
    }

    /// What is sent for a stream: the declared config, and a mirror's `mirror_direct` where its origin
    /// allows direct gets (the server copies it; in pedantic mode it refuses a mirror without it, 10157).
    static func sendable(_ declared: JSONObject, origin: JSONObject?) -> JSONObject {
        var send = declared
        if send["mirror"] != nil, send["mirror_direct"] == nil, origin?["allow_direct"]?.boolValue == true {
            send["mirror_direct"] = .bool(true)
        }
        return send
    }

    private mutating func planReplace(_ spec: StreamSpec, live: ObservedStream, config: JSONObject, send: JSONObject,
                                      changes: [FieldChange]) {
        let id = ResourceID.stream(spec.name)
        // Checked before the delete runs: a config the server refuses to create must not cost the old stream.
        errors += CapabilityCheck.releaseRules(spec, capabilities: capabilities, rules: createRules)
        let dropped = live.consumers.map(\.name).sorted()
        let declaredNames = Set(spec.consumers.map(\.name))
        let lost = live.consumers.filter { $0.isDurable && !declaredNames.contains($0.name) }.map(\.name).sorted()
        if !lost.isEmpty {
            warnings.append(PlanIssue(
                .warning, "replacing stream \(spec.name) also deletes consumers the file does not declare: \(lost.joined(separator: ", "))",
                fix: "declare them in the file to have them created again", at: spec.location))
        }
        actions.append(PlanAction(
            kind: .replace, resource: id, config: config, changes: changes, replaceReasons: replaceReasons(changes), holds: live.state,
            droppedConsumers: dropped, blocked: replaceBlock + dataLossBlock(live.state) + streamProtectionBlock(live, spec: spec),
            steps: [PlanStep(phase: .deleteStreams, operation: .deleteStream, resource: id),
                    PlanStep(phase: .applyStreams, operation: .createStream, resource: id, config: send)],
            location: spec.location))
        for consumer in spec.consumers { planCreate(consumer, stream: config, cause: .streamReplaced(spec.name)) }
    }

    /// One update, or two when placement changes together with replicas or retention (nats-server
    /// 2.15.1 refuses a move combined with either: err 10123 "can not move and scale").
    /// `keptLimits`: the limits of the first update when some go down (`limitsNotLowered`).
    private func updateSteps(_ id: ResourceID, live: ObservedStream, config: JSONObject, changes: [FieldChange],
                             keptLimits: JSONObject?) -> [PlanStep] {
        // Limits that go down wait for the consumers: the first update keeps the higher of the old and new
        // value, a last one (after the consumers' own updates) sets the new ones.
        var steps: [PlanStep]
        if let raised = keptLimits {
            var first = config
            first["consumer_limits"] = raised.isEmpty ? nil : .object(raised)
            steps = placementSteps(id, live: live, config: first, changes: changes)
                + [PlanStep(phase: .lowerLimits, operation: .updateStream, resource: id, config: config)]
        } else {
            steps = placementSteps(id, live: live, config: config, changes: changes)
        }
        // A sealed stream takes no further update (it denies deletes the next config would not): it is
        // sealed in the last step.
        if steps.count > 1, config["sealed"]?.boolValue == true, live.config["sealed"]?.boolValue != true {
            for i in steps.indices.dropLast() { steps[i].config?["sealed"] = nil }
        }
        return steps
    }

    /// `new`'s consumer limits where none is lower than `old`'s (0 is no limit), or nil when none is lower.
    /// The limits named in `asWritten` (`limitsCheckedAsWritten(new:live:)`) lower too.
    static func limitsNotLowered(new: JSONObject, old: JSONObject, asWritten: Set<String>) -> JSONObject? {
        let newLimits = new["consumer_limits"]?.objectValue ?? [:], oldLimits = old["consumer_limits"]?.objectValue ?? [:]
        var kept = newLimits
        var lowered = false
        for key in Self.limitKeys {
            let n = ServerDefaults.int(newLimits, key), o = ServerDefaults.int(oldLimits, key)
            let lowers = n > 0 ? o == 0 || n < o : asWritten.contains(key)
            guard lowers else { continue }
            lowered = true
            kept[key] = o == 0 ? nil : .int(o)
        }
        return lowered ? kept : nil
    }

    static let limitKeys = ["inactive_threshold", "max_ack_pending"]

    /// Where the server checks new consumer limits as written (`ServerRules.limitsCheckedAsWritten`), a
    /// change of either limit checks both: an unset limit as 0, -1 as -1. The limits at 0 or -1 that a
    /// live consumer is above: those wait for the consumers' updates like a lowered limit (other changes
    /// go first, before new consumers are created under them). Empty where the limits do not change.
    private func limitsCheckedAsWritten(new: JSONObject, live: ObservedStream) -> Set<String> {
        guard ServerRules.limitsCheckedAsWritten.contains(capabilities.version) else { return [] }
        let newLimits = new["consumer_limits"]?.objectValue ?? [:], oldLimits = live.config["consumer_limits"]?.objectValue ?? [:]
        guard Self.limitKeys.contains(where: { ServerDefaults.int(newLimits, $0) != ServerDefaults.int(oldLimits, $0) }) else { return [] }
        return Set(Self.limitKeys.filter { key in
            let n = ServerDefaults.int(newLimits, key)
            return n <= 0 && live.consumers.contains { ServerDefaults.int($0.config, key) > n }
        })
    }

    /// Where the server checks new consumer limits as written, a change while a consumer that stays is
    /// above a limit at 0 (unset) or -1 cannot apply in place, in any order, so the stream is replaced:
    /// the replace reason, and a warning naming the consumers and the fix. Declared consumers count with
    /// the values the server gives them as they are sent, under the limits they are updated under (the
    /// old ones, until the last step); undeclared ones that are not pruned as they are.
    private func limitsRefusedByConsumers(_ spec: StreamSpec, live: ObservedStream, config: JSONObject, asWritten: Set<String>,
                                          kept: JSONObject?, stated: JSONObject) -> [(reason: String, warning: PlanIssue)] {
        let keys = Self.limitKeys.filter(asWritten.contains)
        guard !keys.isEmpty else { return [] }
        let newLimits = config["consumer_limits"]?.objectValue ?? [:], oldLimits = live.config["consumer_limits"]?.objectValue ?? [:]
        var during = config
        if let kept { during["consumer_limits"] = kept.isEmpty ? nil : .object(kept) }
        let declared = Set(spec.consumers.map(\.name))
        var staying: [(name: String, config: JSONObject)] = spec.consumers.map { consumer in
            let live = live.consumer(named: consumer.name)?.config
            let sent = Self.stating(stated, in: declaredConfig(consumer.config, lifecycle: consumer.lifecycle, live: live))
            return (consumer.name, ServerDefaults.consumer(sent, stream: during, capabilities: capabilities))
        }
        for consumer in live.consumers where !declared.contains(consumer.name) {
            let pruned = consumer.isDurable && options.prune && Ownership.owner(of: consumer.config, topology: topology.name) == .this
            if !pruned { staying.append((consumer.name, consumer.config)) }
        }
        return keys.compactMap { key in
            let limit = ServerDefaults.int(newLimits, key)
            let over = staying.filter { ServerDefaults.int($0.config, key) > limit }.sorted { $0.name < $1.name }
            guard !over.isEmpty else { return nil }
            let highest = over.map { ServerDefaults.int($0.config, key) }.max() ?? 0
            let shown = key == "inactive_threshold" ? { (v: Int64) in ServerRules.durationText(v) } : { (v: Int64) in "\(v)" }
            let named = over.map { "\($0.name) (\(shown(ServerDefaults.int($0.config, key))))" }.joined(separator: ", ")
            let change = switch (limit == 0, limit == ServerDefaults.int(oldLimits, key)) {
            case (true, false): "removing consumer_limits.\(key)"
            case (true, true): "changing consumer_limits without \(key)"
            case (false, false): "consumer_limits.\(key) \(limit)"
            case (false, true): "changing consumer_limits with \(key) \(limit)"
            }
            let instead = key == "max_ack_pending" ? "give those consumers max_ack_pending: -1, " : ""
            let reason = "\(change) while consumers are above it, before nats-server 2.12.12 / 2.14.3"
            return (reason, PlanIssue(
                .warning, "stream \(spec.name) is replaced: nats-server \(capabilities.version) refuses \(change) in place while consumers have a \(key) above \(limit): \(named) (10051; before 2.12.12 and 2.14.3 a change of the stream's consumer_limits checks every limit as written, unset as 0)",
                fix: "to update it in place, \(instead)set consumer_limits.\(key) to \(shown(highest)) or more, or upgrade the servers to 2.12.12 / 2.14.3 or later",
                at: spec.location(of: "consumer_limits")))
        }
    }

    private func placementSteps(_ id: ResourceID, live: ObservedStream, config: JSONObject, changes: [FieldChange]) -> [PlanStep] {
        let moves = config["placement"]?.objectValue.map { !$0.isEmpty } == true
            && changes.contains { $0.path == "placement" || $0.path.hasPrefix("placement.") }
        let scales = changes.contains { $0.path == "num_replicas" }
        let retains = changes.contains { $0.path == "retention" }
        guard moves && (scales || retains) else {
            return [PlanStep(phase: .applyStreams, operation: .updateStream, resource: id, config: config)]
        }
        if !scales {
            // Change the retention where the stream is, then move it.
            var first = config
            first["placement"] = live.config["placement"]
            return [PlanStep(phase: .applyStreams, operation: .updateStream, resource: id, config: first),
                    PlanStep(phase: .finishStreams, operation: .updateStream, resource: id, config: config)]
        }
        let oldReplicas = ServerDefaults.stream(live.config, capabilities: capabilities)["num_replicas"] ?? .int(1)
        let newReplicas = config["num_replicas"] ?? .int(1)
        var first = config
        if (newReplicas.intValue ?? 1) < (oldReplicas.intValue ?? 1) {
            // Shrink in place first, then move fewer replicas.
            first["placement"] = live.config["placement"]
        } else {
            // Move at the current size first, then grow in the new place.
            first["num_replicas"] = oldReplicas
        }
        return [PlanStep(phase: .applyStreams, operation: .updateStream, resource: id, config: first),
                PlanStep(phase: .finishStreams, operation: .updateStream, resource: id, config: config)]
    }

    // MARK: consumers of the file

    private mutating func planCreate(_ spec: ConsumerSpec, stream: JSONObject, cause: PlanAction.Cause?, stated: JSONObject = [:]) {
        let id = ResourceID.consumer(stream: spec.stream, name: spec.name)
        let declared = declaredConfig(spec.config, lifecycle: spec.lifecycle, live: nil)
        let config = ServerDefaults.consumer(declared, stream: stream, capabilities: capabilities)
        actions.append(PlanAction(kind: .create, resource: id, config: config, declared: declared, cause: cause,
                                  steps: [PlanStep(phase: .applyConsumers, operation: .createConsumer, resource: id,
                                                   config: Self.stating(stated, in: declared))],
                                  location: spec.location))
    }

    /// `declared` with the values it leaves to the stream's limits set to `limits`' nonzero ones.
    static func stating(_ limits: JSONObject, in declared: JSONObject) -> JSONObject {
        var sent = declared
        for key in limitKeys where declared[key] == nil && ServerDefaults.int(limits, key) != 0 { sent[key] = limits[key] }
        return sent
    }

    private mutating func planExisting(_ spec: ConsumerSpec, live: ObservedConsumer, stream: JSONObject, liveStream: JSONObject,
                                       stated: JSONObject) {
        let id = ResourceID.consumer(stream: spec.stream, name: spec.name)
        guard checkOwner(live.config, id, location: spec.location) else { return }
        let declared = declaredConfig(spec.config, lifecycle: spec.lifecycle, live: live.config)
        let config = ServerDefaults.consumer(declared, stream: stream, capabilities: capabilities)
        var changes = Differ.diff(
            kind: .consumer,
            observed: Normaliser.canonical(consumer: live.config, stream: liveStream, capabilities: capabilities),
            desired: Normaliser.clean(config, kind: .consumer),
            capabilities: capabilities, locations: spec.fieldLocations)
        changes.removeAll { spec.lifecycle.ignores($0.path) }
        if changes.isEmpty { return }
        if changes.contains(where: \.immutable) {
            actions.append(PlanAction(
                kind: .replace, resource: id, config: config, changes: changes, replaceReasons: replaceReasons(changes),
                blocked: replaceBlock + protectionBlock(id, lifecycle: spec.lifecycle, live: live.config),
                steps: [PlanStep(phase: .deleteConsumers, operation: .deleteConsumer, resource: id),
                        PlanStep(phase: .applyConsumers, operation: .createConsumer, resource: id, config: Self.stating(stated, in: declared))],
                location: spec.location))
            return
        }
        if let change = changes.first(where: { $0.path == "deliver_subject" }) {
            warnings.append(PlanIssue(
                .warning, "\(id) moves its deliveries from \(change.old?.stringValue ?? "") to \(change.new?.stringValue ?? ""); the server refuses that while a client is subscribed to the old subject (10013)",
                fix: "stop the subscribers of \(change.old?.stringValue ?? "the old subject") before applying", at: change.location))
        }
        // A config update leaves pause_until as it was: it changes through CONSUMER.PAUSE.
        var steps: [PlanStep] = []
        if changes.contains(where: { $0.path != "pause_until" }) {
            steps.append(PlanStep(phase: .applyConsumers, operation: .updateConsumer, resource: id, config: Self.stating(stated, in: declared)))
        }
        if changes.contains(where: { $0.path == "pause_until" }) {
            var pause = JSONObject()
            if let until = config["pause_until"] { pause["pause_until"] = until }
            steps.append(PlanStep(phase: .pauseConsumers, operation: .pauseConsumer, resource: id, config: pause))
        }
        actions.append(PlanAction(kind: .update, resource: id, config: config, changes: changes, steps: steps, location: spec.location))
    }

    // MARK: what the file does not declare

    mutating func planUndeclared(_ live: ObservedStream) {
        let id = ResourceID.stream(live.name)
        let delete = PlanAction(kind: .delete, resource: id, holds: live.state,
                                droppedConsumers: live.consumers.map(\.name).sorted(), cause: .pruned,
                                blocked: dataLossBlock(live.state) + streamProtectionBlock(live, spec: nil),
                                steps: [PlanStep(phase: .deleteStreams, operation: .deleteStream, resource: id)])
        pruneOrList(id, config: live.config, delete: delete)
    }

    /// Durable consumers on a stream of the file that the file does not declare (ephemerals are ignored).
    private mutating func planUndeclaredConsumers(of live: ObservedStream, declared: Set<String>) {
        for consumer in live.consumers.sorted(by: { $0.name < $1.name })
        where consumer.isDurable && !declared.contains(consumer.name) {
            let id = ResourceID.consumer(stream: live.name, name: consumer.name)
            pruneOrList(id, config: consumer.config, delete: PlanAction(
                kind: .delete, resource: id, cause: .pruned,
                blocked: protectionBlock(id, lifecycle: nil, live: consumer.config),
                steps: [PlanStep(phase: .deleteConsumers, operation: .deleteConsumer, resource: id)]))
        }
    }

    /// The ownership rule for what the file does not declare: this topology's resources are deleted with
    /// `prune`, everything else is listed and left alone.
    private mutating func pruneOrList(_ id: ResourceID, config: JSONObject, delete: PlanAction) {
        let owner = Ownership.owner(of: config, topology: topology.name)
        if owner == .this && options.prune {
            actions.append(delete)
        } else {
            unmanaged.append(UnmanagedResource(resource: id, managedBy: Ownership.marker(in: config), prunable: owner == .this))
        }
    }

    /// False (and an error) when another topology owns the resource; a warning when nobody does.
    private mutating func checkOwner(_ config: JSONObject, _ id: ResourceID, location: SourceLocation) -> Bool {
        let id = bucketNames[id] ?? id.description
        switch Ownership.owner(of: config, topology: topology.name) {
        case .this:
            return true
        case .none:
            warnings.append(PlanIssue(
                .warning, "\(id) exists without jetform's marker; applying takes it over (\(TopologySpec.managedByMetadataKey): \(topology.name))",
                fix: "rename it in the file if it belongs to someone else", at: location))
            return true
        case .other(let owner):
            errors.append(PlanIssue(
                .error, "\(id) is managed by topology '\(owner)', not '\(topology.name)'",
                fix: "remove it from this file, or delete it from '\(owner)' first", at: location))
            return false
        }
    }
}
