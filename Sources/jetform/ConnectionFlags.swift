import ArgumentParser
import Foundation
import NATS
import Topology

/// natscli-style connection flags shared by every command that talks to a cluster.
/// Precedence: these flags, then `NATS_*` environment variables, then the topology's context.
struct ConnectionFlags: ParsableArguments {
    @Option(name: .customLong("context"), help: "The topology context to use (default: the file's `context`, or `system_context` for health).")
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

    var settings: NATSConnectionSettings {
        NATSConnectionSettings(url: server, user: user, password: password, creds: creds, nkey: nkey, cert: tlscert, key: tlskey, ca: tlsca)
    }

    /// The settings for `context` of the topology (nil: none), under the environment and these flags.
    func resolve(_ context: ContextSpec?, environment: [String: String]) -> NATSConnectionSettings {
        var base = NATSConnectionSettings()
        if let context {
            base = NATSConnectionSettings(
                url: context.url, user: context.user, password: context.password?.value, token: context.token?.value,
                creds: context.creds, nkey: context.nkey?.value, cert: context.cert, key: context.key, ca: context.ca,
                tlsFirst: context.tlsFirst, inboxPrefix: context.inboxPrefix
            )
        }
        return settings.overriding(NATSConnectionSettings.fromEnvironment(environment).overriding(base))
    }
}

/// Loads a topology for a command that talks to a cluster: prints warnings, and on errors prints them
/// and exits 1 before anything is contacted.
func loadTopologyOrExit(_ path: String, environment: [String: String]) throws -> TopologySpec {
    do {
        let loaded = try TopologyLoader.load(path: path, environment: environment)
        for warning in loaded.warnings { printError(warning.rendered) }
        return loaded.topology
    } catch {
        for diagnostic in error.diagnostics { printError(diagnostic.rendered) }
        throw ExitCode.failure
    }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
