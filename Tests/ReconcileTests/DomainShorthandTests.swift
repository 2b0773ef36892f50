import Testing
@testable import Reconcile
import Topology

/// `domain: NAME` on a mirror or source: loaded as `external.api: $JS.NAME.API`, planned without drift,
/// exported back as `domain`.
@Suite struct DomainShorthandTests {
    static let yaml = """
      COPY:
        mirror: { name: ORDERS, domain: hub }
      MERGED:
        sources:
          - { name: A, domain: edge-1, filter_subject: a.> }
          - { name: B, external: { api: "$JS.other.API", deliver: deliver.b } }

    """

    @Test func theShorthandIsTheExternalAPI() throws {
        let t = try topology(Self.yaml)
        let copy = try #require(t.stream(named: "COPY"))
        #expect(copy.config["mirror"]?["external"]?["api"] == "$JS.hub.API")
        #expect(copy.config["mirror"]?["domain"] == nil, "never sent")
        #expect(copy.location(of: "mirror.external.api").line == 6)
        let merged = try #require(t.stream(named: "MERGED")?.config["sources"]?.arrayValue)
        #expect(merged[0]["external"]?["api"] == "$JS.edge-1.API" && merged[0]["filter_subject"] == "a.>")
        #expect(merged[1]["external"]?["deliver"] == "deliver.b")

        // Against what the server stores: no drift.
        let live = applied(t, capabilities: .v2_15)
        #expect(Planner.plan(desired: t, observed: live, capabilities: .v2_15).isEmpty)
        // The same stream written out in full plans the same.
        let longhand = try topology(Self.yaml.replacingOccurrences(of: "domain: hub", with: "external: { api: \"$JS.hub.API\" }"))
        #expect(Planner.plan(desired: longhand, observed: live, capabilities: .v2_15).isEmpty)
    }

    @Test func badDomainsAreErrors() {
        func errors(_ streams: String) -> [String] {
            do { _ = try topology(streams); return [] } catch let error as TopologyLoadError { return error.errors.map(\.rendered) } catch { return ["\(error)"] }
        }
        #expect(errors("  C:\n    mirror: { name: O, domain: hub, external: { api: \"$JS.x.API\" } }\n") == [
            "topology.yaml:6:24: error: 'mirror' in stream 'C' gives both 'domain' and 'external' — keep one: domain: hub means external: {api: $JS.hub.API}",
        ])
        #expect(errors("  C:\n    sources: [{ name: O, domain: \"a.b\" }]\n").first?.contains("'sources[0].domain' in stream 'C' is not a JetStream domain name: 'a.b'") == true)
    }

    @Test func exportWritesTheShorthand() throws {
        let t = try topology(Self.yaml)
        let live = applied(t, capabilities: .v2_15)
        let result = try Exporter.export(observed: live, capabilities: .v2_15, name: "users", streams: nil,
                                         contexts: [ExportContext(name: "user", url: "nats://localhost:4222", user: nil, passwordVariable: nil)],
                                         context: "user", systemContext: nil)
        #expect(result.yaml.contains("domain: hub") && result.yaml.contains("domain: edge-1"), "\(result.yaml)")
        #expect(result.yaml.contains("$JS.other.API"), "an external with a deliver prefix stays as it is: \(result.yaml)")
        let back = try TopologyLoader.load(yaml: result.yaml, file: "exported.yaml", environment: [:]).topology
        #expect(Planner.plan(desired: back, observed: live, capabilities: .v2_15).isEmpty)
    }
}
