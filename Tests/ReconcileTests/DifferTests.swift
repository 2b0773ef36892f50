import JetStreamSchema
import Testing
@testable import Reconcile
import Topology

@Suite struct DifferTests {
    func streamChanges(_ old: String, _ new: String, _ caps: ServerCapabilities = .v2_15) throws -> [FieldChange] {
        Differ.diff(kind: .stream, observed: Normaliser.canonical(stream: try object(old), capabilities: caps),
                    desired: Normaliser.canonical(stream: try object(new), capabilities: caps), capabilities: caps)
    }

    func consumerChanges(_ old: String, _ new: String) throws -> [FieldChange] {
        let stream: JSONObject = ["name": "S"]
        return Differ.diff(kind: .consumer,
                           observed: Normaliser.canonical(consumer: try object(old), stream: stream, capabilities: .v2_15),
                           desired: Normaliser.canonical(consumer: try object(new), stream: stream, capabilities: .v2_15),
                           capabilities: .v2_15)
    }

    @Test func simpleFieldChange() throws {
        let changes = try streamChanges(#"{"name":"S","max_age":5000000000}"#, #"{"name":"S","max_age":10000000000}"#)
        // The 2-minute duplicate window is capped at max_age on both sides, so it changes too.
        #expect(changes.map(\.path) == ["max_age", "duplicate_window"])
        #expect(changes[0].old == .int(5_000_000_000) && changes[0].new == .int(10_000_000_000))
        #expect(!changes[0].immutable)
    }

    @Test func nestedObjectsAndMetadataPerMember() throws {
        let changes = try streamChanges(
            #"{"name":"S","placement":{"cluster":"east","tags":["a"]},"metadata":{"team":"core","x":"1"}}"#,
            #"{"name":"S","placement":{"cluster":"east","tags":["b"]},"metadata":{"team":"edge"}}"#)
        // Keys come in desired order (JSON text is read with sorted keys here).
        #expect(changes.map(\.path) == ["metadata.team", "metadata.x", "placement.tags"])
        #expect(changes[1].new == nil)
    }

    @Test func defaultsAreNotDrift() throws {
        #expect(try streamChanges(#"{"name":"S","storage":"file","max_msgs":-1,"subjects":["S"]}"#, #"{"name":"S"}"#).isEmpty)
        #expect(try consumerChanges(#"{"durable_name":"c","ack_policy":"explicit","ack_wait":30000000000,"max_ack_pending":1000}"#,
                                    #"{"durable_name":"c","ack_policy":"explicit"}"#).isEmpty)
    }

    struct ReplaceRow: CustomTestStringConvertible, Sendable {
        var old: String
        var new: String
        var path: String
        var immutable: Bool
        var testDescription: String { "\(path): \(old) → \(new)" }
    }

    static let streamRows: [ReplaceRow] = [
        ReplaceRow(old: #""storage":"file""#, new: #""storage":"memory""#, path: "storage", immutable: true),
        ReplaceRow(old: #""retention":"limits""#, new: #""retention":"workqueue""#, path: "retention", immutable: true),
        ReplaceRow(old: #""retention":"workqueue""#, new: #""retention":"interest""#, path: "retention", immutable: true),
        ReplaceRow(old: #""retention":"limits""#, new: #""retention":"interest""#, path: "retention", immutable: false),
        ReplaceRow(old: #""retention":"interest""#, new: #""retention":"limits""#, path: "retention", immutable: false),
        ReplaceRow(old: #""deny_delete":false"#, new: #""deny_delete":true"#, path: "deny_delete", immutable: false),
        ReplaceRow(old: #""deny_delete":true"#, new: #""deny_delete":false"#, path: "deny_delete", immutable: true),
        ReplaceRow(old: #""deny_purge":true"#, new: #""deny_purge":false"#, path: "deny_purge", immutable: true),
        ReplaceRow(old: #""allow_msg_ttl":true"#, new: #""allow_msg_ttl":false"#, path: "allow_msg_ttl", immutable: true),
        ReplaceRow(old: #""allow_msg_ttl":false"#, new: #""allow_msg_ttl":true"#, path: "allow_msg_ttl", immutable: false),
        ReplaceRow(old: #""allow_msg_schedules":true"#, new: #""allow_msg_schedules":false"#, path: "allow_msg_schedules", immutable: true),
        ReplaceRow(old: #""allow_msg_counter":false"#, new: #""allow_msg_counter":true"#, path: "allow_msg_counter", immutable: true),
        ReplaceRow(old: #""allow_msg_counter":true"#, new: #""allow_msg_counter":false"#, path: "allow_msg_counter", immutable: true),
        ReplaceRow(old: #""persist_mode":"default""#, new: #""persist_mode":"async""#, path: "persist_mode", immutable: true),
        ReplaceRow(old: #""num_replicas":1"#, new: #""num_replicas":3"#, path: "num_replicas", immutable: false),
        ReplaceRow(old: #""max_consumers":5"#, new: #""max_consumers":10"#, path: "max_consumers", immutable: false),
    ]

    @Test(arguments: streamRows)
    func streamImmutability(_ row: ReplaceRow) throws {
        let changes = try streamChanges(#"{"name":"S",\#(row.old)}"#, #"{"name":"S",\#(row.new)}"#)
        let change = try #require(changes.first { $0.path == row.path })
        #expect(change.immutable == row.immutable)
    }

    @Test func sealingIsOneWay() throws {
        let seal = try streamChanges(#"{"name":"S"}"#, #"{"name":"S","sealed":true}"#)
        #expect(seal.allSatisfy { !$0.immutable })
        let unseal = try streamChanges(#"{"name":"S","sealed":true}"#, #"{"name":"S"}"#)
        #expect(unseal.first { $0.path == "sealed" }?.immutable == true)
    }

    @Test func mirrorMayBeRemovedButNotChanged() throws {
        let add = try streamChanges(#"{"name":"S"}"#, #"{"name":"S","mirror":{"name":"O"}}"#)
        #expect(add.contains { $0.path.hasPrefix("mirror") && $0.immutable })
        let change = try streamChanges(#"{"name":"S","mirror":{"name":"O"}}"#, #"{"name":"S","mirror":{"name":"P"}}"#)
        #expect(change.first { $0.path == "mirror.name" }?.immutable == true)
        let remove = try streamChanges(#"{"name":"S","mirror":{"name":"O"}}"#, #"{"name":"S","mirror":{"name":"O"}}"#)
        #expect(remove.isEmpty)
        let promote = try streamChanges(#"{"name":"S","mirror":{"name":"O"}}"#, #"{"name":"S","subjects":["x"]}"#)
        #expect(promote.contains { $0.path == "mirror.name" && !$0.immutable })
    }

    /// nats-server allows changing max_consumers from 2.12.5 on; 2.10, 2.11 and 2.12.0–2.12.4 refuse it.
    @Test func maxConsumersDependsOnTheRelease() throws {
        for (caps, immutable) in [(ServerCapabilities.v2_10, true), (.v2_12, true), (.v2_15, false),
                                  (ServerCapabilities(version: "2.12.5")!, false)] {
            let changes = try streamChanges(#"{"name":"S","max_consumers":5}"#, #"{"name":"S","max_consumers":6}"#, caps)
            #expect(changes.first?.immutable == immutable, "\(caps.version)")
        }
    }

    static let consumerRows: [ReplaceRow] = [
        ReplaceRow(old: #""deliver_policy":"all""#, new: #""deliver_policy":"new""#, path: "deliver_policy", immutable: true),
        ReplaceRow(old: #""ack_policy":"explicit""#, new: #""ack_policy":"none""#, path: "ack_policy", immutable: true),
        ReplaceRow(old: #""replay_policy":"instant""#, new: #""replay_policy":"original""#, path: "replay_policy", immutable: true),
        ReplaceRow(old: #""opt_start_seq":1"#, new: #""opt_start_seq":2"#, path: "opt_start_seq", immutable: true),
        ReplaceRow(old: #""max_waiting":512"#, new: #""max_waiting":10"#, path: "max_waiting", immutable: true),
        ReplaceRow(old: #""mem_storage":false"#, new: #""mem_storage":true"#, path: "mem_storage", immutable: true),
        ReplaceRow(old: #""deliver_subject":"a","idle_heartbeat":1000000000"#, new: #""deliver_subject":"a","idle_heartbeat":2000000000"#, path: "idle_heartbeat", immutable: true),
        ReplaceRow(old: #""deliver_subject":"a""#, new: #""deliver_subject":"a","flow_control":true"#, path: "flow_control", immutable: true),
        ReplaceRow(old: #""deliver_subject":"a""#, new: #""deliver_subject":"b""#, path: "deliver_subject", immutable: false),
        ReplaceRow(old: #""max_deliver":5"#, new: #""max_deliver":6"#, path: "max_deliver", immutable: false),
        ReplaceRow(old: #""ack_wait":1000000000"#, new: #""ack_wait":2000000000"#, path: "ack_wait", immutable: false),
        ReplaceRow(old: #""description":"a""#, new: #""description":"b""#, path: "description", immutable: false),
    ]

    @Test(arguments: consumerRows)
    func consumerImmutability(_ row: ReplaceRow) throws {
        let base = row.path == "ack_policy" ? "" : #""ack_policy":"explicit","#
        let changes = try consumerChanges(#"{"durable_name":"c",\#(base)\#(row.old)}"#,
                                          #"{"durable_name":"c",\#(base)\#(row.new)}"#)
        let change = try #require(changes.first { $0.path == row.path })
        #expect(change.immutable == row.immutable)
    }

    @Test func pushToPullForcesReplace() throws {
        let toPull = try consumerChanges(#"{"durable_name":"c","deliver_subject":"a"}"#, #"{"durable_name":"c"}"#)
        #expect(toPull.first { $0.path == "deliver_subject" }?.replaceReason == "a push consumer cannot become a pull consumer")
        let toPush = try consumerChanges(#"{"durable_name":"c"}"#, #"{"durable_name":"c","deliver_subject":"a"}"#)
        #expect(toPush.first { $0.path == "deliver_subject" }?.immutable == true)
    }

    @Test func locationsComeFromTheFile() throws {
        let t = try topology("""
          S:
            max_age: 10s
            placement: { cluster: east }

        """)
        let spec = try #require(t.stream(named: "S"))
        let changes = Differ.diff(
            kind: .stream,
            observed: Normaliser.canonical(stream: ["name": "S", "max_age": .int(5_000_000_000), "placement": .object(["cluster": "west"])], capabilities: .v2_15),
            desired: Normaliser.canonical(stream: spec.config, capabilities: .v2_15), capabilities: .v2_15,
            locations: spec.fieldLocations)
        #expect(changes.first { $0.path == "max_age" }?.location?.line == 6)
        #expect(changes.first { $0.path == "placement.cluster" }?.location?.line == 7)
    }
}
