import JetStreamSchema
import Foundation
public import JetStream
public import Logging
import Topology

/// What happened to one API call of a plan.
public struct StepResult: Sendable {
    public var step: PlanStep
    /// Nil when the call succeeded.
    public var error: StepError?
    public var duration: Duration
}

/// Why a step of a plan failed.
public enum StepError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server refused the call or did not answer.
    case server(JetStreamError)
    /// The step cannot be sent as it is (a hand-edited saved plan: a consumer step naming no consumer,
    /// a config that is not a stream or consumer config); nothing was sent.
    case malformed(String)
    /// A key was written by someone else since the plan: its revision is no longer the one the put
    /// expected (10071); the value there was left as it is.
    case keyChanged(expectedRevision: UInt64)

    public var description: String {
        switch self {
        case .server(let error): return "\(error)"
        case .malformed(let detail): return "malformed plan step, nothing was sent: \(detail)"
        case .keyChanged(let revision):
            return revision == 0
                ? "the key was created by someone else since the plan; its value was left as it is — plan again to see it"
                : "the key was written by someone else since the plan (its revision is no longer \(revision)); its value was left as it is — plan again to see it"
        }
    }

    /// The server's error, when the server refused the call.
    public var jetStreamError: JetStreamError? { if case .server(let e) = self { return e }; return nil }
}

/// Errors that stop an apply before or while it runs.
public enum ApplyError: Error, Sendable, CustomStringConvertible {
    /// The plan has errors or actions that need a flag; nothing was changed.
    case notApplicable([String])
    /// Some steps failed; the ones before them (and the other steps of their phase) were carried out.
    case stepsFailed([StepResult])

    public var description: String {
        switch self {
        case .notApplicable(let reasons):
            return "the plan cannot be applied, nothing was changed:\n" + reasons.map { "  - \($0)" }.joined(separator: "\n")
        case .stepsFailed(let results):
            return "\(results.count) step(s) failed:\n" + results.map { r in
                "  - \(r.step.operation.rawValue) \(r.step.resource.description): \(r.error.map { "\($0)" } ?? "?")"
            }.joined(separator: "\n")
        }
    }
}

/// Carries out a plan: the delete phases one after the other, then the creates and updates as soon as
/// what they build on is done — a stream's consumers start when their stream's own steps finish, not
/// when every stream is done (a consumer of an untouched stream starts at once). At most `concurrency`
/// calls run at a time, each retried through leader elections by the JetStream context's retry policy.
///
/// A failed step stops the run: nothing new starts, the calls in flight finish, and the failures are
/// thrown. A step never runs after one of its own stream's earlier steps failed, and creates never run
/// after a failed delete (the delete may have been freeing the subjects a create takes).
public struct PlanExecutor: Sendable {
    public let jetStream: JetStreamContext
    public var concurrency: Int
    /// Send creates and updates in pedantic mode (where the server supports it): a config the
    /// normaliser got wrong fails loudly instead of drifting.
    public var pedantic: Bool
    /// Each step and each retry, at debug level.
    public var logger: Logger

    public init(jetStream: JetStreamContext, concurrency: Int = 16, pedantic: Bool = true,
                logger: Logger = Logger(label: "jetform.apply")) {
        self.jetStream = jetStream
        self.concurrency = concurrency
        self.pedantic = pedantic
        self.logger = logger
    }

    public func apply(_ plan: Plan, progress: @escaping @Sendable (StepResult) -> Void = { _ in }) async throws -> [StepResult] {
        guard plan.isApplicable else {
            let reasons = plan.errors.map(\.message) + plan.blockedActions.flatMap { action in
                action.blocked.map { "\(action.resource.description): \($0.message)" }
            }
            throw ApplyError.notApplicable(reasons)
        }
        let steps = plan.phases.flatMap(\.steps)
        // Resources this plan deletes before making them again (replaces).
        let replaced = Set(steps.filter { $0.operation == .deleteStream || $0.operation == .deleteConsumer }.map(\.resource))
        // Streams this plan creates or updates: right after, a 2.10 meta leader can answer "stream not found"
        // to their consumers for a moment (seen after a create, and after scaling R3 down to R1).
        let changedStreams = Set(steps.filter { $0.operation == .createStream || $0.operation == .updateStream }.map(\.resource.streamName))
        // Streams whose consumers this plan creates or updates: their stream updates must be in place first.
        let withConsumerSteps = Set(steps.filter { $0.operation == .createConsumer || $0.operation == .updateConsumer }.map(\.resource.streamName))
        var results: [StepResult] = []
        // Deletes: all consumer deletes, then all stream deletes, each a barrier.
        for phase in [PlanPhase.deleteConsumers, .deleteStreams] {
            results += try await run(steps.filter { $0.phase == phase }, replaced: replaced, changedStreams: changedStreams,
                                     withConsumerSteps: withConsumerSteps, progress: progress)
        }
        results += try await run(steps.filter { $0.phase > .deleteStreams }, replaced: replaced, changedStreams: changedStreams,
                                 withConsumerSteps: withConsumerSteps, progress: progress)
        return results
    }

    /// Runs `steps` (in phase order), each once the steps of earlier phases on the same stream are done.
    private func run(_ steps: [PlanStep], replaced: Set<ResourceID>, changedStreams: Set<String>, withConsumerSteps: Set<String>,
                     progress: @escaping @Sendable (StepResult) -> Void) async throws -> [StepResult] {
        if steps.isEmpty { return [] }
        let graph = StepGraph(steps)
        var waiting = graph.dependencyCounts
        // Ready steps; those freed by a finished step go first, so a stream's consumers follow it closely.
        let ready = graph.roots
        var next = 0
        var freed: [Int] = []
        return try await withThrowingTaskGroup(of: (Int, StepResult).self) { group in
            var results: [StepResult] = []
            var failed: [StepResult] = []
            var running = 0
            func startReady() {
                while running < concurrency && failed.isEmpty {
                    let index: Int
                    if let last = freed.popLast() {
                        index = last
                    } else if next < ready.count {
                        index = ready[next]
                        next += 1
                    } else {
                        return
                    }
                    let step = steps[index]
                    running += 1
                    group.addTask {
                        (index, await self.perform(step, replaced: replaced.contains(step.resource),
                                                   streamChanged: changedStreams.contains(step.resource.streamName),
                                                   consumersFollow: withConsumerSteps.contains(step.resource.streamName)))
                    }
                }
            }
            startReady()
            while let (index, result) = try await group.next() {
                running -= 1
                progress(result)
                results.append(result)
                if result.error != nil {
                    failed.append(result)
                } else {
                    // Reversed so the first freed step is popped first.
                    for dependent in graph.dependents[index].reversed() {
                        waiting[dependent] -= 1
                        if waiting[dependent] == 0 { freed.append(dependent) }
                    }
                }
                startReady()
            }
            if !failed.isEmpty { throw ApplyError.stepsFailed(failed) }
            return results
        }
    }

    /// `replaced`: the plan deleted this resource in an earlier phase (the first half of a replace);
    /// `streamChanged`: the plan created or updated the resource's stream in an earlier phase.
    /// `consumersFollow`: the plan creates or updates consumers of the stream after this step.
    func perform(_ step: PlanStep, replaced: Bool = false, streamChanged: Bool = false, consumersFollow: Bool = false) async -> StepResult {
        let start = ContinuousClock.now
        var failure: StepError?
        do throws(StepError) {
            try Self.checkShape(step)
            switch step.operation {
            case .createStream:
                let config = step.config ?? JSONObject()
                // Right after the delete of a replace, the meta leader may still hold the old stream for a moment.
                let settling: Set<JetStreamErrorCode> = replaced ? [.noSuitablePeers, .streamNameExists, Self.storeCreationFailed] : [.noSuitablePeers]
                _ = try await server { () async throws(JetStreamError) in try await retrying(settling) { js async throws(JetStreamError) in try await js.createStream(json: config, pedantic: pedantic) } }
                if let name = config["name"]?.stringValue {
                    await awaitVisible(step.resource) { js async throws(JetStreamError) in _ = try await js.streamInfo(name) }
                }
            case .updateStream:
                let config = step.config ?? JSONObject()
                // The second update of a move-then-scale (or scale-then-move) waits for the first to finish.
                do {
                    _ = try await retrying([.noSuitablePeers, Self.moveInProgress, Self.reconfigurationInProgress, Self.moveAndScale]) { js async throws(JetStreamError) in
                        try await js.updateStream(json: config, pedantic: pedantic)
                    }
                } catch {
                    // The seal was applied by an attempt whose answer timed out: sent again, 2.11 refuses
                    // it ("can not cancel deny message deletes": it checks deny_delete before the seal's
                    // own settings). Seen in the differential test under load (2.11.0, 2.11.11 case 282).
                    guard config["sealed"]?.boolValue == true, error.errCode == .streamUpdateRefused, await isSealed(step.resource.streamName) else {
                        throw .server(error)
                    }
                    logger.notice("the stream was sealed by an earlier attempt of this update", metadata: ["resource": "\(step.resource)"])
                }
                if consumersFollow { await awaitConsumerLimits(of: config) }
            case .deleteStream:
                try await server { () async throws(JetStreamError) in try await deleteStream(step.resource.streamName) }
            case .createConsumer, .updateConsumer:
                guard case .consumer(let stream, _) = step.resource else {
                    throw StepError.malformed("\(step.operation.rawValue) on \(step.resource.description), which is not a consumer")
                }
                let config = step.config ?? JSONObject()
                // A replicated consumer needs its stream's Raft group to be current: right after the stream was
                // created (or a server restarted) the meta leader answers "insufficient resources" for a moment.
                var settling: Set<JetStreamErrorCode> = [.insufficientResources]
                if replaced { settling.insert(.consumerAlreadyExists) }
                // Right after this plan scaled the stream up, a 2.10 meta leader may still count its old
                // replicas: "replica count exceeds parent stream" (10126) until it has applied the update.
                // Likewise a consumer created right after an update that removed the stream's consumer_limits
                // can be refused for leaving out the old limits in pedantic mode (10157, seen on a loaded 2.12.8).
                if streamChanged { settling.formUnion([.streamNotFound, Self.replicasExceedStream, Self.pedanticRefusal]) }
                let action: ConsumerAction = step.operation == .createConsumer ? .create : .update
                var created = action == .create
                do {
                    _ = try await retrying(settling) { js async throws(JetStreamError) in
                        try await js.createConsumer(stream: stream, json: config, action: action, pedantic: pedantic)
                    }
                } catch where action == .update && error.errCode == .consumerDoesNotExist {
                    // Gone since the plan (its inactive_threshold ran out, or someone deleted it): the file
                    // still declares it, so it is created as declared; nothing of it was left to lose.
                    logger.notice("consumer was gone at apply; creating it", metadata: ["resource": "\(step.resource)"])
                    _ = try await server { () async throws(JetStreamError) in
                        try await retrying(settling) { js async throws(JetStreamError) in
                            try await js.createConsumer(stream: stream, json: config, action: .create, pedantic: pedantic)
                        }
                    }
                    created = true
                } catch {
                    throw .server(error)
                }
                if created, case .consumer(_, let name) = step.resource {
                    await awaitVisible(step.resource) { js async throws(JetStreamError) in _ = try await js.consumerInfo(stream: stream, name: name) }
                }
            case .deleteConsumer:
                guard case .consumer(let stream, let name) = step.resource else {
                    throw StepError.malformed("\(step.operation.rawValue) on \(step.resource.description), which is not a consumer")
                }
                try await server { () async throws(JetStreamError) in try await deleteConsumer(stream: stream, name: name) }
            case .putKey:
                try await putKey(step)
            case .pauseConsumer:
                guard case .consumer(let stream, let name) = step.resource else {
                    throw StepError.malformed("\(step.operation.rawValue) on \(step.resource.description), which is not a consumer")
                }
                let until = step.config?["pause_until"]?.stringValue
                _ = try await server { () async throws(JetStreamError) in
                    try await retrying([]) { js async throws(JetStreamError) in try await js.pauseConsumer(stream: stream, name: name, until: until) }
                }
                try await server { () async throws(JetStreamError) in try await awaitPause(stream: stream, name: name, until: until) }
            }
        } catch {
            failure = error
        }
        let result = StepResult(step: step, error: failure, duration: start.duration(to: .now))
        logger.debug("step \(failure == nil ? "done" : "failed")", metadata: [
            "operation": "\(step.operation.rawValue)", "resource": "\(step.resource)", "duration": "\(result.duration)",
            "error": failure.map { "\($0)" } ?? "",
        ])
        return result
    }

    /// In a cluster `CONSUMER.PAUSE` answers once the meta leader has proposed the change, before the
    /// consumer's leader has applied it: a plan read right after apply could still see the old
    /// `pause_until` (the differential test saw `+ pause_until` on 2.11.11). Waits until the consumer
    /// reports the new value, for at most 10 s; then the step is done and a re-plan shows the truth.
    private func awaitPause(stream: String, name: String, until: String?) async throws(JetStreamError) {
        let wanted = until.flatMap(Timestamps.canonical)
        let reported = try await Self.settle { () async throws(JetStreamError) -> Look in
            let info = try await retrying([]) { js async throws(JetStreamError) in try await js.consumerInfo(stream: stream, name: name) }
            return info.config?.pauseUntil.flatMap({ Timestamps.canonical($0.rawValue) }) == wanted ? .done : .again
        }
        if !reported {
            logger.notice("the consumer did not report its new pause_until within 10 s", metadata: ["stream": "\(stream)", "consumer": "\(name)"])
        }
    }

    /// A create answers from the new stream's (or consumer's) leader, which may apply the meta layer's
    /// entry before the meta leader does; until the meta leader has it, it answers "not found" to INFO and
    /// leaves the stream out of STREAM.NAMES, so a plan right after apply showed it missing (seen on a
    /// loaded 2.11.11, 2.12.4, 2.12.5, 2.14.6 and 2.15.1 by the differential test). Waits until INFO finds
    /// it, for at most 10 s; any other answer ends the wait (the next plan shows the truth).
    private func awaitVisible(_ resource: ResourceID, _ info: (JetStreamContext) async throws(JetStreamError) -> Void) async {
        let visible = await Self.settle { () async -> Look in
            do throws(JetStreamError) {
                try await info(jetStream)
                return .done
            } catch where error.errCode == .streamNotFound || error.errCode == .consumerNotFound {
                return .again
            } catch {
                return .done
            }
        }
        if !visible { logger.notice("not readable within 10 s of its create", metadata: ["resource": "\(resource)"]) }
    }

    /// Like a pause, a stream update answers once the meta leader has it, before the stream's leader has
    /// applied it: a consumer created right after an update that removed `consumer_limits` was refused in
    /// pedantic mode for not setting the stream's old max_ack_pending (10157, seen on 2.12.8). Waits until
    /// the stream reports the limits the update sent (one STREAM.INFO when it already does), for at most
    /// 10 s, before its consumers' steps run.
    private func awaitConsumerLimits(of config: JSONObject) async {
        guard let name = config["name"]?.stringValue else { return }
        let sent = config["consumer_limits"]?.objectValue ?? [:]
        func number(_ object: JSONObject, _ key: String) -> Int64 { object[key]?.intValue ?? 0 }
        let wanted = (number(sent, "inactive_threshold"), number(sent, "max_ack_pending"))
        var seen = (Int64(-2), Int64(-2))
        let reported = await Self.settle { () async -> Look in
            // No answer (the update started an election or a move): the consumer steps retry on their own.
            guard let info = try? await jetStream.streamInfo(name) else { return .done }
            let limits = info.config.consumerLimits
            seen = (Int64(limits?.inactiveThreshold?.nanoseconds ?? 0), Int64(limits?.maxAckPending ?? 0))
            return seen == wanted ? .done : .again
        }
        if !reported {
            logger.notice("the stream did not report its new consumer_limits within 10 s",
                          metadata: ["stream": "\(name)", "sent": "\(wanted)", "live": "\(seen)"])
        }
    }

    /// What one look of `settle` found: done (or nothing more to wait for), or ask again.
    enum Look { case done, again }

    /// Asks `look` every 50 ms until it is done, for at most 10 s (the cluster applying what it answered):
    /// false when the time ran out. A cancelled wait ends as done.
    static func settle<E: Error>(_ look: () async throws(E) -> Look) async throws(E) -> Bool {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if try await look() == .done { return true }
            do { try await Task.sleep(for: .milliseconds(50)) } catch { return true }
        }
        return false
    }

    /// Publishes a key's value on the key's subject of its bucket's stream, expecting the revision the
    /// plan saw (0: none), with a message id of this call's own, so a put retried after a lost
    /// acknowledgement is stored once (and a later apply's put of the same value is not taken for it).
    private func putKey(_ step: PlanStep) async throws(StepError) {
        let config = step.config ?? JSONObject()
        guard let subject = step.resource.keySubject, let expected = config["expected_revision"]?.intValue, expected >= 0 else {
            throw .malformed("put key on \(step.resource.description) has no expected_revision")
        }
        guard let value = step.payload?.value ?? config["value"]?.stringValue else {
            throw .malformed("put key on \(step.resource.description) has no value (a sensitive value is read from the topology: apply the saved plan with its topology at hand)")
        }
        let revision = UInt64(expected)
        let options = PublishOptions(msgId: "jetform-" + UUID().uuidString, expectedStream: step.resource.streamName,
                                     expectedLastSubjectSequence: revision)
        do {
            _ = try await retrying([]) { js async throws(JetStreamError) in try await js.publish(subject: subject, value, options: options) }
        } catch where error.isWrongLastSequence {
            throw .keyChanged(expectedRevision: revision)
        } catch {
            throw .server(error)
        }
    }

    /// Whether the stream reports itself sealed (false when it cannot be read).
    private func isSealed(_ name: String) async -> Bool {
        (try? await retrying([]) { js async throws(JetStreamError) in try await js.streamInfo(name) })?.config.sealed == true
    }

    /// Deletes a stream; already gone is what a delete wants (seen on 2.12.8 right after a list showed it).
    private func deleteStream(_ name: String) async throws(JetStreamError) {
        do {
            try await retrying([]) { js async throws(JetStreamError) in try await js.deleteStream(name) }
        } catch {
            if error.errCode != .streamNotFound { throw error }
        }
    }

    /// Deletes a consumer; already gone (or its stream gone) counts as done.
    private func deleteConsumer(stream: String, name: String) async throws(JetStreamError) {
        do {
            try await retrying([]) { js async throws(JetStreamError) in try await js.deleteConsumer(stream: stream, name: name) }
        } catch {
            if error.errCode != .consumerNotFound && error.errCode != .streamNotFound { throw error }
        }
    }

    /// Retries errors of a cluster that is still settling for a while (30 s), then reports them:
    /// - "no suitable peers" (10005): right after a cluster starts, or while a server restarts, a 2.10 meta
    ///   leader reports it until it has heard from every peer. A placement that is truly impossible (more
    ///   replicas than servers) is refused by the planner before this point.
    /// - "insufficient resources" (10023) for consumers of a stream whose group is not current yet.
    /// - "stream move already in progress" (10124), "stream reconfiguration already in progress" (10226):
    ///   the second update of a stream that moves and scales; "can not move and scale" (10123) for a move
    ///   while the previous scale-down still has the old peers (the planner never sends both at once).
    /// - "stream not found" (10059) for consumers of a stream this plan just created or updated (2.10; an
    ///   update that scales R3 down to R1 re-forms the stream's group), and "consumer config replica count
    ///   exceeds parent stream" (10126) for those of a stream it just scaled up (2.10, seen under load).
    /// - "error creating store for stream" (10049) right after the delete of a replace (seen on 2.15.1).
    /// - "stream name in use" (10058) / "consumer exists" (10148) right after the delete of a replace.
    ///
    /// Transient errors (timeouts, no responders, 10008, reconnecting) are retried in the same loop: the
    /// one retry layer, with jitter, the deadline and cancellation (the context's own retries are off here).
    private func retrying<T: Sendable>(_ codes: Set<JetStreamErrorCode>,
                                       _ body: (JetStreamContext) async throws(JetStreamError) -> T) async throws(JetStreamError) -> T {
        var js = jetStream
        js.retry = .none
        let context = js
        let logger = self.logger
        return try await Self.settling.run(retryable: { error in
            let retry = error.isRetryable || error.errCode.map(codes.contains) == true
            if retry { logger.debug("retrying", metadata: ["error": "\(error)"]) }
            return retry
        }) { () async throws(JetStreamError) -> T in try await body(context) }
    }

    /// How long a step is retried while the cluster settles: longer than an election (~20 s) and the
    /// settling errors above.
    static let settling = RetryPolicy(budget: .seconds(30), initialDelay: .milliseconds(100), maxDelay: .seconds(1))

    static let moveInProgress = JetStreamErrorCode(10124)
    static let reconfigurationInProgress = JetStreamErrorCode(10226)
    static let moveAndScale = JetStreamErrorCode(10123)
    static let storeCreationFailed = JetStreamErrorCode(10049)
    static let replicasExceedStream = JetStreamErrorCode(10126)
    static let pedanticRefusal = JetStreamErrorCode(10157)

    /// A server call inside a step: its failure is the step's.
    private func server<T>(_ call: () async throws(JetStreamError) -> T) async throws(StepError) -> T {
        do { return try await call() } catch { throw .server(error) }
    }

    /// A step's operation, resource and config must agree (they always do in a plan jetform made; a
    /// hand-edited saved plan may break that, and must fail rather than count as done).
    static func checkShape(_ step: PlanStep) throws(StepError) {
        let what = "\(step.operation.rawValue.replacingOccurrences(of: "_", with: " ")) on \(step.resource.description)"
        switch (step.operation, step.resource) {
        case (.createStream, .stream(let name)), (.updateStream, .stream(let name)):
            guard let config = step.config else { throw .malformed("\(what) has no config") }
            guard config["name"]?.stringValue == name else {
                throw .malformed("\(what): the config names stream '\(config["name"]?.stringValue ?? "")'")
            }
        case (.createConsumer, .consumer(_, let name)), (.updateConsumer, .consumer(_, let name)):
            guard let config = step.config else { throw .malformed("\(what) has no config") }
            let named = config["durable_name"]?.stringValue ?? config["name"]?.stringValue
            guard named == name else { throw .malformed("\(what): the config names consumer '\(named ?? "")'") }
        case (.putKey, .key):
            // The subject is the key's own: a hand-edited plan must not publish anywhere else.
            guard let subject = step.resource.keySubject, step.config?["subject"]?.stringValue.map({ $0 == subject }) ?? true else {
                throw .malformed("\(what): the config names subject '\(step.config?["subject"]?.stringValue ?? "")', not the key's")
            }
        case (.deleteStream, .stream), (.deleteConsumer, .consumer), (.pauseConsumer, .consumer):
            break
        default:
            throw .malformed("\(what): a \(step.resource.kind.rawValue) cannot take that operation")
        }
    }
}

/// Which steps wait for which: a step waits for every step of an earlier phase on the same stream (a
/// consumer for its stream's create or update, the second update of a stream for its first), and a
/// stream's create or update waits for those of the streams it mirrors or sources from.
struct StepGraph {
    /// For each step, the steps waiting for it.
    var dependents: [[Int]]
    /// For each step, how many steps it waits for.
    var dependencyCounts: [Int]
    /// Steps that wait for nothing, in plan order.
    var roots: [Int]

    init(_ steps: [PlanStep]) {
        var byStream: [String: [Int]] = [:]
        for (index, step) in steps.enumerated() { byStream[step.resource.streamName, default: []].append(index) }
        var edges: [(earlier: Int, later: Int)] = []
        for indexes in byStream.values where indexes.count > 1 {
            for later in indexes {
                for earlier in indexes where steps[earlier].phase < steps[later].phase { edges.append((earlier, later)) }
            }
        }
        // A stream that sources from or mirrors another the plan also changes waits for that one's stream
        // steps: the server checks the pair (2.12.8 refused a source's max_msg_size below the target's
        // while the source still had its old one). Source cycles are possible, so an edge that would
        // close a cycle is left out.
        var streamEdges: [String: Set<String>] = [:]
        for (index, step) in steps.enumerated() where step.operation == .createStream || step.operation == .updateStream {
            let target = step.resource.streamName
            for origin in Self.origins(of: step.config) where origin != target
                && !Self.reaches(from: target, to: origin, in: streamEdges) {
                let originSteps = (byStream[origin] ?? []).filter {
                    steps[$0].operation == .createStream || steps[$0].operation == .updateStream
                }
                if originSteps.isEmpty { continue }
                streamEdges[origin, default: []].insert(target)
                for earlier in originSteps { edges.append((earlier, index)) }
            }
        }
        var dependents: [[Int]] = Array(repeating: [], count: steps.count)
        var counts = Array(repeating: 0, count: steps.count)
        var seen: Set<[Int]> = []
        for edge in edges where seen.insert([edge.earlier, edge.later]).inserted {
            dependents[edge.earlier].append(edge.later)
            counts[edge.later] += 1
        }
        for index in dependents.indices { dependents[index].sort() }
        self.dependents = dependents
        self.dependencyCounts = counts
        self.roots = steps.indices.filter { counts[$0] == 0 }
    }

    /// Whether `to` can be reached from `from` along `edges`.
    static func reaches(from: String, to: String, in edges: [String: Set<String>]) -> Bool {
        var seen: Set<String> = [from]
        var stack = [from]
        while let next = stack.popLast() {
            if next == to { return true }
            for successor in edges[next] ?? [] where seen.insert(successor).inserted { stack.append(successor) }
        }
        return false
    }

    /// The streams a stream config mirrors or sources from.
    static func origins(of config: JSONObject?) -> [String] {
        var names: [String] = []
        if let mirror = config?["mirror"]?["name"]?.stringValue { names.append(mirror) }
        for source in config?["sources"]?.arrayValue ?? [] {
            if let name = source["name"]?.stringValue { names.append(name) }
        }
        return names
    }
}
