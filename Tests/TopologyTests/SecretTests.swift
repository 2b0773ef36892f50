import Foundation
import Testing
@testable import Topology

/// Secrets never appear in errors, warnings, descriptions or dumps.
@Suite struct SecretTests {
    static let secret = "s3cr3t-xyz"

    static let yaml = """
    name: t
    contexts:
      user:
        url: nats://bob:s3cr3t-xyz@localhost:4222
        user: bob
        password: ${PW}
        token: s3cr3t-xyz
        nkey: s3cr3t-xyz
        tls_first: s3cr3t-xyz
      other:
        url: nats://localhost:4222
        password: [s3cr3t-xyz]
    context: user
    streams:
      S:
        subjects: [s.a]
        storage: memory
        max_age: ${PW}
        num_replicas: ${PW}
        retention: ${PW}
        consumers:
          C:
            max_deliver: 3
            ack_wait: ${PW}
    """

    @Test func diagnosticsNeverContainTheSecret() {
        let rendered = renderedDiagnostics(Self.yaml, environment: ["PW": Self.secret])
        #expect(!rendered.isEmpty)
        for line in rendered { #expect(!line.contains(Self.secret), "\(line)") }
    }

    @Test func descriptionsNeverContainTheSecret() throws {
        let yaml = """
        name: t
        contexts:
          user:
            url: nats://bob:s3cr3t-xyz@localhost:4222
            password: ${PW}
            token: s3cr3t-xyz
            nkey: s3cr3t-xyz
        """
        let loaded = try loadValid(yaml, environment: ["PW": Self.secret])
        let ctx = try #require(loaded.topology.contexts.first)
        #expect(ctx.password?.value == Self.secret)
        var dumped = ""
        dump(loaded.topology, to: &dumped)
        var dumpedContext = ""
        dump(ctx, to: &dumpedContext)
        for text in [ctx.description, ctx.debugDescription, ctx.redactedDescription, "\(ctx)", String(reflecting: ctx),
                     "\(loaded.topology)", String(reflecting: loaded.topology), dumped, dumpedContext,
                     "\(ctx.password!)", String(reflecting: ctx.password!)] {
            #expect(!text.contains(Self.secret), "\(text)")
        }
        #expect(ctx.redactedDescription.contains("nats://bob:<redacted>@localhost:4222"))
    }

    @Test func validFileWarningsNeverContainTheSecret() throws {
        let yaml = """
        name: t
        contexts:
          user: { url: nats://localhost:4222, password: "${PW}" }
        streams:
          S: { subjects: [a], storage: memory, max_age: 1s, duplicate_window: 1s, consumers: { C: { ack_policy: explicit, max_deliver: 2 } } }
        """
        let loaded = try loadValid(yaml, environment: ["PW": Self.secret])
        #expect(loaded.warnings.count == 3)
        for w in loaded.warnings { #expect(!w.rendered.contains(Self.secret)) }
    }
}
