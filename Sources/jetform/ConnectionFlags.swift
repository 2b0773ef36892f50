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

/// The topology a command reads: `jetform CMD [FILE]` or `jetform CMD -f FILE` (default topology.yaml).
struct TopologyFileArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("The topology file (default: topology.yaml).", valueName: "file"))
    var positional: String?

    @Option(name: [.customShort("f"), .customLong("file")], help: ArgumentHelp("The topology file (same as FILE).", valueName: "file"))
    var option: String?

    var path: String { option ?? positional ?? "topology.yaml" }

    func validate() throws {
        if let option, let positional, option != positional {
            throw ValidationError("give the topology file once: FILE (\(positional)) or --file (\(option))")
        }
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

/// Loads a topology for a command: prints warnings; errors end the command (exit 1) before anything is contacted.
func loadTopology(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(CommandFailure) -> TopologySpec {
    do {
        let loaded = try TopologyLoader.load(path: path, environment: environment)
        for warning in loaded.warnings { printError(warning.rendered) }
        return loaded.topology
    } catch {
        throw CommandFailure(error.diagnostics.map(\.rendered).joined(separator: "\n"))
    }
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
