import Foundation
import Testing
@testable import Topology

/// A topology split across files, and environments laid over it.
@Suite struct CompositionTests {
    static let settings = """
        name: shop
        contexts:
          dev: { url: nats://localhost:4222 }
          prod: { url: nats://prod:4222 }
          prod-sys: { url: nats://prod:4222 }
        context: dev
        environments:
          local: { cluster: nats, context: dev }
          prod:
            cluster: prod-east
            context: prod
            system_context: prod-sys
            overrides:
              streams:
                ORDERS:
                  num_replicas: 3
                  max_bytes: 1GiB
                  max_age: null
                  consumers:
                    shipper: { max_ack_pending: 5000 }

        """
    static let streams = """
        streams:
          ORDERS:
            subjects: [orders.>]
            num_replicas: 1
            max_age: 1h
            consumers:
              shipper: { ack_policy: explicit, max_ack_pending: 100 }

        """

    func load(_ documents: [(String, String)], env: String? = nil) throws -> TopologySpec {
        try TopologyLoader.load(documents: documents.map { (file: $0.0, yaml: $0.1) }, environment: [:], selecting: env).topology
    }

    func errors(_ documents: [(String, String)], env: String? = nil) -> [String] {
        do {
            _ = try load(documents, env: env)
            return []
        } catch let error as TopologyLoadError {
            return error.errors.map(\.rendered)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func filesMakeOneTopology() throws {
        let more = "kv:\n  CONFIG: { history: 5 }\nstreams:\n  AUDIT: { subjects: [audit.>] }\n"
        let topology = try load([("shop.yaml", Self.settings), ("orders.yaml", Self.streams), ("more.yaml", more)])
        #expect(topology.streams.map(\.name) == ["ORDERS", "AUDIT"])
        #expect(topology.kv.map(\.name) == ["CONFIG"])
        #expect(topology.stream(named: "AUDIT")?.location.file == "more.yaml")
        #expect(topology.environments.map(\.name) == ["local", "prod"])
        #expect(topology.needsEnvironment && topology.context == "dev")
    }

    @Test func aResourceOrSettingGivenTwiceNamesBothPlaces() {
        let again = "streams:\n  ORDERS: { subjects: [more.>] }\n"
        #expect(errors([("shop.yaml", Self.settings), ("orders.yaml", Self.streams), ("again.yaml", again)]) == [
            "again.yaml:2:3: error: stream 'ORDERS' is declared again (first at orders.yaml:2:3) — declare it in one file",
        ])
        #expect(errors([("shop.yaml", Self.settings), ("orders.yaml", Self.streams + "name: other\n")]) == [
            "orders.yaml:8:1: error: 'name' is given again (first at shop.yaml:1:1) — keep name, contexts, context, system_context, environments and smoke in one file",
        ])
    }

    @Test func aDirectoryIsItsYAMLFilesInNameOrder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jetform-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.streams.write(to: dir.appendingPathComponent("b-orders.yml"), atomically: true, encoding: .utf8)
        try Self.settings.write(to: dir.appendingPathComponent("a-shop.yaml"), atomically: true, encoding: .utf8)
        try "not: yaml: [".write(to: dir.appendingPathComponent(".hidden.yaml"), atomically: true, encoding: .utf8)
        try "ignored".write(to: dir.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        #expect(try TopologyLoader.files([dir.path]) == [dir.path + "/a-shop.yaml", dir.path + "/b-orders.yml"])
        let loaded = try TopologyLoader.load(path: dir.path, environment: [:], selecting: "prod").topology
        #expect(loaded.streams.map(\.name) == ["ORDERS"] && loaded.environment?.cluster == "prod-east")

        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(throws: TopologyLoadError.self) { try TopologyLoader.load(path: empty.path, environment: [:]) }
    }

    @Test func anEnvironmentLaysItsValuesOverTheFile() throws {
        let docs = [("shop.yaml", Self.settings), ("orders.yaml", Self.streams)]
        let local = try load(docs, env: "local")
        #expect(local.environment?.name == "local" && local.environment?.cluster == "nats")
        #expect(local.stream(named: "ORDERS")?.config["num_replicas"]?.intValue == 1)

        let prod = try load(docs, env: "prod")
        let orders = try #require(prod.stream(named: "ORDERS"))
        #expect(prod.context == "prod" && prod.systemContext == "prod-sys")
        #expect(orders.config["num_replicas"]?.intValue == 3)
        #expect(orders.config["max_bytes"]?.intValue == 1 << 30)
        #expect(orders.config["max_age"] == nil, "null removes a key")
        #expect(orders.consumer(named: "shipper")?.config["max_ack_pending"]?.intValue == 5000)
        #expect(orders.consumer(named: "shipper")?.config["ack_policy"]?.stringValue == "explicit")
        // Positions are where the value was written: the override in shop.yaml.
        #expect(orders.location(of: "num_replicas") == SourceLocation(file: "shop.yaml", line: 16, column: 11))
        #expect(orders.location(of: "subjects").file == "orders.yaml")
    }

    @Test func badEnvironmentsAreErrorsWithPositionAndFix() {
        let docs = [("shop.yaml", Self.settings), ("orders.yaml", Self.streams)]
        #expect(errors(docs, env: "prd") == [
            "shop.yaml:7:1: error: the file declares no environment 'prd' — did you mean 'prod'? (declared: local, prod)",
        ])
        #expect(errors([("orders.yaml", "name: x\ncontexts: { u: { url: nats://h } }\n" + Self.streams)], env: "prod") == [
            "orders.yaml:1:1: error: environment 'prod' is selected, but the file declares no 'environments' — add 'environments: { prod: { cluster: …, context: … } }', or drop --env / JETFORM_ENV",
        ])
        let typo = Self.settings.replacingOccurrences(of: "        ORDERS:\n", with: "        ORDRES:\n")
        #expect(errors([("shop.yaml", typo), ("orders.yaml", Self.streams)], env: "prod") == [
            "shop.yaml:15:9: error: environment 'prod' overrides stream 'ORDRES', which the file does not declare — did you mean 'ORDERS'?",
        ])
        let badValue = Self.settings.replacingOccurrences(of: "num_replicas: 3", with: "num_replicas: three")
        #expect(errors([("shop.yaml", badValue), ("orders.yaml", Self.streams)], env: "prod").first?.hasPrefix(
            "shop.yaml:16:25: error: 'num_replicas' in stream 'ORDERS'") == true)
        let badContext = Self.settings.replacingOccurrences(of: "context: prod\n", with: "context: production\n")
        #expect(errors([("shop.yaml", badContext), ("orders.yaml", Self.streams)], env: "prod") == [
            "shop.yaml:11:5: error: context 'production' is not declared under 'contexts' — use one of: dev, prod, prod-sys",
        ])
        let unknownKey = Self.settings.replacingOccurrences(of: "cluster: prod-east", with: "clustr: prod-east")
        #expect(errors([("shop.yaml", unknownKey), ("orders.yaml", Self.streams)]) == [
            "shop.yaml:10:5: error: unknown key 'clustr' in environment 'prod' — did you mean 'cluster'?",
        ])
    }
}
