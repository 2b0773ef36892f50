import ArgumentParser

@main
struct Jetform: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jetform",
        abstract: "Keep a NATS JetStream cluster in the shape a YAML file describes.",
        version: JetformVersion.current,
        subcommands: [
            ValidateCommand.self,
            PlanCommand.self,
            ApplyCommand.self,
            ExportCommand.self,
            SmokeCommand.self,
            StatusCommand.self,
            ClusterCommand.self,
            SchemaCommand.self,
            ContextCommand.self,
            WorkerCommand.self,
            ProducerCommand.self,
        ]
    )
}

enum JetformVersion {
    static let current = "0.1.0"
}
