import ArgumentParser
import Foundation
import Reconcile

/// `jetform plan [FILE]`: what apply would change, field by field, without changing anything.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show how the live cluster differs from the topology file (changes nothing).",
        discussion: """
        With -out FILE the plan is also saved (JSON, no secrets); `jetform apply FILE` then carries out exactly \
        that plan, and refuses it if anything the plan touches changed in the cluster since.
        """
    )

    @Argument(help: "The topology file.")
    var file: String = "topology.yaml"

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 0 when there are no changes, 2 when there are, 1 on errors.")
    var detailedExitcode = false

    @Option(name: [.customLong("out", withSingleDash: true), .customLong("out")],
            help: ArgumentHelp("Save the plan to this file for `jetform apply FILE`.", valueName: "file"))
    var out: String?

    @OptionGroup var planFlags: PlanFlags
    @OptionGroup var connection: ConnectionFlags

    func run() async throws {
        let session = try await ReconcileSession.open(file: file, connection: connection, purpose: "plan")
        let observed = try await session.observe()
        let plan = session.plan(planFlags.options, observed: observed)
        await session.close()
        Trace.mark("closed the connection")
        print(json ? PlanJSON.encode(plan) : PlanRenderer.render(plan, color: useColor, fileName: file))
        if let out {
            let saved = SavedPlan(plan: plan, topologyFile: file, context: session.contextName, observed: observed)
            do {
                try saved.encode().write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                printError("error: cannot write the plan to \(out): \(error)")
                throw ExitCode.failure
            }
            if !json {
                print(plan.hasErrors ? "\nSaved the plan to \(out), but it has errors and apply will refuse it."
                      : "\nSaved the plan to \(out). `jetform apply \(out)` carries out exactly this plan (and refuses it if the cluster changes first).")
            }
        }
        if plan.hasErrors { throw ExitCode.failure }
        if detailedExitcode && !plan.isEmpty { throw ExitCode(2) }
    }
}
