import ArgumentParser

struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schema", abstract: "Not yet available.")
    func run() async throws { throw ValidationError("'schema' is not implemented yet") }
}
