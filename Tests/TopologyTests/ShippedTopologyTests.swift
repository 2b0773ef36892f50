import JetStreamSchema
import Foundation
import Testing
@testable import Topology

/// The `topology.yaml` at the repository root reproduces the users request/response setup.
@Suite struct ShippedTopologyTests {
    static var path: String { repositoryRoot().appendingPathComponent("topology.yaml").path }

    func load() throws -> LoadedTopology {
        try TopologyLoader.load(path: Self.path, environment: [:])
    }

    @Test func loadsWithoutErrorsOrWarnings() throws {
        let loaded = try load()
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings.map(\.rendered))")
    }

    @Test func startsWithTheSchemaLine() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        #expect(text.hasPrefix("# yaml-language-server: $schema=./schema/topology.schema.json\n"))
    }

    @Test func contexts() throws {
        let t = try load().topology
        #expect(t.name == "users")
        #expect(t.contexts.map(\.name) == ["sys", "user"])
        #expect(t.context == "user")
        #expect(t.systemContext == "sys")
        let urls = ["nats://localhost:4222", "nats://localhost:4223", "nats://localhost:4224"]
        let sys = try #require(t.context(named: "sys"))
        #expect(sys.urls == urls)
        #expect(sys.user == "admin")
        #expect(sys.password?.value == "admin")
        let user = try #require(t.context(named: "user"))
        #expect(user.urls == urls)
        #expect(user.user == "user")
        #expect(user.password?.value == "user")
    }

    @Test func environmentOverridesDefaults() throws {
        let env = ["NATS_URL": "nats://a:4222", "NATS_PASSWORD": "pw"]
        let t = try TopologyLoader.load(path: Self.path, environment: env).topology
        #expect(t.context(named: "user")?.url == "nats://a:4222")
        #expect(t.context(named: "user")?.password?.value == "pw")
    }

    @Test func requestsStream() throws {
        let s = try #require(try load().topology.stream(named: "REQUESTS"))
        let expected: JSONObject = [
            "name": .string("REQUESTS"),
            "description": .string("Requests waiting for a worker"),
            "subjects": .array([.string("users.requests")]),
            "retention": .string("workqueue"),
            "storage": .string("memory"),
            "num_replicas": .int(3),
            "discard": .string("new"),
            "max_msgs": .int(-1),
            "max_msgs_per_subject": .int(-1),
            "max_bytes": .int(-1),
            "max_msg_size": .int(-1),
            "max_age": .int(5_000_000_000),
            "duplicate_window": .int(5_000_000_000),
            "allow_rollup_hdrs": .bool(false),
            "deny_delete": .bool(true),
            "deny_purge": .bool(false),
        ]
        #expect(s.config == expected)
        #expect(s.config.keys.first == "name")
        #expect(s.config["duplicate_window"] == .int(5_000_000_000))
        let workers = try #require(s.consumer(named: "workers"))
        #expect(workers.config["durable_name"] == .string("workers"))
        #expect(workers.config["ack_policy"] == .string("explicit"))
        #expect(workers.config["ack_wait"] == .int(2_000_000_000))
        #expect(workers.config["deliver_subject"] == nil)
        #expect(s.fieldLocations["max_age"]?.line ?? 0 > s.location.line)
    }

    @Test func responsesStream() throws {
        let s = try #require(try load().topology.stream(named: "RESPONSES"))
        #expect(s.subjects == ["users.responses.*"])
        #expect(s.config["max_age"] == nil)
        #expect(s.config["max_msgs_per_subject"] == .int(1))
        #expect(s.config["retention"] == .string("workqueue"))
        #expect(s.config["storage"] == .string("memory"))
        #expect(s.config["num_replicas"] == .int(3))
        #expect(s.config["deny_delete"] == .bool(true))
        let producers = try #require(s.consumer(named: "producers"))
        #expect(producers.config["ack_policy"] == .string("explicit"))
    }

    @Test func smoke() throws {
        let t = try load().topology
        let smoke = try #require(t.smoke)
        #expect(smoke.context == "user")
        let durable = try #require(smoke.durable)
        #expect(durable.requests == .init(stream: "REQUESTS", consumer: "workers"))
        #expect(durable.responses == .init(stream: "RESPONSES", consumer: "producers"))
        #expect(durable.inFlight == 100)
        #expect(durable.producers == 1)
        #expect(durable.workers == 2)
        #expect(durable.count == 1000)
        #expect(smoke.requestSubject(in: t) == "users.requests")
        #expect(smoke.responseSubjectPrefix(in: t) == "users.responses.")
        #expect(smoke.pubsub == .init(subject: "smoke.pubsub", subscribers: 3, count: 1000))
        #expect(smoke.queue == .init(subject: "smoke.queue", group: "smoke-workers", members: 3, count: 1000))
        #expect(smoke.request == .init(subject: "smoke.request", responders: 1, count: 1000))
        #expect(smoke.kv == .init(bucket: "CONFIG", count: 1000, keys: 10))
    }

    @Test func configBucket() throws {
        let b = try #require(try load().topology.bucket(named: "CONFIG"))
        #expect(b.config["storage"] == .string("memory"))
        #expect(b.config["num_replicas"] == .int(3))
        #expect(b.config["history"] == .int(5))
        #expect(b.streamSpec.config["max_msgs_per_subject"] == .int(5))
    }
}
