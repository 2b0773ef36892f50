import ArgumentParser
import Topology

/// `jetform schema`: print the JSON Schema of topology.yaml (the repository ships it in schema/).
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of the topology file format.",
        discussion: "Exit codes: 0 printed, 1 error."
    )

    func run() async throws {
        print(TopologySchema.jsonString(), terminator: "")
    }
}
