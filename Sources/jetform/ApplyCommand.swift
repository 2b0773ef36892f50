import ArgumentParser
import Foundation
import Reconcile
import Synchronization

/// `jetform apply [FILE]`: plan, confirm, carry out, then plan again to prove nothing is left.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the live cluster match the topology file."
    )

    @Argument(help: "The topology file.")
    var file: String = "topology.yaml"

    @Flag(help: "Apply without asking (needed when not on a terminal).")
    var yes = false

    @Flag(name: .customLong("dry-run"), help: "Only show the plan (same as `jetform plan`).")
    var dryRun = false

    @Option(help: "How many API calls run at once within a phase.")
    var parallelism = 16

    @OptionGroup var planFlags: PlanFlags
    @OptionGroup var connection: ConnectionFlags

    func run() async throws {
        let session = try await ReconcileSession.open(file: file, connection: connection, purpose: "apply")
        defer { Task { await session.close() } }
        let plan = try await session.plan(planFlags.options)
        print(PlanRenderer.render(plan, color: useColor, fileName: file))
        if plan.hasErrors { throw ExitCode.failure }
        if plan.isEmpty || dryRun { return }
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
                return
            }
        }
        let total = plan.phases.reduce(0) { $0 + $1.steps.count }
        let done = Atomic<Int>(0)
        let start = ContinuousClock.now
        do {
            _ = try await PlanExecutor(jetStream: session.jetStream, concurrency: max(1, parallelism)).apply(plan) { result in
                let n = done.add(1, ordering: .relaxed).newValue
                let outcome = result.error.map { "failed: \($0)" } ?? "done in \(Self.ms(result.duration))"
                print("[\(n)/\(total)] \(result.step.operation.rawValue.replacingOccurrences(of: "_", with: " ")) \(result.step.resource.name): \(outcome)")
            }
        } catch {
            printError("error: \(error)")
            printError("Run `jetform apply` again: it plans from what is there now and finishes the rest.")
            throw ExitCode.failure
        }
        let after = try await session.plan(planFlags.options)
        guard after.isEmpty else {
            print(PlanRenderer.render(after, color: useColor, fileName: file))
            printError("error: the cluster still differs from \(file) after applying (see the plan above)")
            throw ExitCode.failure
        }
        print("Apply complete: \(total) call(s) in \(Self.ms(start.duration(to: .now))). The cluster matches \(file).")
    }

    static func ms(_ d: Duration) -> String {
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        return ms < 1000 ? String(format: "%.0fms", ms) : String(format: "%.1fs", ms / 1000)
    }
}
