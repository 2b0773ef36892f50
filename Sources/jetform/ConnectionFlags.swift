import ArgumentParser
import Foundation
import NATS
import Reconcile
import Topology

/// natscli-style connection flags shared by every command that talks to a cluster.
/// Precedence: these flags, then `NATS_*` environment variables, then the topology's context.
struct ConnectionFlags: ParsableArguments {
    @Option(name: .customLong("context"), help: "The context to use: one of the topology's, else a natscli saved context (env NATS_CONTEXT; default: the file's `context`, or `system_context` for status).")
    var contextName: String?

    @Option(name: [.customLong("server"), .customShort("s")], help: "NATS server URL(s), comma-separated (env NATS_URL).")
    var server: String?

    @Option(help: "User name (env NATS_USER).")
    var user: String?

    @Option(help: "Password (env NATS_PASSWORD). Prefer the environment: flags show up in process lists.")
    var password: String?

    @Option(help: "Path to a .creds file (env NATS_CREDS).")
    var creds: String?

    @Option(help: "Path to an nkey seed file (env NATS_NKEY).")
    var nkey: String?

    @Option(help: "Client certificate (PEM).")
    var tlscert: String?

    @Option(help: "Client certificate key (PEM).")
    var tlskey: String?

    @Option(help: "CA certificates to trust (PEM).")
    var tlsca: String?

    @Flag(help: "Log what the client and the apply do (connects, reconnects, each call, retries) on standard error; same as JETFORM_LOG=debug.")
    var verbose = false

    /// The flags as settings (unset ones nil).
    var settings: NATSConnectionSettings {
        NATSConnectionSettings(url: server, user: user, password: password, creds: creds, nkey: nkey, cert: tlscert, key: tlskey, ca: tlsca)
    }

    /// The settings for a command: these flags over the environment over the context (`--context`,
    /// `NATS_CONTEXT`, else `defaultContext`), found in `topology` or among natscli's saved contexts.
    func resolve(topology: TopologySpec?, file: String?, defaultContext: String?,
                 role: ConnectionResolver.Role = .application) throws(CommandFailure) -> ConnectionResolver.Resolved {
        do {
            return try ConnectionResolver.resolve(
                flags: role == .application ? settings : NATSConnectionSettings(url: server),
                contextName: role == .application ? contextName : nil, defaultContext: defaultContext,
                topology: topology, file: file, environment: ProcessInfo.processInfo.environment, role: role)
        } catch {
            throw CommandFailure("error: \(error)")
        }
    }
}

/// The topology a command reads: `jetform CMD [FILE|DIR]` or `jetform CMD -f FILE [-f FILE…]` (default
/// topology.yaml), for the environment `--env NAME` (or `JETFORM_ENV`).
struct TopologyFileArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("The topology file, or a directory of topology files (default: topology.yaml).", valueName: "file"))
    var positional: String?

    @Option(name: [.customShort("f"), .customLong("file")],
            help: ArgumentHelp("A topology file (same as FILE); give it several times for a topology split across files.", valueName: "file"))
    var options: [String] = []

    @Option(name: .customLong("env"), help: ArgumentHelp("The environment of the file's `environments` to use (env JETFORM_ENV).", valueName: "name"))
    var environmentOption: String?

    /// The files or directories given.
    var paths: [String] { options.isEmpty ? [positional ?? "topology.yaml"] : options }
    /// How messages name the topology: the file, the directory, or the files joined with commas.
    var path: String { paths.joined(separator: ",") }
    /// Whether every path exists (commands that can run without a topology check this first).
    var exists: Bool { paths.allSatisfy { FileManager.default.fileExists(atPath: $0) } }
    /// `--env`, else `JETFORM_ENV`.
    var environmentName: String? {
        environmentOption ?? ProcessInfo.processInfo.environment["JETFORM_ENV"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func validate() throws {
        if let positional, !options.isEmpty, options != [positional] {
            throw ValidationError("give the topology once: FILE (\(positional)) or --file (\(options.joined(separator: ", ")))")
        }
    }

    /// Loads the topology for a command that talks to a cluster: a file with environments needs one chosen.
    func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CommandFailure) -> TopologySpec {
        try loadTopology(paths, environment: environment, selecting: environmentName)
    }
}

/// An error a command ends with: the message (already worded for a person) goes to standard error and
/// the process exits with `code`. Every command fails through this one path (`Jetform.main`).
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var code: Int32

    init(_ message: String, code: Int32 = 1) {
        self.message = message
        self.code = code
    }

    var description: String { message }

    /// `error: MESSAGE`, exit 1.
    static func error(_ message: String) -> CommandFailure { CommandFailure("error: \(message)") }
}

/// Loads a topology for a command: prints warnings; errors end the command (exit 1) before anything is
/// contacted. A file that declares environments needs one (`--env`, `JETFORM_ENV`): jetform never guesses
/// which cluster a command is for.
func loadTopology(_ paths: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                  selecting: String? = nil) throws(CommandFailure) -> TopologySpec {
    let topology: TopologySpec
    do {
        let loaded = try TopologyLoader.load(paths: paths, environment: environment, selecting: selecting)
        for warning in loaded.warnings { printError(warning.rendered) }
        topology = loaded.topology
    } catch {
        throw CommandFailure(error.diagnostics.map(\.rendered).joined(separator: "\n"))
    }
    if topology.needsEnvironment {
        let names = topology.environments.map(\.name).joined(separator: ", ")
        let at = topology.environments.first.map { "\($0.location): " } ?? ""
        throw CommandFailure("\(at)error: the topology declares environments (\(names)) and none was chosen — give --env NAME or set JETFORM_ENV; nothing was contacted")
    }
    return topology
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints `value` as the pretty, key-sorted JSON every `--json` of jetform writes.
func printJSON(_ value: some Encodable, snakeCase: Bool = false) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
