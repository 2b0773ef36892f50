import Foundation
public import NATS
public import Topology

/// The one way every command turns its connection flags, the environment and a context into connection
/// settings. Precedence: flag > environment (`NATS_*`) > context.
///
/// The context is the one named by `--context`, else `NATS_CONTEXT`, else the command's default (the
/// topology's `context`, its `system_context` for health). A name the topology does not declare is
/// looked up among natscli's saved contexts (`$XDG_CONFIG_HOME/nats/context/NAME.json`, else
/// `~/.config/nats/context/NAME.json`), so what `nats context add` stored is reused.
public enum ConnectionResolver {
    /// Whose credentials the settings carry.
    public enum Role: Sendable {
        /// The application account: flags and environment override the context's keys.
        case application
        /// The system account (health checks): only the context's own credentials; the URL comes from
        /// the flags or `NATS_URL` when the context has none. `--user`/`NATS_USER` belong to the application account.
        case system
    }

    /// Where the settings came from, for messages.
    public struct Resolved: Sendable, Equatable {
        public var settings: NATSConnectionSettings
        /// The context used (nil: flags and environment only).
        public var contextName: String?
        /// Whether the context is a natscli saved context (not one of the topology's).
        public var fromNatsCLI: Bool

        public init(settings: NATSConnectionSettings, contextName: String?, fromNatsCLI: Bool) {
            self.settings = settings
            self.contextName = contextName
            self.fromNatsCLI = fromNatsCLI
        }
    }

    public enum ResolveError: Error, Sendable, Equatable, CustomStringConvertible {
        /// A context named by a flag, `NATS_CONTEXT` or the topology that neither the topology nor natscli has.
        case unknownContext(name: String, file: String?, searched: String)
        /// A natscli context file that cannot be read.
        case unreadableContext(path: String, reason: String)

        public var description: String {
            switch self {
            case .unknownContext(let name, let file, let searched):
                return "no context named '\(name)'\(file.map { " in \($0)" } ?? "") nor in natscli's contexts (\(searched))"
                    + " — declare it under `contexts:`, add it with `nats context add \(name)`, or pass --server"
            case .unreadableContext(let path, let reason):
                return "cannot read the natscli context \(path): \(reason)"
            }
        }
    }

    /// The settings for a command. `flags`: what the command line gave; `contextName`: `--context`;
    /// `defaultContext`: the command's default context name when neither `--context` nor `NATS_CONTEXT` names one.
    public static func resolve(flags: NATSConnectionSettings = NATSConnectionSettings(), contextName: String? = nil,
                               defaultContext: String? = nil, topology: TopologySpec?, file: String? = nil,
                               environment: [String: String], role: Role = .application) throws(ResolveError) -> Resolved {
        // NATS_CONTEXT picks the application context; the system context is the topology's own.
        let name = contextName ?? (role == .application ? nonEmpty(environment["NATS_CONTEXT"]) : nil) ?? defaultContext
        var context: NATSConnectionSettings?
        var fromNatsCLI = false
        if let name {
            if let declared = topology?.context(named: name) {
                context = settings(of: declared)
            } else if let saved = try natscliContext(named: name, environment: environment) {
                context = saved
                fromNatsCLI = true
            } else {
                throw .unknownContext(name: name, file: file, searched: contextPath(name, environment: environment))
            }
        }
        let base = context ?? NATSConnectionSettings()
        switch role {
        case .application:
            let merged = flags.overriding(NATSConnectionSettings.fromEnvironment(environment).overriding(base))
            return Resolved(settings: merged, contextName: name, fromNatsCLI: fromNatsCLI)
        case .system:
            var merged = base
            if merged.url == nil { merged.url = flags.url ?? nonEmpty(environment["NATS_URL"]) }
            return Resolved(settings: merged, contextName: name, fromNatsCLI: fromNatsCLI)
        }
    }

    /// Every key of a topology context as settings.
    public static func settings(of context: ContextSpec) -> NATSConnectionSettings {
        NATSConnectionSettings(
            url: nonEmpty(context.url), user: context.user, password: context.password?.value, token: context.token?.value,
            creds: context.creds, nkey: context.nkey?.value, cert: context.cert, key: context.key, ca: context.ca,
            tlsFirst: context.tlsFirst, inboxPrefix: context.inboxPrefix, jetStreamDomain: context.jetStreamDomain)
    }

    /// `$XDG_CONFIG_HOME/nats/context/NAME.json`, else `~/.config/nats/context/NAME.json`.
    public static func contextPath(_ name: String, environment: [String: String]) -> String {
        let base = NatsContextExport.defaultConfigDirectory(environment: environment) as NSString
        return base.appendingPathComponent("nats/context/\(name).json")
    }

    /// natscli's saved context `name`, or nil when there is no such file.
    public static func natscliContext(named name: String, environment: [String: String]) throws(ResolveError) -> NATSConnectionSettings? {
        // A name with a path in it would read some other file.
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else { return nil }
        let path = contextPath(name, environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let file: NatsCLIContext
        do {
            file = try JSONDecoder().decode(NatsCLIContext.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadableContext(path: path, reason: "\(error)")
        }
        return NATSConnectionSettings(
            url: nonEmpty(file.url), user: nonEmpty(file.user), password: nonEmpty(file.password), token: nonEmpty(file.token),
            creds: nonEmpty(file.creds), nkey: nonEmpty(file.nkey), cert: nonEmpty(file.cert), key: nonEmpty(file.key),
            ca: nonEmpty(file.ca), tlsFirst: file.tlsFirst == true ? true : nil, inboxPrefix: nonEmpty(file.inboxPrefix),
            jetStreamDomain: nonEmpty(file.jetStreamDomain))
    }

    /// The keys of a natscli context file jetform uses (natscli writes every key, empty when unset).
    struct NatsCLIContext: Decodable {
        var url: String?
        var user: String?
        var password: String?
        var token: String?
        var creds: String?
        var nkey: String?
        var cert: String?
        var key: String?
        var ca: String?
        var tlsFirst: Bool?
        var inboxPrefix: String?
        var jetStreamDomain: String?

        enum CodingKeys: String, CodingKey {
            case url, user, password, token, creds, nkey, cert, key, ca
            case tlsFirst = "tls_first", inboxPrefix = "inbox_prefix", jetStreamDomain = "jetstream_domain"
        }
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
