import Foundation
import JetStream
import LocalCluster
import NATS
import Testing
import TestSupport
@testable import Reconcile

/// A context's `jetstream_domain`, through the `jetform` command line: a 3-node cluster (JetStream domain
/// `hub`) and a leaf server (domain `leaf`) joined by leafnode connections, the layout of
/// `jetform cluster up --with-leaf`. The file's context connects to the leaf and names the hub's domain,
/// so everything it declares lives in the hub.
@Suite("JetStream domains: hub and leaf", .serialized)
struct DomainIntegrationTests {
    static let topology = """
        name: edge
        contexts:
          leaf: { url: "${NATS_URL}", user: user, password: user, jetstream_domain: hub }
        context: leaf
        streams:
          ORDERS:
            subjects: [orders.>]
            storage: file
            # Three servers in the hub, though the leaf the context connects to is one: the servers of
            # another domain are not announced, so jetform leaves the fit to the hub.
            num_replicas: 3
            consumers:
              shipper: { ack_policy: explicit }
        kv:
          SETTINGS: { history: 3 }

        """

    func client(_ url: String) async throws -> NATSClient {
        try await NATSClient.connect(try NATSClientOptions(urls: url, auth: .userPassword(user: "user", password: "user")))
    }

    func streams(_ js: JetStreamContext) async throws -> [String] {
        try await js.streamNames().filter { !$0.hasPrefix("JETFORM_") }.sorted()
    }

    @Test func aLeafContextNamingTheHubsDomainAppliesInTheHubAndReplansEmpty() async throws {
        try await LocalCluster.withCluster(leaf: true) { cluster in
            let leaf = try #require(await cluster.leafServer())
            #expect(leaf.leafnodeConnections() >= 1)
            let cli = try JetformCLI(urls: [leaf.clientURL], topology: Self.topology)
            defer { cli.remove() }

            let applied = try await cli.run(["apply", "--yes", "topology.yaml"])
            #expect(applied.status == 0, "\(applied)")
            let replanned = try await cli.run(["plan", "--detailed-exitcode", "topology.yaml"])
            #expect(replanned.status == 0, "plan after apply: \(replanned)")

            // In the hub, read there directly; the leaf's own JetStream holds nothing.
            let hubClient = try await client(cluster.clientURLs.joined(separator: ","))
            let leafClient = try await client(leaf.clientURL)
            #expect(try await streams(JetStreamContext(client: hubClient)) == ["KV_SETTINGS", "ORDERS"])
            #expect(try await streams(JetStreamContext(client: leafClient)) == [])
            // The same, from the leaf through the hub's domain.
            #expect(try await streams(JetStreamContext(client: leafClient, domain: "hub")) == ["KV_SETTINGS", "ORDERS"])
            let orders = try await JetStreamContext(client: hubClient).streamInfo("ORDERS")
            #expect(orders.config.numReplicas == 3 && orders.cluster?.replicas?.count == 2, "R3 in the hub: \(String(describing: orders.cluster))")
            let consumer = try await JetStreamContext(client: hubClient).consumerInfo(stream: "ORDERS", name: "shipper")
            #expect(consumer.config?.ackPolicy == .explicit)

            // Export through the domain writes what is there; check finds it healthy.
            let exported = try await cli.run(["export", "--stream", "ORDERS"])
            #expect(exported.status == 0 && exported.stdout.contains("ORDERS:") && exported.stdout.contains("shipper"), "\(exported)")
            let checked = try await cli.run(["check", "topology.yaml"])
            #expect(checked.status == 0, "check through the domain: \(checked)")

            // The shipped topology and its smoke test, through the leaf into the hub: producers and workers
            // on the leaf, the work-queue streams in the hub. Its system context reaches the leaf's system
            // account, whose health says nothing about the hub: apply leaves it out and says so.
            let shipped = try String(contentsOf: repositoryRoot().appendingPathComponent("topology.yaml"), encoding: .utf8)
            let throughLeaf = shipped
                .replacingOccurrences(of: "    password: ${NATS_PASSWORD:-user}\n", with: "    password: ${NATS_PASSWORD:-user}\n    jetstream_domain: hub\n")
            #expect(throughLeaf.contains("jetstream_domain: hub") && throughLeaf.contains("system_context: sys"))
            try throughLeaf.write(to: cli.directory.appendingPathComponent("users.yaml"), atomically: true, encoding: .utf8)
            let users = try await cli.run(["apply", "--yes", "users.yaml"])
            #expect(users.status == 0, "\(users)")
            #expect((users.stdout + users.stderr).contains("another JetStream domain"), "\(users)")
            let smoke = try await cli.run(["smoke", "users.yaml", "--scenario", "durable", "--count", "300", "--json"])
            #expect(smoke.status == 0, "smoke through the leaf: \(smoke)")
            let report = try JSONSerialization.jsonObject(with: Data(smoke.stdout.utf8)) as? [String: Any]
            let durable = (report?["scenarios"] as? [[String: Any]])?.first
            #expect(durable?["lost"] as? Int == 0 && durable?["answered"] as? Int == 300, "\(smoke.stdout.prefix(600))")
            #expect(try await streams(JetStreamContext(client: hubClient)) == ["KV_CONFIG", "KV_SETTINGS", "ORDERS", "REQUESTS", "RESPONSES"])
            #expect(try await streams(JetStreamContext(client: leafClient)) == [])

            await hubClient.close()
            await leafClient.close()
        }
    }
}
