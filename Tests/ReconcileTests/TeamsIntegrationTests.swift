import Foundation
import JetStream
import LocalCluster
import NATS
import Testing
import TestSupport
@testable import Reconcile

/// Shared accounts and several environments, through the `jetform` command line against a real cluster:
/// the cluster guard of an environment, a topology split across files, `prevent_destroy` and
/// `ignore_changes`, and bad input that changes nothing.
@Suite("Teams and environments against a real cluster", .serialized)
struct TeamsIntegrationTests {
    /// The settings file: contexts and environments (the test cluster is named `jetform`).
    static let shop = """
        name: shop
        contexts:
          user: { url: "${NATS_URL}", user: user, password: "${APP_PASSWORD}" }
          sys: { url: "${NATS_URL}", user: admin, password: admin }
        context: user
        system_context: sys
        environments:
          local: { cluster: jetform, context: user }
          prod:
            cluster: prod-east
            context: user
            overrides:
              streams:
                ORDERS: { num_replicas: 3 }

        """
    static let orders = """
        streams:
          ORDERS:
            subjects: [orders.>]
            storage: memory
            max_bytes: 1MiB
            prevent_destroy: true
            ignore_changes: [max_bytes]
            consumers:
              shipper: { ack_policy: explicit }

        """
    static let audit = """
        streams:
          AUDIT: { subjects: [audit.>], storage: memory }

        """

    func write(_ cli: JetformCLI, _ files: [String: String]) throws {
        for (name, text) in files {
            let url = cli.directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    func streamNames(_ js: JetStreamContext) async throws -> [String] {
        try await ClusterObserver(jetStream: js).observe().streams.map(\.name).filter { !$0.hasPrefix("JETFORM_") }.sorted()
    }

    @Test func environmentsFilesAndLifecycleRules() async throws {
        try await LocalCluster.withCluster { cluster in
            let cli = try JetformCLI(cluster: cluster)
            defer { cli.remove() }
            let client = try await appClient(cluster)
            let js = JetStreamContext(client: client)
            let env = ["APP_PASSWORD": "user"]
            try write(cli, ["team/a-shop.yaml": Self.shop, "team/orders.yaml": Self.orders, "team/audit.yaml": Self.audit])

            // A file with environments needs one chosen; a wrong one is named with the declared ones.
            let unchosen = try await cli.run(["plan", "team"], environment: env)
            #expect(unchosen.status == 1 && unchosen.stderr.contains("declares environments (local, prod) and none was chosen"), "\(unchosen)")
            let unknown = try await cli.run(["plan", "team", "--env", "stage"], environment: env)
            #expect(unknown.status == 1 && unknown.stderr.contains("team/a-shop.yaml:7:1: error: the file declares no environment 'stage'"), "\(unknown)")

            // The guard: prod is another cluster; nothing is read or changed, both names are given.
            for command in [["plan"], ["apply", "--yes"], ["status"], ["export"]] {
                let guarded = try await cli.run(command + ["team", "--env", "prod"], environment: env)
                #expect(guarded.status == 1, "\(command): \(guarded)")
                #expect(guarded.stderr.contains("environment 'prod' is cluster 'prod-east' (team/a-shop.yaml:10:5)")
                        && guarded.stderr.contains("reports cluster 'jetform'"), "\(command): \(guarded)")
                #expect(!guarded.stderr.contains("password") && !guarded.stdout.contains("user:user"), "no secrets: \(guarded)")
            }
            #expect(try await streamNames(js).isEmpty, "the guard changed nothing")

            // The right environment, from JETFORM_ENV, through a directory and through -f files.
            let planned = try await cli.run(["plan", "team", "-out", "local.plan"], environment: env.merging(["JETFORM_ENV": "local"]) { $1 })
            #expect(planned.status == 0 && planned.stdout.contains("Plan: 3 to add"), "\(planned)")
            let saved = try cli.read("local.plan")
            #expect(saved.contains("\"environment\" : \"local\"") && saved.contains("\"cluster\" : \"jetform\""), "\(saved)")
            let otherEnv = try await cli.run(["apply", "local.plan", "--yes", "--env", "prod"], environment: env)
            #expect(otherEnv.status == 1 && otherEnv.stderr.contains("was made for environment 'local', not 'prod'"), "\(otherEnv)")
            let applied = try await cli.run(["apply", "local.plan", "--yes"], environment: env)
            #expect(applied.status == 0, "\(applied)")
            #expect(try await streamNames(js) == ["AUDIT", "ORDERS"])
            let files = ["-f", "team/a-shop.yaml", "-f", "team/orders.yaml", "-f", "team/audit.yaml", "--env", "local"]
            let idle = try await cli.run(["plan", "--detailed-exitcode"] + files, environment: env)
            #expect(idle.status == 0 && idle.stdout.contains("No changes"), "\(idle)")
            let validated = try await cli.run(["validate", "team"], environment: env)
            #expect(validated.status == 0 && validated.stdout.contains("environments local, prod checked"), "\(validated)")

            // A stream declared in two files: both places, nothing changed.
            try write(cli, ["team/zz-again.yaml": "streams:\n  AUDIT: { subjects: [audit2.>] }\n"])
            let twice = try await cli.run(["apply", "--yes", "team", "--env", "local"], environment: env)
            #expect(twice.status == 1 && twice.stderr.contains(
                "team/zz-again.yaml:2:3: error: stream 'AUDIT' is declared again (first at team/audit.yaml:2:3)"), "\(twice)")
            try FileManager.default.removeItem(at: cli.directory.appendingPathComponent("team/zz-again.yaml"))

            // ignore_changes: an operator raises max_bytes; no drift, and an update of another field keeps it.
            var tuned = try await js.streamInfo("ORDERS").config
            tuned.maxBytes = 8 << 20
            _ = try await js.updateStream(tuned)
            let noDrift = try await cli.run(["plan", "--detailed-exitcode", "team", "--env", "local"], environment: env)
            #expect(noDrift.status == 0, "\(noDrift)")
            try write(cli, ["team/orders.yaml": Self.orders.replacingOccurrences(of: "max_bytes: 1MiB", with: "max_bytes: 1MiB\n    max_age: 1h")])
            let update = try await cli.run(["apply", "--yes", "team", "--env", "local"], environment: env)
            #expect(update.status == 0, "\(update)")
            let after = try await js.streamInfo("ORDERS").config
            #expect(after.maxBytes == 8 << 20 && after.maxAge == .seconds(3600))

            // prevent_destroy: a replace is refused whatever the flags, and so is a prune once the file drops it.
            _ = try await js.publish(subject: "orders.new", "o-1")
            try write(cli, ["team/orders.yaml": Self.orders.replacingOccurrences(of: "storage: memory", with: "storage: file")])
            let replace = try await cli.run(["apply", "--yes", "--allow-replace", "--allow-data-loss", "team", "--env", "local"], environment: env)
            #expect(replace.status == 1 && replace.stdout.contains("stream ORDERS has prevent_destroy"), "\(replace)")
            #expect(try await js.streamInfo("ORDERS").config.storage == .memory)
            try FileManager.default.removeItem(at: cli.directory.appendingPathComponent("team/orders.yaml"))
            let prune = try await cli.run(["apply", "--yes", "--prune", "--allow-data-loss", "team", "--env", "local"], environment: env)
            #expect(prune.status == 1 && prune.stdout.contains("is marked jetform.prevent-destroy on the cluster"), "\(prune)")
            #expect(try await js.streamInfo("ORDERS").state.messages == 1, "nothing lost")

            // Export keeps the protection.
            let exported = try await cli.run(["export", "--name", "shop", "--stream", "ORDERS", "--output", "exported.yaml"], environment: env)
            #expect(exported.status == 0, "\(exported)")
            #expect(try cli.read("exported.yaml").contains("prevent_destroy: true"))

            // Bad input names the file, line and fix, and changes nothing.
            try write(cli, ["team/orders.yaml": Self.orders.replacingOccurrences(of: "[max_bytes]", with: "[max_byte]")])
            let bad = try await cli.run(["apply", "--yes", "team", "--env", "local"], environment: env)
            #expect(bad.status == 1 && bad.stderr.contains(
                "team/orders.yaml:7:22: error: 'ignore_changes[0]' in stream 'ORDERS' names no field: 'max_byte' — did you mean 'max_bytes'?"), "\(bad)")
            #expect(try await js.streamInfo("ORDERS").config.maxAge == .seconds(3600))
            await client.close()
        }
    }
}
