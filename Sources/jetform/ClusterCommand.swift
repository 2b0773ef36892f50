import ArgumentParser

struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cluster", abstract: "Not yet available.")
    func run() async throws { throw ValidationError("'cluster' is not implemented yet") }
}
