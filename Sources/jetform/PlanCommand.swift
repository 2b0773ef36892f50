import ArgumentParser
import Foundation
import Reconcile

/// `jetform plan [FILE]`: what apply would change, field by field, without changing anything.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show how the live cluster differs from the topology file (changes nothing)."
    )

    @Argument(help: "The topology file.")
    var file: String = "topology.yaml"

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 0 when there are no changes, 2 when there are, 1 on errors.")
    var detailedExitcode = false

    @OptionGroup var planFlags: PlanFlags
    @OptionGroup var connection: ConnectionFlags

    func run() async throws {
        let session = try await ReconcileSession.open(file: file, connection: connection, purpose: "plan")
        let plan = try await session.plan(planFlags.options)
        await session.close()
        print(json ? PlanJSON.encode(plan) : PlanRenderer.render(plan, color: useColor, fileName: file))
        if plan.hasErrors { throw ExitCode.failure }
        if detailedExitcode && !plan.isEmpty { throw ExitCode(2) }
    }
}
