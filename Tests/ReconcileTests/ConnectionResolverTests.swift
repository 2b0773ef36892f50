import Foundation
import NATS
import Testing
import Topology
@testable import Reconcile

/// The one connection path: flag > environment > context, every context key, natscli's saved contexts.
@Suite("Connection resolver")
struct ConnectionResolverTests {
    static let yaml = """
        name: users
        context: user
        system_context: sys
        contexts:
          user: { url: 'nats://ctx:4222', user: cuser, password: cpass, inbox_prefix: _CTX_INBOX, tls_first: true, jetstream_domain: hub }
          sys: { url: 'nats://sys:4222', user: admin, password: admin }
          tok: { url: 'nats://tok:4222', token: ctoken }
        streams:
          S: { subjects: [s] }
        """

    static func topology() throws -> TopologySpec {
        try TopologyLoader.load(yaml: yaml, file: "topology.yaml", environment: [:]).topology
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var flags = NATSConnectionSettings()
        var contextFlag: String?
        var environment: [String: String] = [:]
        var role: ConnectionResolver.Role = .application
        var defaultContext: String? = "user"
        var expected: NATSConnectionSettings
        var testDescription: String { label }
    }

    static let context = NATSConnectionSettings(url: "nats://ctx:4222", user: "cuser", password: "cpass", tlsFirst: true,
                                                inboxPrefix: "_CTX_INBOX", jetStreamDomain: "hub")

    static let cases: [Case] = [
        Case(label: "the context alone: every key", expected: context),
        Case(label: "environment over context", environment: ["NATS_URL": "nats://env:1", "NATS_USER": "euser", "NATS_PASSWORD": "epass"],
             expected: with(context) { $0.url = "nats://env:1"; $0.user = "euser"; $0.password = "epass" }),
        Case(label: "flag over environment over context",
             flags: NATSConnectionSettings(url: "nats://flag:1", user: "fuser", password: "fpass"),
             environment: ["NATS_URL": "nats://env:1", "NATS_USER": "euser", "NATS_PASSWORD": "epass"],
             expected: with(context) { $0.url = "nats://flag:1"; $0.user = "fuser"; $0.password = "fpass" }),
        Case(label: "NATS_PASSWORD alone replaces only the context user's password", environment: ["NATS_PASSWORD": "epass"],
             expected: with(context) { $0.password = "epass" }),
        Case(label: "a flag user without a password does not take the context's password", flags: NATSConnectionSettings(user: "fuser"),
             expected: with(context) { $0.user = "fuser"; $0.password = nil }),
        Case(label: "creds in the environment drop the context's user and password", environment: ["NATS_CREDS": "/x.creds"],
             expected: with(context) { $0.user = nil; $0.password = nil; $0.creds = "/x.creds" }),
        Case(label: "--context picks another topology context", contextFlag: "tok",
             expected: NATSConnectionSettings(url: "nats://tok:4222", token: "ctoken")),
        Case(label: "NATS_CONTEXT picks the context when --context is not given", environment: ["NATS_CONTEXT": "tok"],
             expected: NATSConnectionSettings(url: "nats://tok:4222", token: "ctoken")),
        Case(label: "--context wins over NATS_CONTEXT", contextFlag: "user", environment: ["NATS_CONTEXT": "tok"], expected: context),
        Case(label: "no context: flags and environment only", flags: NATSConnectionSettings(user: "fuser", password: "fpass"),
             environment: ["NATS_URL": "nats://env:1"], defaultContext: nil,
             expected: NATSConnectionSettings(url: "nats://env:1", user: "fuser", password: "fpass")),
        Case(label: "system role: the context's own credentials, never the application's flags or environment",
             flags: NATSConnectionSettings(url: "nats://flag:1", user: "fuser"), environment: ["NATS_USER": "euser", "NATS_CONTEXT": "tok"],
             role: .system, defaultContext: "sys", expected: NATSConnectionSettings(url: "nats://sys:4222", user: "admin", password: "admin")),
    ]

    static func with(_ base: NATSConnectionSettings, _ change: (inout NATSConnectionSettings) -> Void) -> NATSConnectionSettings {
        var copy = base
        change(&copy)
        return copy
    }

    @Test(arguments: cases)
    func precedence(_ c: Case) throws {
        let resolved = try ConnectionResolver.resolve(flags: c.flags, contextName: c.contextFlag, defaultContext: c.defaultContext,
                                                      topology: try Self.topology(), file: "topology.yaml",
                                                      environment: c.environment.merging(["HOME": "/nonexistent"]) { a, _ in a }, role: c.role)
        #expect(resolved.settings == c.expected)
    }

    @Test func contextKeysReachTheClientOptions() throws {
        let options = try Self.context.clientOptions()
        #expect(options.inboxPrefix == "_CTX_INBOX")
        #expect(options.tls.handshakeFirst)
    }

    @Test func natscliSavedContextsAreFoundWhenTheTopologyDoesNotDeclareTheName() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("jetform-natscli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let xdg = home.appendingPathComponent("xdg")
        let dotConfig = home.appendingPathComponent(".config")
        for base in [xdg, dotConfig] {
            try FileManager.default.createDirectory(at: base.appendingPathComponent("nats/context"), withIntermediateDirectories: true)
        }
        // What `nats context add` writes: every key, unset ones empty.
        let saved = #"""
            {"description": "", "url": "nats://saved:4222", "socks_proxy": "", "token": "", "user": "suser", "password": "spass",
             "creds": "", "nkey": "", "cert": "", "key": "", "ca": "", "nsc": "", "jetstream_domain": "leaf",
             "jetstream_api_prefix": "", "jetstream_event_prefix": "", "inbox_prefix": "_SAVED", "user_jwt": "",
             "color_scheme": "", "tls_first": false}
            """#
        try saved.write(to: xdg.appendingPathComponent("nats/context/prod.json"), atomically: true, encoding: .utf8)
        try saved.replacingOccurrences(of: "saved:4222", with: "home:4222")
            .write(to: dotConfig.appendingPathComponent("nats/context/prod.json"), atomically: true, encoding: .utf8)
        let expected = NATSConnectionSettings(url: "nats://saved:4222", user: "suser", password: "spass", inboxPrefix: "_SAVED",
                                              jetStreamDomain: "leaf")
        let topology = try Self.topology()

        // $XDG_CONFIG_HOME first.
        let viaFlag = try ConnectionResolver.resolve(contextName: "prod", defaultContext: "user", topology: topology,
                                                     environment: ["XDG_CONFIG_HOME": xdg.path, "HOME": home.path])
        #expect(viaFlag.settings == expected)
        #expect(viaFlag.contextName == "prod" && viaFlag.fromNatsCLI)
        // Else ~/.config.
        let viaHome = try ConnectionResolver.resolve(contextName: "prod", topology: topology, environment: ["HOME": home.path])
        #expect(viaHome.settings.url == "nats://home:4222")
        // NATS_CONTEXT finds it too, and the environment still wins over it.
        let viaEnvironment = try ConnectionResolver.resolve(
            defaultContext: "user", topology: topology,
            environment: ["XDG_CONFIG_HOME": xdg.path, "NATS_CONTEXT": "prod", "NATS_PASSWORD": "epass"])
        #expect(viaEnvironment.settings == Self.with(expected) { $0.password = "epass" })
        // A name the topology declares is the topology's, even when natscli has one of that name.
        try saved.write(to: xdg.appendingPathComponent("nats/context/user.json"), atomically: true, encoding: .utf8)
        let declared = try ConnectionResolver.resolve(contextName: "user", topology: topology, environment: ["XDG_CONFIG_HOME": xdg.path])
        #expect(declared.settings == Self.context && !declared.fromNatsCLI)
        // Neither: an error naming where it looked.
        #expect(throws: ConnectionResolver.ResolveError.unknownContext(
            name: "nope", file: "topology.yaml", searched: xdg.appendingPathComponent("nats/context/nope.json").path)) {
            try ConnectionResolver.resolve(contextName: "nope", topology: topology, file: "topology.yaml",
                                           environment: ["XDG_CONFIG_HOME": xdg.path])
        }
        // A broken file is an error, not a silent fallback.
        try "{".write(to: xdg.appendingPathComponent("nats/context/broken.json"), atomically: true, encoding: .utf8)
        #expect(throws: ConnectionResolver.ResolveError.self) {
            try ConnectionResolver.resolve(contextName: "broken", topology: nil, environment: ["XDG_CONFIG_HOME": xdg.path])
        }
    }
}
