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
        and stops if it fails. Without a system_context it checks what the application account can see.
        """
    )

    @Argument(help: "The topology file, or a plan saved with `jetform plan -out FILE`.")
    var file: String = "topology.yaml"

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

    func run() async throws {
        if let text = try? String(contentsOfFile: file, encoding: .utf8), SavedPlan.looksLikePlan(text) {
            try await applySaved(text)
        } else {
            try await applyTopology()
        }
    }

    // MARK: topology file

    private func applyTopology() async throws {
        let session = try await ReconcileSession.open(file: file, connection: connection, purpose: "apply")
        defer { Task { await session.close() } }
        let options = planFlags.options
        if dryRun {
            let plan = try await session.plan(options)
            print(PlanRenderer.render(plan, color: useColor, fileName: file))
            if plan.hasErrors { throw ExitCode.failure }
            return
        }
        let run = runner(session)
        let file = self.file
        // A first plan, without the lock: nothing to do needs no lock, and the health check runs before
        // anything is changed (creating the lock stream included).
        let preliminary = try await session.plan(options)
        if preliminary.hasErrors || preliminary.isEmpty {
            print(PlanRenderer.render(preliminary, color: useColor, fileName: file))
            if preliminary.hasErrors { throw ExitCode.failure }
            return
        }
        try await run.checkHealth(preliminary)
        try await locked(session, command: "apply \(file)") {
            // Planned again while holding the lock, so what is shown is what runs.
            let plan = try await session.plan(options)
            print(PlanRenderer.render(plan, color: useColor, fileName: file))
            if plan.hasErrors { throw ExitCode.failure }
            if plan.isEmpty { return }
            try await run.execute(plan, checkHealth: plan.actions != preliminary.actions)
            let after = try await session.plan(options)
            guard after.isEmpty else {
                print(PlanRenderer.render(after, color: useColor, fileName: file))
                printError("error: the cluster still differs from \(file) after applying (see the plan above)")
                throw ExitCode.failure
            }
            print("The cluster matches \(file).")
        }
    }

    // MARK: saved plan

    private func applySaved(_ text: String) async throws {
        let saved: SavedPlan
        do { saved = try SavedPlan.decode(text, file: file) } catch {
            printError("error: \(error)")
            throw ExitCode.failure
        }
        let plan = saved.plan
        // The topology file only supplies contexts to connect with; the plan itself is never recomputed.
        var topology: TopologySpec?
        var topologyPath = topologyFile ?? saved.topologyFile
        if let path = topologyPath {
            if FileManager.default.fileExists(atPath: path) {
                let loaded = try loadTopologyOrExit(path, environment: ProcessInfo.processInfo.environment)
                guard loaded.name == plan.topology else {
                    printError("error: \(path) is topology '\(loaded.name)' but the plan \(file) is for '\(plan.topology)'; nothing was changed")
                    throw ExitCode.failure
                }
                topology = loaded
            } else if topologyFile != nil {
                printError("error: --topology \(path) does not exist")
                throw ExitCode.failure
            } else {
                printError("note: \(path) (where the plan came from) is not here; connecting with the flags and environment only")
                topologyPath = nil
            }
        }
        let contextName = topology.map { connection.contextName ?? saved.context ?? $0.context }
        let session = try await ReconcileSession.connect(file: topologyPath ?? file, topology: topology, contextName: contextName,
                                                         connection: connection, purpose: "apply")
        defer { Task { await session.close() } }
        let file = self.file
        let path = topologyPath
        if dryRun {
            print(PlanRenderer.render(plan, color: useColor, fileName: path ?? file))
            let reasons = saved.staleness(comparedTo: try await session.observe(), capabilities: session.capabilities)
            if !reasons.isEmpty { printError(Self.staleMessage(file, reasons)) }
            return
        }
        let run = runner(session)
        if !plan.isEmpty && !plan.hasErrors { try await run.checkHealth(plan) }
        try await locked(session, topology: plan.topology, command: "apply \(file)") {
            let observed = try await session.observe()
            let reasons = saved.staleness(comparedTo: observed, capabilities: session.capabilities)
            guard reasons.isEmpty else {
                printError(Self.staleMessage(file, reasons))
                throw ExitCode.failure
            }
            print(PlanRenderer.render(plan, color: useColor, fileName: path ?? file))
            if plan.hasErrors { throw ExitCode.failure }
            if plan.isEmpty { return }
            try await run.execute(plan, checkHealth: false)
            print("Applied the saved plan \(file).")
            if session.topology != nil, let path {
                let after = try await session.plan(plan.options)
                if !after.isEmpty {
                    printError("note: the cluster still differs from \(path) (the file may have changed since the plan); run `jetform plan \(path)`")
                }
            }
        }
    }

    static func staleMessage(_ file: String, _ reasons: [String]) -> String {
        "error: the saved plan \(file) is stale — the cluster changed since it was made:\n"
            + reasons.map { "  - \($0)" }.joined(separator: "\n")
            + "\nNothing was changed. Run `jetform plan -out \(file)` again, review it, and apply the new plan."
    }

    // MARK: shared

    /// Runs `body` holding the topology's apply lock; a lock held too long or lost stops with exit 1.
    private func locked(_ session: ReconcileSession, topology: String? = nil, command: String,
                        _ body: @escaping @Sendable () async throws -> Void) async throws {
        guard let name = topology ?? session.topology?.name else { return }
        let lock = ApplyLock(jetStream: session.jetStream, topology: name, expiry: Self.duration(lockExpiry),
                             replicas: session.capabilities.clusterSize, command: command)
        let timeout = Self.duration(lockTimeout)
        do {
            try await lock.withLock(timeout: timeout, onWait: { holder in
                printError("Waiting up to \(ValueFormatter.seconds(timeout)) for the apply lock of topology '\(name)', held by \(holder.map { "\($0)" } ?? "another run")…")
            }, {
                Trace.mark("holding the apply lock")
                try await body()
            })
            Trace.mark("released the apply lock")
        } catch let error as ApplyLockError {
            printError("error: \(error)")
            throw ExitCode.failure
        }
    }

    private func runner(_ session: ReconcileSession) -> ApplyRun {
        ApplyRun(session: session, yes: yes, parallelism: max(1, parallelism))
    }

    static func duration(_ seconds: Double) -> Duration { .milliseconds(Int64((seconds * 1000).rounded())) }

    static func ms(_ d: Duration) -> String {
        let ms = d.milliseconds
        return ms < 1000 ? String(format: "%.0fms", ms) : String(format: "%.1fs", ms / 1000)
    }
}

/// Confirm, check health, carry out: the part shared by topology files and saved plans.
struct ApplyRun: Sendable {
    let session: ReconcileSession
    let yes: Bool
    let parallelism: Int

    /// The health preflight; stops with exit 1 (nothing changed) when it fails.
    func checkHealth(_ plan: Plan) async throws {
        let health = await session.preflight(plan)
        for note in health.notes { printError("note: \(note)") }
        guard health.passed else {
            printError("error: the cluster is not ready for this plan; nothing was changed:\n"
                       + health.problems.map { "  - \($0)" }.joined(separator: "\n"))
            throw ExitCode.failure
        }
    }

    /// Confirms (unless --yes), checks health again if asked, and carries out the plan.
    func execute(_ plan: Plan, checkHealth again: Bool) async throws {
        guard plan.isApplicable else {
            printError("error: the plan has blocked actions (see above); nothing was changed")
            throw ExitCode.failure
        }
        if !yes {
            guard isatty(STDIN_FILENO) != 0 else {
                printError("error: not on a terminal and --yes not given; nothing was changed")
                throw ExitCode.failure
            }
            print("\nDo you want to apply these changes? Only 'yes' is accepted: ", terminator: "")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
                print("Apply cancelled; nothing was changed.")
                throw ExitCode.success
            }
        }
        if again { try await checkHealth(plan) }
        let total = plan.phases.reduce(0) { $0 + $1.steps.count }
        fflush(nil)
        let done = Atomic<Int>(0)
        let start = ContinuousClock.now
        do {
            _ = try await PlanExecutor(jetStream: session.jetStream, concurrency: parallelism).apply(plan) { result in
                let n = done.add(1, ordering: .relaxed).newValue
                let outcome = result.error.map { "failed: \($0)" } ?? "done in \(ApplyCommand.ms(result.duration))"
                print("[\(n)/\(total)] \(result.step.operation.rawValue.replacingOccurrences(of: "_", with: " ")) \(result.step.resource.name): \(outcome)")
                fflush(nil)  // progress shows live through a pipe (`| tee`), not only at exit
            }
        } catch {
            printError("error: \(error)")
            printError("Run `jetform apply` again: it plans from what is there now and finishes the rest.")
            throw ExitCode.failure
        }
        Trace.mark("applied")
        print("Apply complete: \(total) call(s) in \(ApplyCommand.ms(start.duration(to: .now))).")
    }
}
