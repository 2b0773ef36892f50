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

        Exit codes: 0 the plan was made (with --detailed-exitcode: and there are no changes), 1 error (the \
        file, the connection, or a plan with errors), 2 changes present (only with --detailed-exitcode).
        """
    )

    @OptionGroup var topologyFile: TopologyFileArguments

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 0 when there are no changes, 2 when there are, 1 on errors.")
    var detailedExitcode = false

    @Flag(help: "List every stream and consumer left alone by name (more than \(PlanRenderer.unmanagedListLimit) are summed up by owner).")
    var showUnmanaged = false

    @Option(name: [.customLong("out", withSingleDash: true), .customLong("out")],
            help: ArgumentHelp("Save the plan to this file for `jetform apply FILE`.", valueName: "file"))
    var out: String?

    @OptionGroup var planFlags: PlanFlags
    @OptionGroup var connection: ConnectionFlags

    func run() async throws {
        let file = topologyFile.path
        Trace.mark("start")
        let topology = try topologyFile.load()
        Trace.mark("loaded \(file): \(topology.streams.count) streams, \(topology.consumerCount) consumers")
        let options = planFlags.options
        let contextName = try connection.resolve(topology: topology, file: file, defaultContext: topology.context).contextName
        let (plan, observed, cluster) = try await connection.withSession(topology: topology, file: file, purpose: "plan") { session in
            let observed = try await session.observe(expecting: topology)
            return (session.plan(topology, options: options, observed: observed), observed, session.clusterName)
        }
        Trace.mark("closed the connection")
        print(json ? PlanJSON.encode(plan) : PlanRenderer.render(plan, color: useColor, fileName: file, showUnmanaged: showUnmanaged))
        if let out {
            let saved = SavedPlan(plan: plan, topologyFiles: topologyFile.paths, context: contextName,
                                  environment: topology.environment?.name, cluster: cluster, observed: observed)
            do {
                try saved.encode().write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure("error: cannot write the plan to \(out): \(error)")
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
