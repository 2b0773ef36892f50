import Foundation
import JetStream
import JetStreamSchema
import LocalCluster
import NATS
import Testing
import Topology
@testable import Reconcile

/// jetform against the server, on a real 3-node cluster of each release line: random stream + consumer
/// configs drawn from the whole field table (`DifferentialGenerator`), valid and invalid.
///
/// - Creates: jetform's verdict (the file loaded and validated, then the plan-time checks for the
///   server's release) against the server's answer to creating exactly what the file declares (pedantic
///   from 2.11, plain on 2.10). For every config both accept, `apply` must succeed and re-plan empty.
/// - Changes A → B: A applied by jetform; jetform's plan for B (update, replace, no change, or refused)
///   against the server's answers on copies: the in-place update of a copy of A to B, and B created fresh.
///   After `apply B --allow-replace` the plan is empty.
///
/// Every disagreement is recorded with the server's error code and the config. Reproduce a case with
/// `JETFORM_DIFF_SEED=<seed> JETFORM_DIFF_CASE=<k>`; `JETFORM_DIFF_CASES` sets the count (default 150
/// of each kind per release) and `JETFORM_DIFF_RELEASES` the releases (comma-separated).
@Suite("Differential tests against the server", .serialized)
struct DifferentialTests {
    static let defaultSeed: UInt64 = 20_261_201
    static let latest = ["2.10.26", "2.11.11", "2.12.8", "2.14.6", "2.15.1"]

    static var releases: [String] {
        ProcessInfo.processInfo.environment["JETFORM_DIFF_RELEASES"].map {
            $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        } ?? latest
    }

    struct Settings {
        var seed: UInt64
        var cases: [Int]
        /// Cases run at once, each in an account of its own (`JETFORM_DIFF_PARALLEL`).
        var parallel: Int

        init() {
            let env = ProcessInfo.processInfo.environment
            seed = env["JETFORM_DIFF_SEED"].flatMap { UInt64($0) } ?? DifferentialTests.defaultSeed
            parallel = max(1, env["JETFORM_DIFF_PARALLEL"].flatMap(Int.init) ?? 6)
            if let one = env["JETFORM_DIFF_CASE"].flatMap(Int.init) {
                cases = [one]
            } else {
                cases = Array(0..<(env["JETFORM_DIFF_CASES"].flatMap(Int.init) ?? 150))
            }
        }
    }

    @Test(arguments: releases) func againstTheServer(_ version: String) async throws {
        let settings = Settings()
        try await LocalCluster.withCluster(version: version, extraConfig: Self.accounts(settings.parallel)) { cluster in
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            let caps = try #require(ClusterObserver.capabilities(of: client))
            try await waitUntilPlacementWorks(js)
            // The captured examples are kept for the latest patch of each line.
            if Self.latest.contains(caps.version.fullDescription) { try await CapturedExamples.check(js, version: caps.version) }
            // Each case runner has an account of its own: STREAM.LIST waits (4 s) for the leaders of
            // every stream of its account, and another case's stream just created or deleted has none.
            var clients = [client]
            var runs: [Run] = []
            for slot in 0..<settings.parallel {
                let own = try await clusterClient(cluster, user: Self.user(slot))
                clients.append(own)
                let js = JetStreamContext(client: own)
                for (name, direct) in [("ORIGIN", false), ("ORIGIND", true)] {
                    var origin: JSONObject = ["name": .string(name), "subjects": .array([.string(name.lowercased() + ".>")])]
                    if direct { origin["allow_direct"] = .bool(true) }
                    _ = try await js.createStream(json: origin, pedantic: false)
                }
                runs.append(Run(js: js, caps: caps, seed: settings.seed))
            }
            let creates = await Run.all(settings.cases, on: runs) { run, k in await run.create(k) }
            let changes = await Run.all(settings.cases, on: runs) { run, k in await run.change(k) }
            for client in clients { await client.close() }

            let report = Report(version: "\(caps.version.fullDescription)", creates: creates, changes: changes)
            print(report.summary)
            if ProcessInfo.processInfo.environment["JETFORM_DIFF_VERBOSE"] != nil {
                for outcome in creates + changes { print("  \(outcome.label): \(outcome.detail)") }
            }
            let disagreements = (creates + changes).compactMap(\.disagreement)
            // All of them in the log; the first 15 as issues.
            for disagreement in disagreements { print("DISAGREEMENT nats-server \(caps.version.fullDescription): \(disagreement)") }
            for disagreement in disagreements.prefix(15) {
                Issue.record("nats-server \(caps.version.fullDescription): \(disagreement)")
            }
            #expect(creates.count == settings.cases.count && changes.count == settings.cases.count)
        }
    }

    /// The user of case runner `slot` (password = user name), alone in its account.
    static func user(_ slot: Int) -> String { "diff\(slot)" }

    /// The cluster's accounts (`ClusterUser`; a repeated top-level block replaces the first) plus one
    /// JetStream account per case runner.
    static func accounts(_ runners: Int) -> String {
        func account(_ name: String, jetStream: Bool, _ user: String, _ password: String) -> String {
            "  \(name) { \(jetStream ? "jetstream: enabled, " : "")users: [ { user: \(user), password: \(password) } ] }"
        }
        let system = ClusterUser.system, app = ClusterUser.app
        let lines = [account(system.account, jetStream: false, system.user, system.password),
                     account(app.account, jetStream: true, app.user, app.password)]
            + (0..<runners).map { account("DIFF\($0)", jetStream: true, user($0), user($0)) }
        return "accounts {\n\(lines.joined(separator: "\n"))\n}\n"
    }

    /// What one case found.
    struct Outcome: Sendable {
        /// The verdicts, for the report: "accepted", "refused 10052", "update", "replace", …
        var label: String
        /// Set when jetform and the server disagree.
        var disagreement: String?
        /// The server's words, for `JETFORM_DIFF_VERBOSE=1`.
        var detail: String = ""
        /// Set when the case found it needs the cluster to itself (`Run.heavy`): it is run again, alone.
        var needsCluster = false

        static let needsTheCluster = Outcome(label: "", needsCluster: true)
    }

    struct Report {
        var version: String
        var creates: [Outcome]
        var changes: [Outcome]

        var summary: String {
            func counts(_ outcomes: [Outcome]) -> String {
                Dictionary(grouping: outcomes, by: \.label).map { "\($0.key) \($0.value.count)" }.sorted().joined(separator: ", ")
            }
            let disagreements = (creates + changes).filter { $0.disagreement != nil }.count
            let pairs = changes.filter { $0.label != "no A" }.count
            return """
                differential nats-server \(version): \(creates.count) creates (\(counts(creates))); \
                \(changes.count) changes, \(pairs) pairs judged (\(counts(changes))); \(disagreements) disagreements
                """
        }
    }

    /// The cases of one release, on one cluster.
    struct Run: Sendable {
        let js: JetStreamContext
        let caps: ServerCapabilities
        let seed: UInt64
        /// Whether this run has the cluster to itself (no other case runs beside it).
        var alone = false

        /// Runs `cases` on `runs`, each runner taking the next case when it is done with one. The cases that
        /// need the cluster to themselves (`heavy`) are run afterwards, one at a time.
        static func all(_ cases: [Int], on runs: [Run], _ body: @escaping @Sendable (Run, Int) async -> Outcome) async -> [Outcome] {
            let queue = CaseQueue(cases)
            let outcomes = await withTaskGroup(of: [(Int, Outcome)].self) { group in
                for run in runs {
                    group.addTask {
                        var outcomes: [(Int, Outcome)] = []
                        while let k = await queue.next() { outcomes.append((k, await body(run, k))) }
                        return outcomes
                    }
                }
                var outcomes: [(Int, Outcome)] = []
                for await some in group { outcomes += some }
                return outcomes
            }
            guard var alone = runs.first else { return [] }
            alone.alone = true
            var all = outcomes.filter { !$0.1.needsCluster }.map(\.1)
            for k in outcomes.filter(\.1.needsCluster).map(\.0).sorted() { all.append(await body(alone, k)) }
            return all
        }

        /// A stream that reserves a server's whole memory store (1 GB) or a quarter of its file store:
        /// beside other cases it would be refused for resources they hold, or they for what it holds.
        static func heavy(_ stream: JSONObject) -> Bool { (stream["max_bytes"]?.intValue ?? 0) >= 1 << 30 }

        /// The cases not yet taken by a runner.
        actor CaseQueue {
            private var rest: ArraySlice<Int>
            init(_ cases: [Int]) { rest = cases[...] }
            func next() -> Int? { rest.popFirst() }
        }

        /// With `JETFORM_DIFF_SHOW=1`, every case's configs as it starts (to read a case that disagrees only under load).
        static func show(_ context: String) {
            if ProcessInfo.processInfo.environment["JETFORM_DIFF_SHOW"] != nil { print("CASE " + context) }
        }

        /// The case's names: the stream `S_<token>`, its consumer `w_<token>`, subjects under `<token>`.
        static func token(_ k: Int, _ kind: String) -> String { "\(kind)\(k)x" }

        func generator(_ k: Int, _ salt: UInt64) -> DifferentialGenerator {
            DifferentialGenerator(seed: seed &+ UInt64(k) &* 0x9E37_79B9 &+ salt)
        }

        // MARK: creates

        func create(_ k: Int) async -> Outcome {
            var gen = generator(k, 1)
            let token = Self.token(k, "p")
            let stream = gen.stream(name: "S_\(token)", prefix: token)
            let consumer = gen.coin(4) ? nil : gen.consumer(name: "w_\(token)", prefix: token)
            if !alone && Self.heavy(stream) { return .needsTheCluster }
            let context = "seed \(seed) case \(k) (create) — reproduce with JETFORM_DIFF_SEED=\(seed) JETFORM_DIFF_CASE=\(k)\n"
                + Self.yaml(stream, consumer)
            Self.show(context)
            // Judged as a plan is, against the account as it is (the origin streams).
            let account = (try? await ClusterObserver(jetStream: js).observe()) ?? ObservedState(streams: [])
            let mine = verdict(stream, consumer, topology: "diff\(token)", observed: account)
            // The server's answer on other names: a stream and consumer deleted a moment before jetform
            // creates them again under the same names would test the server's deletes, not jetform.
            let other = Self.token(k, "o")
            let server = await serverCreate(stream.renamed(token, to: other), consumer?.renamed(token, to: other))
            await cleanUp(stream.renamed(token, to: other))
            switch (mine, server) {
            case (.refused, .refused(let code, let d)):
                return Outcome(label: "refused \(code)", detail: d)
            case (.refused(let reasons), .accepted):
                if hasNewerField(stream, StreamFields.all) || hasNewerField(consumer, ConsumerFields.all) {
                    return Outcome(label: "newer field dropped by the server")
                }
                if let name = Self.named(reasons: reasons) { return Outcome(label: "named: \(name)") }
                return Outcome(label: "false reject", disagreement: "false reject: jetform refuses what the server accepts: \(reasons)\n\(context)")
            case (.accepted, .refused(let code, let description)):
                if let name = Self.named(code: code, description, stream) { return Outcome(label: "named \(code): \(name)") }
                return Outcome(label: "false accept \(code)",
                               disagreement: "false accept: the server refuses it with \(code) \(description)\n\(context)")
            case (.accepted(let topology), .accepted):
                if let problem = await applyAndReplan(topology, allowReplace: false) {
                    if let name = Self.namedDrift(problem, consumer, stream) { return Outcome(label: "named: \(name)") }
                    return Outcome(label: "apply failed", disagreement: "\(problem)\n\(context)")
                }
                await cleanUp(stream)
                return Outcome(label: "accepted")
            }
        }

        // MARK: changes

        func change(_ k: Int) async -> Outcome {
            var gen = generator(k, 2)
            let token = Self.token(k, "q")
            // A: the first config jetform and the server both take (creates are judged above). Most draws
            // are refused by the validator (no server call), so many are drawn; at most five are applied.
            var a: (JSONObject, JSONObject?, TopologySpec)?
            var applied = 0
            for _ in 0..<1000 where applied < 5 {
                let stream = gen.stream(name: "S_\(token)", prefix: token)
                let consumer = gen.coin(4) ? nil : gen.consumer(name: "w_\(token)", prefix: token)
                // A stream the cluster can never place is no A: jetform's apply would retry it for 30 s.
                guard Self.fits(stream), case .accepted(let topology) = verdict(stream, consumer, topology: "diff\(token)") else { continue }
                if !alone && Self.heavy(stream) { return .needsTheCluster }
                applied += 1
                if await applyAndReplan(topology, allowReplace: false) == nil {
                    a = (stream, consumer, topology)
                    break
                }
                await cleanUp(stream)
            }
            guard let (streamA, consumerA, topologyA) = a else { return Outcome(label: "no A") }
            var streamB = streamA, consumerB = consumerA
            let which = Int.random(in: 0..<3, using: &gen.rng)
            if which != 1 || consumerA == nil { streamB = gen.mutate(streamA, fields: StreamFields.all, prefix: token) }
            if which != 0, let c = consumerA { consumerB = gen.mutate(c, fields: ConsumerFields.all, prefix: token) }
            if !alone && Self.heavy(streamB) {
                await cleanUp(streamA)
                return .needsTheCluster
            }
            let context = "seed \(seed) case \(k) (change) — reproduce with JETFORM_DIFF_SEED=\(seed) JETFORM_DIFF_CASE=\(k)\nA:\n"
                + Self.yaml(streamA, consumerA) + "\nB:\n" + Self.yaml(streamB, consumerB)
            Self.show(context)

            let observed: ObservedState
            do {
                observed = try await ClusterObserver(jetStream: js).observe(expecting: topologyA)
            } catch {
                await cleanUp(streamA)
                return Outcome(label: "observe failed", disagreement: "could not read the cluster: \(error)\n\(context)")
            }
            let mine = verdict(streamB, consumerB, topology: "diff\(token)", observed: observed)
            let planned: PlanAction.Kind?
            var plan: Plan?
            switch mine {
            case .refused: planned = nil
            case .accepted(let topology):
                let p = Planner.plan(desired: topology, observed: observed, capabilities: caps,
                                     options: PlanOptions(allowReplace: true, allowDataLoss: true))
                plan = p
                planned = p.actions.contains { $0.kind == .replace } ? .replace : p.actions.isEmpty ? nil : .update
            }

            // The server on copies: A updated in place to B, and B created fresh.
            let pairA = (streamA, consumerA), pairB = (streamB, consumerB)
            var (inPlace, created) = await copies(from: pairA, to: pairB, token: token, k)
            var removedA = false
            if Self.refusedForResources(inPlace) || Self.refusedForResources(created) {
                // A holds what its copies need (a 1 GB memory stream fills its servers): they are made
                // without it, and jetform puts A back before it applies B.
                await cleanUp(streamA)
                removedA = true
                (inPlace, created) = await copies(from: pairA, to: pairB, token: token, k)
            }

            var outcome: Outcome
            switch (mine, inPlace, created) {
            case (.refused(let reasons), .accepted, _):
                outcome = Outcome(label: "false reject", disagreement: "false reject: jetform refuses B, the server updates A to B in place: \(reasons)\n\(context)")
            case (.refused(let reasons), .refused, .accepted):
                outcome = Outcome(label: "false reject", disagreement: "false reject: jetform refuses B, the server creates B (a replace would do): \(reasons)\n\(context)")
            case (.refused, .refused(let code, let d), .refused):
                outcome = Outcome(label: "refused \(code)", detail: d)
            case (.accepted, .refused(let code, _), .refused) where planned == .replace:
                // B cannot be created fresh as written (a create-only rule), but jetform replaces only what
                // the server refuses to change; the apply below judges it.
                outcome = Outcome(label: "replace \(code)")
            case (.accepted, .refused(let code, let d), .refused):
                outcome = Outcome(label: "false accept \(code)", disagreement: "false accept: the server refuses B (update \(code) \(d); create \(created))\n\(context)")
            case (.accepted, .accepted, _):
                outcome = planned == .replace
                    ? Outcome(label: "needless replace", disagreement: "needless replace: the server updates A to B in place\n\(plan.map { PlanRenderer.render($0) } ?? "")\n\(context)")
                    : Outcome(label: planned == nil ? "no change" : "update")
            case (.accepted, .refused(let code, let d), .accepted):
                outcome = planned == .replace
                    ? Outcome(label: "replace \(code)")
                    : Outcome(label: "refused update \(code)", disagreement: "update the server refuses: \(code) \(d)\n\(plan.map { PlanRenderer.render($0) } ?? "")\n\(context)")
            }
            // Disagreements jetform cannot remove, by the server's code (see `named`).
            if outcome.disagreement != nil {
                if case .refused = mine, hasNewerField(streamB, StreamFields.all) || hasNewerField(consumerB, ConsumerFields.all) {
                    outcome = Outcome(label: "newer field dropped by the server")
                } else if case .refused(let reasons) = mine, let name = Self.named(reasons: reasons) {
                    outcome = Outcome(label: "named: \(name)")
                } else if case .refused(let code, let d) = inPlace, let name = Self.named(code: code, d, streamB) {
                    outcome = Outcome(label: "named \(code): \(name)")
                }
            }
            if outcome.disagreement == nil, removedA, let problem = await applyAndReplan(topologyA, allowReplace: false) {
                outcome = Outcome(label: "A not put back", disagreement: "apply A again after its copies: \(problem)\n\(context)")
            }
            if outcome.disagreement == nil, case .accepted(let topology) = mine {
                if let problem = await applyAndReplan(topology, allowReplace: true) {
                    if problem.contains("err_code 10005"), let name = Self.named(code: 10005, "", streamB) {
                        outcome = Outcome(label: "named 10005: \(name)")
                    } else if let name = Self.namedDrift(problem, consumerB, streamB) {
                        outcome = Outcome(label: "named: \(name)")
                    } else {
                        outcome = Outcome(label: "apply failed", disagreement: "apply B: \(problem)\n\(context)")
                    }
                }
            }
            await cleanUp(streamA)
            return outcome
        }

        /// The server's answers on copies of case `k`'s A: updated in place to B, and B created fresh.
        func copies(from a: (stream: JSONObject, consumer: JSONObject?), to b: (stream: JSONObject, consumer: JSONObject?),
                    token: String, _ k: Int) async -> (inPlace: ServerAnswer, created: ServerAnswer) {
            let copy = Self.token(k, "c"), fresh = Self.token(k, "f")
            let copyA = (stream: a.stream.renamed(token, to: copy), consumer: a.consumer?.renamed(token, to: copy))
            var inPlace: ServerAnswer
            if case .refused(let code, let d) = await serverCreate(copyA.stream, copyA.consumer) {
                inPlace = .refused(code, "copy of A refused: \(d)")
            } else {
                inPlace = await serverUpdate(b.stream.renamed(token, to: copy), b.consumer?.renamed(token, to: copy),
                                             consumerExisted: a.consumer != nil, from: copyA)
            }
            await cleanUp(copyA.stream)
            let created = await serverCreate(b.stream.renamed(token, to: fresh), b.consumer?.renamed(token, to: fresh))
            await cleanUp(b.stream.renamed(token, to: fresh))
            return (inPlace, created)
        }

        static func refusedForResources(_ answer: ServerAnswer) -> Bool {
            guard case .refused(let code, _) = answer else { return false }
            return transient.map { Int($0.rawValue) }.contains(code)
        }

        /// The disagreements that stay, each named by the server's error code:
        /// - 10005 "no suitable peers" for a placement on tags or a cluster the servers do not have: the
        ///   application account sees neither the servers' tags nor the other clusters of a supercluster,
        ///   so the plan cannot tell (the apply preflight, through the system account, could).
        /// - 10014 for a consumer-first update whose consumer its stated inactive_threshold (of a few
        ///   milliseconds) deleted before the stream's update: the server kept nothing to judge.
        /// - negative `consumer_limits` values, which the server stores as they are: jetform refuses them
        ///   (a negative duration or a limit below -1 means nothing).
        static func named(code: Int, _ description: String, _ stream: JSONObject) -> String? {
            if code == 10005, let placement = stream["placement"]?.objectValue,
               placement["tags"] != nil || placement["cluster"]?.stringValue != "jetform" {
                return "placement the servers cannot satisfy"
            }
            if code == 10014, description.contains("deleted by its inactive_threshold") {
                return "consumer deleted by the inactive_threshold it states before the update could be judged"
            }
            return nil
        }

        /// A consumer whose inactive_threshold (its own, or the stream's consumer_limits one it takes) is
        /// shorter than the time from apply to re-plan is deleted by the server in between (jetform warns
        /// of it), so the re-plan creates it again.
        static func namedDrift(_ problem: String, _ consumer: JSONObject?, _ stream: JSONObject) -> String? {
            let threshold = consumer?["inactive_threshold"]?.intValue ?? stream["consumer_limits"]?["inactive_threshold"]?.intValue
            guard problem.contains("false drift"), problem.contains("+ consumer"), !problem.contains("~ "),
                  let threshold, threshold > 0, threshold < 5_000_000_000 else { return nil }
            return "consumer deleted by its inactive_threshold before the re-plan"
        }

        static func named(reasons: [String]) -> String? {
            reasons.allSatisfy {
                $0.contains("is not a duration: '-") || $0.contains("is not a size: '-") || $0.contains("is '-") && $0.contains("outside the allowed range")
            }
                ? "negative values the server stores" : nil
        }

        /// Whether the config holds a field (or enum value) newer than the server's release. jetform
        /// refuses to send it; 2.10 and 2.11 accept such a config and drop the field, 2.12+ refuse it
        /// (10025), so either answer agrees with jetform's refusal.
        func hasNewerField(_ config: JSONObject?, _ fields: [FieldSpec]) -> Bool {
            guard let config else { return false }
            for (key, value) in config {
                guard let field = fields.first(where: { $0.name == key }) else { continue }
                if field.since > caps.version { return true }
                switch field.kind {
                case .enumeration(let values):
                    if let v = values.first(where: { $0.value == value.stringValue }), v.since > caps.version { return true }
                case .object(let nested):
                    if hasNewerField(value.objectValue, nested) { return true }
                case .objectList(let nested):
                    if (value.arrayValue ?? []).contains(where: { hasNewerField($0.objectValue, nested) }) { return true }
                default: break
                }
            }
            return false
        }

        // MARK: the two sides

        enum Verdict {
            case accepted(TopologySpec)
            case refused([String])
        }

        enum ServerAnswer: CustomStringConvertible {
            case accepted
            case refused(Int, String)
            var description: String {
                switch self {
                case .accepted: "accepted"
                case .refused(let code, let d): "refused \(code) \(d)"
                }
            }
        }

        /// jetform's verdict: the file loaded and validated, then the plan-time checks for this release.
        func verdict(_ stream: JSONObject, _ consumer: JSONObject?, topology name: String,
                     observed: ObservedState = ObservedState(streams: [])) -> Verdict {
            let yaml = "name: \(name)\ncontexts:\n  user: { url: 'nats://localhost:4222' }\nstreams:\n" + Self.yaml(stream, consumer)
            do {
                let topology = try TopologyLoader.load(yaml: yaml, file: "topology.yaml", environment: [:]).topology
                let issues = Planner.plan(desired: topology, observed: observed, capabilities: caps,
                                          options: PlanOptions(allowReplace: true, allowDataLoss: true)).errors
                return issues.isEmpty ? .accepted(topology) : .refused(issues.map(\.message))
            } catch {
                return .refused(error.errors.map(\.message))
            }
        }

        /// The stream (and consumer) as a topology's `streams:` entry: the JSON itself (YAML's flow style).
        static func yaml(_ stream: JSONObject, _ consumer: JSONObject?) -> String {
            var body = JSONObject(stream.filter { $0.key != "name" }.map { ($0.key, $0.value) })
            if let consumer, let name = consumer["durable_name"]?.stringValue {
                let config = JSONObject(consumer.filter { $0.key != "durable_name" }.map { ($0.key, $0.value) })
                body["consumers"] = .object([name: .object(config)])
            }
            return "  \(stream["name"]?.stringValue ?? ""): \(body.jsonString(pretty: false))\n"
        }

        var pedantic: Bool { caps.version.supportsPedantic }

        func serverCreate(_ stream: JSONObject, _ consumer: JSONObject?) async -> ServerAnswer {
            do {
                _ = try await settled(stream) { () async throws(JetStreamError) in try await js.createStream(json: stream, pedantic: pedantic) }
                if let consumer {
                    _ = try await settled(stream, created: true) { () async throws(JetStreamError) in
                        try await js.createConsumer(stream: stream["name"]?.stringValue ?? "", json: consumer, action: .create,
                                                    pedantic: pedantic)
                    }
                }
                return .accepted
            } catch {
                return Self.answer(error)
            }
        }

        /// The in-place update, stream first; where the server refuses the stream's new consumer limits
        /// because the consumer still exceeds them (10051 / 10069), consumer first, on a new copy of A
        /// (`from`): a 2.14.0 cluster keeps a refused limits update in its meta layer, where the consumer's
        /// update then copies it and the same stream update passes.
        func serverUpdate(_ stream: JSONObject, _ consumer: JSONObject?, consumerExisted: Bool,
                          from a: (stream: JSONObject, consumer: JSONObject?)) async -> ServerAnswer {
            let answer = await serverUpdate(stream, consumer, consumerExisted: consumerExisted, consumerFirst: false)
            // Refused by the consumers for the new limits, or by pedantic mode for a consumer that leaves
            // them unset: jetform updates (or creates) such a consumer before the limits, stating its values.
            let leavesLimits = PlanBuilder.limitKeys.contains { key in
                (stream["consumer_limits"]?[key]?.intValue ?? 0) != 0 && consumer?[key] == nil
            }
            if case .refused(let code, _) = answer, consumer != nil,
               [10051, 10069].contains(code) && consumerExisted || code == 10157 && leavesLimits {
                await cleanUp(a.stream)
                if case .refused(let code, let d) = await serverCreate(a.stream, a.consumer) { return .refused(code, "copy of A refused: \(d)") }
                return await serverUpdate(stream, consumer, consumerExisted: consumerExisted, consumerFirst: true)
            }
            return answer
        }

        func serverUpdate(_ stream: JSONObject, _ consumer: JSONObject?, consumerExisted: Bool, consumerFirst: Bool) async -> ServerAnswer {
            do {
                if consumerFirst, let declared = consumer {
                    // Updated while the stream still has its old limits, the consumer states the values it
                    // would take from the new ones (it would copy the old ones).
                    let consumer = PlanBuilder.stating(stream["consumer_limits"]?.objectValue ?? [:], in: declared)
                    _ = try await settled(stream, created: true) { () async throws(JetStreamError) in
                        try await js.createConsumer(stream: stream["name"]?.stringValue ?? "", json: consumer,
                                                    action: consumerExisted ? .update : .create, pedantic: pedantic)
                    }
                    _ = try await settled(stream, created: true) { () async throws(JetStreamError) in try await js.updateStream(json: stream, pedantic: pedantic) }
                    // A stated inactive_threshold of a few milliseconds deletes a consumer nobody uses before
                    // the stream's update checks it: then the copy is not B, whatever the update answered.
                    let name = consumer["durable_name"]?.stringValue ?? consumer["name"]?.stringValue ?? ""
                    do {
                        _ = try await js.consumerInfo(stream: stream["name"]?.stringValue ?? "", name: name)
                    } catch where error.errCode == .consumerNotFound {
                        return .refused(10014, "the consumer was deleted by its inactive_threshold during the consumer-first update")
                    }
                    return .accepted
                }
                do throws(JetStreamError) {
                    _ = try await settled(stream, created: true) { () async throws(JetStreamError) in try await js.updateStream(json: stream, pedantic: pedantic) }
                } catch where stream["sealed"]?.boolValue == true && error.apiError != nil {
                    // Under load an update's answer can time out after the server applied it; the client's
                    // retry of a seal is then refused on 2.11 (it checks deny_delete before the seal's own
                    // settings). The server's verdict is the first attempt's: the copy is sealed.
                    guard (try? await js.streamInfo(stream["name"]?.stringValue ?? ""))?.config.sealed == true else { return Self.answer(error) }
                }
                if let consumer {
                    _ = try await settled(stream, created: true) { () async throws(JetStreamError) in
                        try await js.createConsumer(stream: stream["name"]?.stringValue ?? "", json: consumer,
                                                    action: consumerExisted ? .update : .create, pedantic: pedantic)
                    }
                }
                return .accepted
            } catch {
                return Self.answer(error)
            }
        }

        static func answer(_ error: JetStreamError) -> ServerAnswer {
            if case .api(let api, _) = error { return .refused(api.errCode.rawValue == 0 ? api.code : Int(api.errCode.rawValue), api.description) }
            return .refused(0, "\(error)")
        }

        /// Retries what a busy cluster answers while it settles (no suitable peers right after a delete,
        /// resources another case holds for a moment, "stream not found" for a stream created a moment
        /// ago on a loaded 2.10 cluster — `created`), unless `stream` asks for what this cluster can never
        /// give: then the first answer is the server's verdict.
        func settled<T>(_ stream: JSONObject, created: Bool = false, _ body: () async throws(JetStreamError) -> T) async throws(JetStreamError) -> T {
            let deadline = ContinuousClock.now + .seconds(20)
            while true {
                do {
                    return try await body()
                } catch where ContinuousClock.now < deadline
                    && (Self.transient.contains(error.errCode ?? JetStreamErrorCode(0)) && Self.fits(stream)
                        || created && error.errCode == .streamNotFound) {
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
        }

        static let transient: [JetStreamErrorCode] = [.noSuitablePeers, .insufficientResources, .memoryResourcesExceeded, .storageResourcesExceeded]

        /// Whether the test cluster (three untagged servers in cluster `jetform`, 1 GB of memory and 4 GB
        /// of file store each) could ever place `stream`.
        static func fits(_ stream: JSONObject) -> Bool {
            if let replicas = stream["num_replicas"]?.intValue, replicas > 3 { return false }
            if let placement = stream["placement"]?.objectValue {
                if let cluster = placement["cluster"]?.stringValue, !cluster.isEmpty, cluster != "jetform" { return false }
                if let tags = placement["tags"]?.arrayValue, !tags.isEmpty { return false }
            }
            let memory = stream["storage"]?.stringValue == "memory"
            if let bytes = stream["max_bytes"]?.intValue, bytes > (memory ? 1 : 4) << 30 { return false }
            return true
        }

        /// Deletes `stream`, asking again while a loaded cluster times out, and waits until the cluster no
        /// longer has it: a 2.10 meta leader answers the delete before it applies it, and a create of the
        /// same config in between is answered "exists" — then the delete takes the new stream away.
        func cleanUp(_ stream: JSONObject) async {
            guard let name = stream["name"]?.stringValue else { return }
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                do {
                    try await js.deleteStream(name)
                } catch where error.errCode != .streamNotFound {
                    try? await Task.sleep(for: .milliseconds(200))
                    continue
                } catch {}
                break
            }
            while ContinuousClock.now < deadline {
                var gone = false
                do {
                    _ = try await js.streamInfo(name)
                } catch {
                    gone = error.errCode == .streamNotFound
                }
                if gone, let names = try? await js.streamNames(), !names.contains(name) { return }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }

        /// Applies `topology` with jetform and plans again: nil when the apply succeeded and the plan is empty.
        /// For a re-plan that creates what apply created: what the servers say a moment later, one read
        /// at a time (whether the resource is gone, or a read only missed it).
        func lookAgain(_ plan: Plan) async -> String {
            func read(_ call: () async throws(JetStreamError) -> Void) async -> String {
                do {
                    try await call()
                    return "finds it"
                } catch {
                    return "\(error)"
                }
            }
            var lines: [String] = []
            for action in plan.actions where action.kind == .create {
                switch action.resource {
                case .consumer(let stream, let name):
                    let info = await read { () async throws(JetStreamError) in _ = try await js.consumerInfo(stream: stream, name: name) }
                    let count = (try? await js.streamInfo(stream))?.state.consumerCount.map(String.init) ?? "?"
                    let names = (try? await js.consumerNames(stream: stream)) ?? []
                    lines.append("then \(action.resource): CONSUMER.INFO \(info); STREAM.INFO consumer_count \(count); CONSUMER.NAMES \(names)")
                case .stream(let name):
                    let names = (try? await js.streamNames()) ?? []
                    let info = await read { () async throws(JetStreamError) in _ = try await js.streamInfo(name) }
                    lines.append("then \(action.resource): STREAM.INFO \(info); STREAM.NAMES lists it: \(names.contains(name))")
                default:
                    continue
                }
            }
            if !lines.isEmpty, let observed = try? await ClusterObserver(jetStream: js).observe() {
                let found = plan.actions.filter { action in
                    switch action.resource {
                    case .stream(let name): return observed.stream(named: name) != nil
                    case .consumer(let stream, let name): return observed.stream(named: stream)?.consumer(named: name) != nil
                    case .key: return false
                    }
                }
                lines.append("a second read of the cluster finds \(found.count) of the \(plan.actions.count)")
            }
            return lines.isEmpty ? "" : "\n" + lines.joined(separator: "\n")
        }

        func applyAndReplan(_ topology: TopologySpec, allowReplace: Bool) async -> String? {
            let options = PlanOptions(allowReplace: allowReplace, allowDataLoss: allowReplace)
            do {
                let plan = Planner.plan(desired: topology, observed: try await ClusterObserver(jetStream: js).observe(expecting: topology),
                                        capabilities: caps, options: options)
                guard plan.errors.isEmpty else { return "plan errors: \(plan.errors.map(\.message))" }
                do {
                    _ = try await PlanExecutor(jetStream: js).apply(plan)
                } catch {
                    return "apply failed: \(error)\nplan:\n\(PlanRenderer.render(plan))"
                }
                let again = Planner.plan(desired: topology, observed: try await ClusterObserver(jetStream: js).observe(expecting: topology),
                                         capabilities: caps, options: options)
                if again.isEmpty { return nil }
                return "re-plan after apply is not empty (false drift):\n\(PlanRenderer.render(again))" + (await lookAgain(again))
            } catch {
                return "\(error)"
            }
        }
    }
}
