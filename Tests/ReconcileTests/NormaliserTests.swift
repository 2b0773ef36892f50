import JetStreamSchema
import Testing
@testable import Reconcile
import Topology

/// Server defaults, one row per rule, checked against nats-server sources and captured configs.
@Suite struct ServerDefaultsTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var given: String
        var field: String
        var expected: JSONValue?
        var testDescription: String { "\(given) → \(field)" }
    }

    static let streamRows: [Row] = [
        Row(given: #"{"name":"S"}"#, field: "storage", expected: .string("file")),
        Row(given: #"{"name":"S"}"#, field: "retention", expected: .string("limits")),
        Row(given: #"{"name":"S"}"#, field: "discard", expected: .string("old")),
        Row(given: #"{"name":"S"}"#, field: "compression", expected: .string("none")),
        Row(given: #"{"name":"S"}"#, field: "num_replicas", expected: .int(1)),
        Row(given: #"{"name":"S"}"#, field: "max_msgs", expected: .int(-1)),
        Row(given: #"{"name":"S","max_msgs":-5}"#, field: "max_msgs", expected: .int(-1)),
        Row(given: #"{"name":"S"}"#, field: "max_bytes", expected: .int(-1)),
        Row(given: #"{"name":"S"}"#, field: "max_msgs_per_subject", expected: .int(-1)),
        Row(given: #"{"name":"S"}"#, field: "max_msg_size", expected: .int(-1)),
        Row(given: #"{"name":"S"}"#, field: "max_consumers", expected: .int(-1)),
        Row(given: #"{"name":"S","max_consumers":10}"#, field: "max_consumers", expected: .int(10)),
        Row(given: #"{"name":"S"}"#, field: "duplicate_window", expected: .int(120_000_000_000)),
        Row(given: #"{"name":"S","max_age":5000000000}"#, field: "duplicate_window", expected: .int(5_000_000_000)),
        Row(given: #"{"name":"S","max_age":3600000000000}"#, field: "duplicate_window", expected: .int(120_000_000_000)),
        Row(given: #"{"name":"S","duplicate_window":1000000000}"#, field: "duplicate_window", expected: .int(1_000_000_000)),
        Row(given: #"{"name":"S","mirror":{"name":"O"}}"#, field: "duplicate_window", expected: nil),
        Row(given: #"{"name":"S"}"#, field: "subjects", expected: .array([.string("S")])),
        Row(given: #"{"name":"S","subjects":[]}"#, field: "subjects", expected: .array([.string("S")])),
        Row(given: #"{"name":"S","mirror":{"name":"O"}}"#, field: "subjects", expected: nil),
        Row(given: #"{"name":"S","republish":{"dest":"x.>"}}"#, field: "republish", expected: .object(["dest": .string("x.>"), "src": .string(">")])),
        Row(given: #"{"name":"S","sealed":true,"max_age":1000000000}"#, field: "max_age", expected: .int(0)),
        Row(given: #"{"name":"S","sealed":true}"#, field: "deny_purge", expected: .bool(true)),
        Row(given: #"{"name":"S","sealed":true}"#, field: "discard", expected: .string("new")),
    ]

    /// Seen on real servers: 2.10.25 and 2.12.8 give a sourced stream the 2 min window, 2.15.1 does not
    /// (nats-server 2.14 added `len(cfg.Sources) == 0` to the rule); mirrors never get one.
    @Test func sourcedStreamDuplicateWindowDependsOnTheRelease() throws {
        let sourced = try object(#"{"name":"S","sources":[{"name":"O"}]}"#)
        let mirror = try object(#"{"name":"S","mirror":{"name":"O"}}"#)
        #expect(ServerDefaults.stream(sourced, capabilities: .v2_10)["duplicate_window"] == .int(120_000_000_000))
        #expect(ServerDefaults.stream(sourced, capabilities: .v2_12)["duplicate_window"] == .int(120_000_000_000))
        #expect(ServerDefaults.stream(sourced, capabilities: .v2_15)["duplicate_window"] == nil)
        for caps in ServerCapabilities.all {
            #expect(ServerDefaults.stream(mirror, capabilities: caps)["duplicate_window"] == nil)
        }
    }

    @Test(arguments: streamRows)
    func streamDefault(_ row: Row) throws {
        for caps in ServerCapabilities.all {
            let filled = ServerDefaults.stream(try object(row.given), capabilities: caps)
            #expect(filled[row.field] == row.expected, "\(caps.version)")
        }
    }

    /// 2.12 switches on roll-ups (and off deny_purge) for delete markers and schedules instead of refusing.
    @Test func markersForceRollupsFrom2_12() throws {
        let config = try object(#"{"name":"S","subject_delete_marker_ttl":5000000000,"deny_purge":true}"#)
        let v211 = ServerDefaults.stream(config, capabilities: .v2_11)
        #expect(v211["allow_rollup_hdrs"] == nil)
        #expect(v211["allow_msg_ttl"] == nil)
        for caps in [ServerCapabilities.v2_12, .v2_15] {
            let filled = ServerDefaults.stream(config, capabilities: caps)
            #expect(filled["allow_msg_ttl"] == .bool(true))
            #expect(filled["allow_rollup_hdrs"] == .bool(true))
            #expect(filled["deny_purge"] == .bool(false))
        }
        let schedules = ServerDefaults.stream(try object(#"{"name":"S","allow_msg_schedules":true}"#), capabilities: .v2_15)
        #expect(schedules["allow_rollup_hdrs"] == .bool(true))
    }

    static let consumerRows: [Row] = [
        Row(given: #"{"durable_name":"c"}"#, field: "name", expected: .string("c")),
        Row(given: #"{"durable_name":"c"}"#, field: "deliver_policy", expected: .string("all")),
        Row(given: #"{"durable_name":"c"}"#, field: "ack_policy", expected: .string("none")),
        Row(given: #"{"durable_name":"c"}"#, field: "replay_policy", expected: .string("instant")),
        Row(given: #"{"durable_name":"c"}"#, field: "max_deliver", expected: .int(-1)),
        Row(given: #"{"durable_name":"c"}"#, field: "max_waiting", expected: .int(512)),
        Row(given: #"{"durable_name":"c","deliver_subject":"d"}"#, field: "max_waiting", expected: nil),
        Row(given: #"{"durable_name":"c"}"#, field: "ack_wait", expected: nil),
        Row(given: #"{"durable_name":"c","ack_policy":"explicit"}"#, field: "ack_wait", expected: .int(30_000_000_000)),
        Row(given: #"{"durable_name":"c","ack_policy":"all"}"#, field: "ack_wait", expected: .int(30_000_000_000)),
        Row(given: #"{"durable_name":"c","ack_policy":"explicit","ack_wait":9000000000,"backoff":[1000000000]}"#,
            field: "ack_wait", expected: .int(1_000_000_000)),
        Row(given: #"{"durable_name":"c"}"#, field: "max_ack_pending", expected: nil),
        Row(given: #"{"durable_name":"c","ack_policy":"explicit"}"#, field: "max_ack_pending", expected: .int(1000)),
        Row(given: #"{"durable_name":"c","ack_policy":"explicit","max_ack_pending":-7}"#, field: "max_ack_pending", expected: .int(-1)),
        Row(given: #"{"durable_name":"c","priority_policy":"pinned_client"}"#, field: "priority_timeout", expected: .int(120_000_000_000)),
        Row(given: #"{"durable_name":"c","priority_policy":"overflow"}"#, field: "priority_timeout", expected: nil),
        Row(given: #"{"durable_name":"c"}"#, field: "num_replicas", expected: nil),
    ]

    @Test(arguments: consumerRows)
    func consumerDefault(_ row: Row) throws {
        for caps in ServerCapabilities.all {
            let filled = ServerDefaults.consumer(try object(row.given), stream: ["name": "S"], capabilities: caps)
            #expect(filled[row.field] == row.expected, "\(caps.version)")
        }
    }

    @Test func consumerLimitsOfTheStreamApply() throws {
        let stream = try object(#"{"name":"S","consumer_limits":{"max_ack_pending":50,"inactive_threshold":3600000000000}}"#)
        let filled = ServerDefaults.consumer(try object(#"{"durable_name":"c","ack_policy":"explicit"}"#), stream: stream,
                                             capabilities: .v2_15)
        #expect(filled["max_ack_pending"] == .int(50))
        #expect(filled["inactive_threshold"] == .int(3_600_000_000_000))
    }

    @Test func flowControlAckPolicyForcesHeartbeat() throws {
        let filled = ServerDefaults.consumer(
            try object(#"{"durable_name":"c","ack_policy":"flow_control","deliver_subject":"d","max_ack_pending":10}"#),
            stream: ["name": "S"], capabilities: .v2_15)
        #expect(filled["flow_control"] == .bool(true))
        #expect(filled["idle_heartbeat"] == .int(1_000_000_000))
    }

    @Test func defaultsAreIdempotent() throws {
        for caps in ServerCapabilities.all {
            for row in Self.streamRows {
                let once = ServerDefaults.stream(try object(row.given), capabilities: caps)
                #expect(ServerDefaults.stream(once, capabilities: caps) == once)
            }
        }
    }
}

@Suite struct NormaliserTests {
    @Test func zeroValuesMeanAbsent() throws {
        let a = Normaliser.clean(try object(#"{"name":"S","sealed":false,"max_age":0,"description":"","consumer_limits":{},"placement":{"tags":[]},"metadata":{},"persist_mode":"default"}"#), kind: .stream)
        #expect(a == ["name": "S"])
        let c = Normaliser.clean(try object(#"{"name":"c","num_replicas":0,"priority_policy":"none","backoff":[],"opt_start_time":null}"#), kind: .consumer)
        #expect(c == ["name": "c"])
    }

    @Test func natsMetadataIsIgnored() throws {
        let a = Normaliser.clean(try object(#"{"metadata":{"_nats.ver":"2.15.1","_nats.level":"5","team":"core"}}"#), kind: .stream)
        #expect(a == ["metadata": .object(["team": "core"])])
    }

    @Test func subjectListsAreSets() throws {
        let a = Normaliser.clean(try object(#"{"subjects":["b","a","c"]}"#), kind: .stream)
        let b = Normaliser.clean(try object(#"{"subjects":["c","b","a","a"]}"#), kind: .stream)
        #expect(a == b)
        #expect(a["subjects"] == .array(["a", "b", "c"]))
        let tags1 = Normaliser.clean(try object(#"{"placement":{"tags":["x","y"]}}"#), kind: .stream)
        let tags2 = Normaliser.clean(try object(#"{"placement":{"tags":["y","x"]}}"#), kind: .stream)
        #expect(tags1 == tags2)
    }

    @Test func durationsCompareByValue() throws {
        let a = Normaliser.clean(try object(#"{"max_age":5e9}"#), kind: .stream)
        #expect(a == ["max_age": .int(5_000_000_000)])
        let backoff = Normaliser.clean(try object(#"{"backoff":[1e9,2000000000]}"#), kind: .consumer)
        #expect(backoff == ["backoff": .array([.int(1_000_000_000), .int(2_000_000_000)])])
    }

    @Test func unknownAndServerOnlyFieldsAreDropped() throws {
        let a = Normaliser.clean(try object(#"{"name":"S","created":"2025-01-01T00:00:00Z","some_future_field":1}"#), kind: .stream)
        #expect(a == ["name": "S"])
    }

    @Test(arguments: [
        ("2025-01-02T15:04:05Z", "2025-01-02T15:04:05Z"),
        ("2025-01-02T16:04:05+01:00", "2025-01-02T15:04:05Z"),
        ("2025-01-02T15:04:05.120000000Z", "2025-01-02T15:04:05.12Z"),
        ("2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00Z"),
        ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"),
    ])
    func timestampsInUTC(_ input: String, _ expected: String) {
        #expect(Timestamps.canonical(input) == expected)
    }

    @Test func badTimestampsAreKept() {
        #expect(Timestamps.canonical("yesterday") == nil)
        let cleaned = Normaliser.clean(["opt_start_time": "yesterday"], kind: .consumer)
        #expect(cleaned["opt_start_time"] == "yesterday")
    }
}

/// The planner compares the cluster's config, filled with the server's defaults, against the desired
/// config filled once (`Normaliser.clean(config)`, not `canonical`): filling a filled config again must
/// change nothing. Checked over the differential generator's random configs (the whole field table,
/// valid and invalid) on every release line; a stream whose consumer_limits hold a value below -1 is
/// left out of the consumer half (jetform refuses such a file, the server stores the value as it is, and
/// its consumers copy it before the -1 floor applies).
@Suite struct ServerDefaultsIdempotenceTests {
    @Test(arguments: [ServerCapabilities.v2_10, .v2_11, .v2_12, ServerCapabilities(version: "2.14.0", apiLevel: 4, clusterSize: 3)!, .v2_15])
    func fillingDefaultsTwiceChangesNothing(capabilities caps: ServerCapabilities) {
        var generator = DifferentialGenerator(seed: 20_261_201)
        for k in 0..<2_000 {
            let stream = ServerDefaults.stream(generator.stream(name: "S\(k)", prefix: "p\(k)"), capabilities: caps)
            #expect(Normaliser.clean(stream, kind: .stream) == Normaliser.canonical(stream: stream, capabilities: caps),
                    "stream case \(k) on \(caps.version): \(stream.jsonString(pretty: false))")
            let declared = generator.consumer(name: "c\(k)", prefix: "p\(k)")
            let limits = stream["consumer_limits"]?.objectValue ?? [:]
            if limits.contains(where: { ($0.value.intValue ?? 0) < -1 }) { continue }
            let consumer = ServerDefaults.consumer(declared, stream: stream, capabilities: caps)
            #expect(Normaliser.clean(consumer, kind: .consumer) == Normaliser.canonical(consumer: consumer, stream: stream, capabilities: caps),
                    "consumer case \(k) on \(caps.version): \(consumer.jsonString(pretty: false))")
        }
    }
}
