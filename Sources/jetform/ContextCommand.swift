import ArgumentParser
import Foundation
import Topology

/// `jetform context …`: natscli contexts from the topology.
struct ContextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "context",
        abstract: "Work with the topology's connection contexts.",
        subcommands: [ContextExportCommand.self]
    )
}

/// `jetform context export`: write each context as a natscli context file.
struct ContextExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the topology's contexts as natscli context files (mode 0600).",
        discussion: "Exit codes: 0 written, 1 error (the file does not load, or a context file cannot be written)."
    )

    @OptionGroup var topologyFile: TopologyFileArguments

    @Option(help: "Configuration folder (default: $XDG_CONFIG_HOME, else ~/.config); files go to DIR/nats/context/.")
    var dir: String?

    @Option(help: "Also make this context natscli's selected one (writes nats/context.txt).")
    var select: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let topology = try topologyFile.load(environment: environment)
        let directory = dir ?? NatsContextExport.defaultConfigDirectory(environment: environment)
        do {
            let written = try NatsContextExport.export(topology.contexts, to: directory, select: select)
            for file in written { print("wrote context '\(file.context)' to \(file.path)") }
            if let select { print("selected context '\(select)'") }
        } catch {
            throw CommandFailure.error(error.description)
        }
    }
}
