import ArgumentParser
import Foundation
import Logging


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
            CheckCommand.self,
            ClusterCommand.self,
            SchemaCommand.self,
            ContextCommand.self,
            WorkerCommand.self,
            ProducerCommand.self,
        ]
    )

    /// The one way out: a command returns (exit 0), throws `ExitCode` (its code), throws
    /// `CommandFailure` (its message on standard error, its code), or throws anything else (the error on
    /// standard error, exit 1).
    /// Logs go to standard error: at `JETFORM_LOG` (trace, debug, info, …) or debug with `--verbose`;
    /// otherwise only warnings and errors (the libraries log at debug, so nothing shows by default).
    static func bootstrapLogging(verbose: Bool) {
        let level = ProcessInfo.processInfo.environment["JETFORM_LOG"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
            ?? (verbose ? .debug : .warning)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    static func main() async {
        do {
            var command = try parseAsRoot()
            // Parsed already (ConnectionFlags.verbose); read from the arguments so the command stays unshared.
            Self.bootstrapLogging(verbose: CommandLine.arguments.dropFirst().prefix { $0 != "--" }.contains("--verbose"))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            if !failure.message.isEmpty { printError(failure.message) }
            exit(withError: ExitCode(failure.code))
        } catch {
            // `check` speaks the monitoring-plugin convention, where a usage error is UNKNOWN (3), not 64.
            if CommandLine.arguments.dropFirst().first == "check", exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                exit(withError: ExitCode(3))
            }
            exit(withError: error)
        }
    }
}

enum JetformVersion {
    static let current = "0.1.0"
}
