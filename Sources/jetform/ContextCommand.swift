import ArgumentParser

struct ContextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "context", abstract: "Not yet available.")
    func run() async throws { throw ValidationError("'context' is not implemented yet") }
}
