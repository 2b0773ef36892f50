import ArgumentParser
import Foundation
import JetStream
import Reconcile
import Synchronization
import Topology

/// `jetform apply [FILE]`: with a topology file: lock, plan, confirm, health check, carry out, plan again to
/// prove nothing is left. With a saved plan (`jetform plan -out FILE`): lock, check the cluster did not
/// change since, health check, carry out exactly that plan.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the live cluster match the topology file, or carry out a plan saved with `plan -out`.",
        discussion: """
        FILE is a topology file or a saved plan (JSON from `jetform plan -out FILE`, told apart by its content). \
        A saved plan is applied exactly as saved; if anything it touches changed in the cluster since, apply \
        refuses it and changes nothing (run `jetform plan -out FILE` again).

        Only one apply per topology runs at a time: apply takes a lock kept in the cluster (stream \
        JETFORM_LOCKS, subject jetform.lock.<topology>) and refreshes it while it works. Another apply waits \
        up to --lock-timeout, then stops. A lock whose holder was killed expires --lock-expiry after its last \
        refresh.

        Before the first change, apply checks cluster health through the topology's system_context (meta \
        leader, JetStream enabled, enough servers for the replicas the plan needs, fields every server knows) \
        and stops if it fails. Without a system_context it checks what the application account can see. \
        After applying, apply plans again and fails if anything is left.

        Exit codes: 0 applied, no changes, or declined at the prompt; 1 error (nothing changed unless \
        the message says some steps ran).
        """
    )

    @OptionGroup var fileArguments: TopologyFileArguments

    @Flag(help: "Apply without asking (needed when not on a terminal).")
    var yes = false

    @Flag(name: .customLong("dry-run"), help: "Only show the plan (same as `jetform plan`); takes no lock.")
    var dryRun = false

    @Flag(help: "Print one JSON document on standard output (outcome, plan, each call, error) instead of text; needs --yes.")
    var json = false

    @Option(help: "How many API calls run at once within a phase.")
    var parallelism = 16

    @Option(name: .customLong("topology"),
            help: ArgumentHelp("For a saved plan: the topology file whose contexts to connect with (default: the file the plan was made from).",
                               valueName: "file"))
    var topologyFile: String?

    @Option(name: .customLong("lock-timeout"),
            help: ArgumentHelp("Seconds to wait while another apply of the same topology holds the lock, then stop (0: do not wait).",
                               valueName: "seconds"))
    var lockTimeout: Double = 60

    @Option(name: .customLong("lock-expiry"),
            help: ArgumentHelp("Seconds the lock outlives its holder's last refresh: how long a killed apply blocks others.",
                               valueName: "seconds"))
    var lockExpiry: Double = 30

    @OptionGroup var planFlags: PlanFlags

    @OptionGroup var connection: ConnectionFlags

    func validate() throws {
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout must be 0 or more seconds") }
        guard lockExpiry >= 2 else { throw ValidationError("--lock-expiry must be at least 2 seconds (refreshes run every third of it)") }
        guard !json || yes || dryRun else { throw ValidationError("--json needs --yes: nothing can be asked while writing JSON") }
    }

    var file: String { fileArguments.path }

    func run() async throws {
        if let text = try? String(contentsOfFile: file, encoding: .utf8), SavedPlan.looksLikePlan(text) {
            try await applySaved(text)
        } else {
            try await applyTopology()
        }
    }

    var options: ApplyOptions {
        ApplyOptions(plan: planFlags.options, parallelism: parallelism, lockExpiry: Self.duration(lockExpiry),
                     lockTimeout: Self.duration(lockTimeout), command: "apply \(file)")
    }

    // MARK: topology file

    private func applyTopology() async throws {
        let file = self.file
        Trace.mark("start")
        let topology = try fileArguments.load()
        Trace.mark("loaded \(file): \(topology.streams.count) streams, \(topology.consumerCount) consumers")
        let options = self.options
        let dryRun = self.dryRun
        let report = json ? ApplyJSONReport() : nil
        let outcome = try await connection.withSession(topology: topology, file: file, purpose: "apply") { session in
            if dryRun {
                let plan = try await session.plan(topology, options: options.plan)
                print(report == nil ? PlanRenderer.render(plan, color: useColor, fileName: file) : PlanJSON.encode(plan))
                if plan.hasErrors { throw ExitCode.failure }
                return ApplyOutcome.noChanges(plan)
            }
            return try await Self.report(file: file, json: report) { () async throws(ApplyFailure) -> ApplyOutcome in
                try await ApplyService(session: session, options: options)
                    .run(topology, confirm: confirmation, events: Self.events(fileName: file, json: report))
            }
        }
        if dryRun || report != nil { return }
        if case .applied = outcome { print("The cluster matches \(file).") }
    }

    // MARK: saved plan

    private func applySaved(_ text: String) async throws {
        let saved: SavedPlan
        do { saved = try SavedPlan.decode(text, file: file) } catch {
            throw CommandFailure("error: \(error)")
        }
        let plan = saved.plan
        // The topology file supplies contexts to connect with and the values of sensitive keys (checked
        // against the plan's digests); the plan itself is never recomputed.
        var topology: TopologySpec?
        if let chosen = fileArguments.environmentName, chosen != saved.environment {
            throw CommandFailure("error: the plan \(file) was made for \(saved.environment.map { "environment '\($0)'" } ?? "no environment"), not '\(chosen)'; nothing was changed — make a plan with --env \(chosen)")
        }
        let paths = topologyFile.map { [$0] } ?? saved.topologyFiles
        var topologyPath = paths.isEmpty ? nil : paths.joined(separator: ",")
        if let path = topologyPath {
            if paths.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
                let loaded = try loadTopology(paths, selecting: saved.environment)
                guard loaded.name == plan.topology else {
                    throw CommandFailure("error: \(path) is topology '\(loaded.name)' but the plan \(file) is for '\(plan.topology)'; nothing was changed")
                }
                topology = loaded
            } else if topologyFile != nil {
                throw CommandFailure("error: --topology \(path) does not exist")
            } else {
                printError("note: \(path) (where the plan came from) is not here; connecting with the flags and environment only")
                topologyPath = nil
            }
        }
        let file = self.file
        let path = topologyPath
        let options = self.options
        let dryRun = self.dryRun
        let report = json ? ApplyJSONReport() : nil
        let outcome = try await connection.withSession(topology: topology, file: topologyPath ?? file,
                                                       contextName: topology.map { saved.context ?? $0.context },
                                                       purpose: "apply") { session in
            if dryRun {
                print(report == nil ? PlanRenderer.render(plan, color: useColor, fileName: path ?? file) : PlanJSON.encode(plan))
                let observed = try await session.observe(expecting: topology, keys: plan.touchedResources)
                let reasons = saved.staleness(comparedTo: observed, capabilities: session.capabilities)
                if !reasons.isEmpty { printError(Self.staleMessage(file, reasons)) }
                return ApplyOutcome.noChanges(plan)
            }
            return try await Self.report(file: file, json: report) { () async throws(ApplyFailure) -> ApplyOutcome in
                try await ApplyService(session: session, options: options)
                    .run(saved: saved, topology: topology, confirm: confirmation, events: Self.events(fileName: path ?? file, json: report))
            }
        }
        if dryRun || report != nil { return }
        if case .applied(_, _, _, let remaining) = outcome {
            print("Applied the saved plan \(file).")
            if remaining != nil, let path {
                printError("note: the cluster still differs from \(path) (the file may have changed since the plan); run `jetform plan \(path)`")
            }
        }
    }

    // MARK: shared

    /// Asks on the terminal unless --yes; off a terminal without --yes nothing is changed.
    private var confirmation: ApplyService.Confirm {
        let yes = self.yes
        return { _ in
            if yes { return true }
            guard isatty(STDIN_FILENO) != 0 else {
                printError("error: not on a terminal and --yes not given; nothing was changed")
                return false
            }
            print("\nDo you want to apply these changes? Only 'yes' is accepted: ", terminator: "")
            fflush(nil)
            return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
        }
    }

    /// Runs an apply and turns its end into output and an exit: failures are `CommandFailure`s, a
    /// declined run prints so (exit 0 at the prompt, 1 off a terminal without --yes).
    static func report(file: String, json: ApplyJSONReport?, _ body: () async throws(ApplyFailure) -> ApplyOutcome) async throws -> ApplyOutcome {
        if let json {
            let outcome: ApplyOutcome
            do throws(ApplyFailure) {
                outcome = try await body()
            } catch {
                print(json.document(failure: error))
                if case .planErrors = error { throw ExitCode.failure }
                throw CommandFailure(error.isStale ? staleMessage(file, error.staleReasons) : "error: \(error)")
            }
            print(json.document(outcome))
            if case .declined = outcome { throw ExitCode.failure }
            return outcome
        }
        let outcome: ApplyOutcome
        do {
            outcome = try await body()
        } catch .notConverged(let after) {
            print(PlanRenderer.render(after, color: useColor))
            throw CommandFailure("error: \(ApplyFailure.notConverged(after))")
        } catch .planErrors {
            throw ExitCode.failure
        } catch .stale(let reasons) {
            throw CommandFailure(staleMessage(file, reasons))
        } catch {
            throw CommandFailure("error: \(error)")
        }
        if case .applied(_, let results, let duration, _) = outcome {
            print("Apply complete: \(results.count) call(s) in \(ms(duration)).")
        }
        if case .declined = outcome {
            if isatty(STDIN_FILENO) == 0 { throw ExitCode.failure }
            print("Apply cancelled; nothing was changed.")
        }
        return outcome
    }

    /// Progress on the terminal: the plan, health notes, lock waits, each call as it finishes.
    static func events(fileName: String, json: ApplyJSONReport?) -> ApplyService.Events {
        { event in
            if let json {
                json.record(event)
                return
            }
            switch event {
            case .planned(let plan):
                print(PlanRenderer.render(plan, color: useColor, fileName: fileName))
            case .healthNotes(let notes):
                for note in notes { printError("note: \(note)") }
            case .waitingForLock(let topology, let holder, let timeout):
                printError("Waiting up to \(ValueFormatter.seconds(timeout)) for the apply lock of topology '\(topology)', held by \(holder.map { "\($0)" } ?? "another run")…")
            case .lockHeld, .lockReleased:
                break
            case .step(let result, let done, let total):
                let outcome = result.error.map { "failed: \($0)" } ?? "done in \(ms(result.duration))"
                print("[\(done)/\(total)] \(result.step.operation.rawValue.replacingOccurrences(of: "_", with: " ")) \(result.step.resource.name): \(outcome)")
            }
            fflush(nil)  // progress shows live through a pipe (`| tee`), not only at exit
        }
    }

    static func staleMessage(_ file: String, _ reasons: [String]) -> String {
        "error: the saved plan \(file) is stale — the cluster changed since it was made:\n"
            + reasons.map { "  - \($0)" }.joined(separator: "\n")
            + "\nNothing was changed. Run `jetform plan -out \(file)` again, review it, and apply the new plan."
    }

    static func duration(_ seconds: Double) -> Duration { .milliseconds(Int64((seconds * 1000).rounded())) }

    static func ms(_ d: Duration) -> String {
        let ms = d.milliseconds
        return ms < 1000 ? String(format: "%.0fms", ms) : String(format: "%.1fs", ms / 1000)
    }
}

extension ApplyFailure {
    var isStale: Bool { if case .stale = self { return true }; return false }
    var staleReasons: [String] { if case .stale(let reasons) = self { return reasons }; return [] }
}

/// `apply --json`: what the run told, gathered into one document printed at the end. Health notes and
/// lock waits still go to standard error as they happen.
final class ApplyJSONReport: Sendable {
    private let state = Mutex<(plan: Plan?, steps: [StepResult])>((nil, []))

    func record(_ event: ApplyEvent) {
        switch event {
        case .planned(let plan): state.withLock { $0.plan = plan }
        case .step(let result, _, _): state.withLock { $0.steps.append(result) }
        case .healthNotes(let notes): for note in notes { printError("note: \(note)") }
        case .waitingForLock(let topology, let holder, let timeout):
            printError("Waiting up to \(ValueFormatter.seconds(timeout)) for the apply lock of topology '\(topology)', held by \(holder.map { "\($0)" } ?? "another run")…")
        case .lockHeld, .lockReleased: break
        }
    }

    /// `{"outcome": "applied" | "no_changes" | "declined", "plan": …, "steps": […], "remaining": … | null}`
    func document(_ outcome: ApplyOutcome) -> String {
        switch outcome {
        case .noChanges(let plan): return document("no_changes", plan: plan)
        case .declined(let plan): return document("declined", plan: plan)
        case .applied(let plan, _, let duration, let remaining):
            return document("applied", plan: plan, extra: ["duration_ms": duration.milliseconds, "remaining": remaining.map(Self.object) ?? NSNull()])
        }
    }

    /// `{"outcome": "failed", "error": "…", "plan": … | null, "steps": […]}`
    func document(failure: ApplyFailure) -> String {
        var plan = state.withLock { $0.plan }
        if case .notConverged(let after) = failure { plan = after }
        return document("failed", plan: plan, extra: ["error": "\(failure)"])
    }

    private func document(_ outcome: String, plan: Plan?, extra: [String: Any] = [:]) -> String {
        let steps = state.withLock { $0.steps }.map { result -> [String: Any] in
            ["operation": result.step.operation.rawValue, "resource": result.step.resource.description,
             "duration_ms": result.duration.milliseconds, "error": result.error.map { "\($0)" } ?? NSNull()]
        }
        var root: [String: Any] = ["outcome": outcome, "plan": plan.map(Self.object) ?? NSNull(), "steps": steps]
        root.merge(extra) { _, new in new }
        guard let data = try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return #"{"outcome": "\#(outcome)"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func object(_ plan: Plan) -> Any {
        (try? JSONSerialization.jsonObject(with: Data(PlanJSON.encode(plan).utf8))) ?? NSNull()
    }
}
