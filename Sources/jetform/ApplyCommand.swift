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
        let topology = try loadTopology(file)
        Trace.mark("loaded \(file): \(topology.streams.count) streams, \(topology.consumerCount) consumers")
        let options = self.options
        let dryRun = self.dryRun
        let outcome = try await connection.withSession(topology: topology, file: file, purpose: "apply") { session in
            if dryRun {
                let plan = try await session.plan(topology, options: options.plan)
                print(PlanRenderer.render(plan, color: useColor, fileName: file))
                if plan.hasErrors { throw ExitCode.failure }
                return ApplyOutcome.noChanges(plan)
            }
            return try await Self.report(file: file) { () async throws(ApplyFailure) -> ApplyOutcome in
                try await ApplyService(session: session, options: options)
                    .run(topology, confirm: confirmation, events: Self.events(fileName: file))
            }
        }
        if dryRun { return }
        if case .applied = outcome { print("The cluster matches \(file).") }
    }

    // MARK: saved plan

    private func applySaved(_ text: String) async throws {
        let saved: SavedPlan
        do { saved = try SavedPlan.decode(text, file: file) } catch {
            throw CommandFailure("error: \(error)")
        }
        let plan = saved.plan
        // The topology file only supplies contexts to connect with; the plan itself is never recomputed.
        var topology: TopologySpec?
        var topologyPath = topologyFile ?? saved.topologyFile
        if let path = topologyPath {
            if FileManager.default.fileExists(atPath: path) {
                let loaded = try loadTopology(path)
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
        let outcome = try await connection.withSession(topology: topology, file: topologyPath ?? file,
                                                       contextName: topology.map { saved.context ?? $0.context },
                                                       purpose: "apply") { session in
            if dryRun {
                print(PlanRenderer.render(plan, color: useColor, fileName: path ?? file))
                let observed = try await session.observe(expecting: topology)
                let reasons = saved.staleness(comparedTo: observed, capabilities: session.capabilities)
                if !reasons.isEmpty { printError(Self.staleMessage(file, reasons)) }
                return ApplyOutcome.noChanges(plan)
            }
            return try await Self.report(file: file) { () async throws(ApplyFailure) -> ApplyOutcome in
                try await ApplyService(session: session, options: options)
                    .run(saved: saved, topology: topology, confirm: confirmation, events: Self.events(fileName: path ?? file))
            }
        }
        if dryRun { return }
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
    static func report(file: String, _ body: () async throws(ApplyFailure) -> ApplyOutcome) async throws -> ApplyOutcome {
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
    static func events(fileName: String) -> ApplyService.Events {
        { event in
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
