import JetStreamSchema
import Foundation
import NIOCore
import Testing
@testable import JetStream

/// Decoding real server replies and encoding them back: nothing lost, nothing added.
@Suite struct ModelTests {
    static let envelope: Set<String> = ["type", "total", "offset", "limit", "did_create", "error"]

    func json(_ text: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }

    func stripped(_ value: JSONValue) -> JSONValue {
        guard case .object(var o) = value else { return value }
        for k in Self.envelope { o[k] = nil }
        return .object(o)
    }

    /// Decodes `text` as `T`, encodes it, and checks the JSON is the same (envelope keys aside).
    func roundTrip<T: Codable>(_ type: T.Type, _ text: String) throws -> T {
        let value = try JSONDecoder().decode(T.self, from: Data(text.utf8))
        let again = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        #expect(again == stripped(try json(text)))
        return value
    }

    @Test(arguments: [Fixtures.v2_15_1.streamInfo, Fixtures.v2_15_1.streamCreate, Fixtures.v2_10_25.streamInfo, Fixtures.v2_10_25.streamCreate])
    func streamInfoRoundTrips(_ text: String) throws {
        let info = try roundTrip(StreamInfo.self, text)
        #expect(info.config.name == "ORDERS")
        #expect(info.config.storage == .memory)
        #expect(info.config.maxAge == .seconds(3600))
        #expect(info.config.extra.isEmpty, "unknown keys: \(info.config.extra.keys)")
        #expect(info.extra.isEmpty, "unknown keys: \(info.extra.keys)")
        #expect(info.state.extra.isEmpty)
    }

    @Test(arguments: [Fixtures.v2_15_1.consumerInfo, Fixtures.v2_15_1.consumerCreate, Fixtures.v2_10_25.consumerInfo])
    func consumerInfoRoundTrips(_ text: String) throws {
        let info = try roundTrip(ConsumerInfo.self, text)
        #expect(info.name == "worker")
        #expect(info.config?.ackPolicy == .explicit)
        #expect(info.config?.backoff == [.seconds(1), .seconds(2)])
        #expect(info.config?.extra.isEmpty == true, "unknown keys: \(info.config?.extra.keys.sorted() ?? [])")
        #expect(info.extra.isEmpty, "unknown keys: \(info.extra.keys)")
    }

    @Test(arguments: [Fixtures.v2_15_1.accountInfo, Fixtures.v2_10_25.accountInfo])
    func accountInfoRoundTrips(_ text: String) throws {
        let info = try roundTrip(AccountInfo.self, text)
        #expect(info.limits?.maxStreams == -1)
        #expect(info.extra.isEmpty, "unknown keys: \(info.extra.keys)")
    }

    @Test func apiLevelPerRelease() throws {
        let new = try JSONDecoder().decode(AccountInfo.self, from: Data(Fixtures.v2_15_1.accountInfo.utf8))
        let old = try JSONDecoder().decode(AccountInfo.self, from: Data(Fixtures.v2_10_25.accountInfo.utf8))
        #expect((new.api?.level ?? 0) >= 1)
        #expect(old.api?.level == nil)
    }

    @Test func listsDecode() throws {
        let list = try JSONDecoder().decode(StreamListPage.self, from: Data(Fixtures.v2_15_1.streamList.utf8))
        #expect(list.items.map(\.config.name) == ["ORDERS"])
        let names = try JSONDecoder().decode(StreamNamesPage.self, from: Data(Fixtures.v2_15_1.streamNames.utf8))
        #expect(names.items == ["ORDERS"] && names.total == 1)
        let consumers = try JSONDecoder().decode(ConsumerListPage.self, from: Data(Fixtures.v2_10_25.consumerList.utf8))
        #expect(consumers.items.map(\.name) == ["worker"])
    }

    @Test func unknownFieldsAreKeptAndSentBack() throws {
        let text = #"{"name":"S","subjects":["a"],"future_knob":{"x":[1,2.5,"y",null,true]},"placement":{"cluster":"c","zone":"z1"},"retention":"eventual","big":18446744073709551615}"#
        let config = try JSONDecoder().decode(StreamConfig.self, from: Data(text.utf8))
        #expect(config.extra["future_knob"] == .object(["x": .array([.int(1), .double(2.5), .string("y"), .null, .bool(true)])]))
        #expect(config.extra["big"] == .uint(UInt64.max))
        #expect(config.placement?.extra["zone"] == .string("z1"))
        #expect(config.retention == .unknown("eventual"))
        let back = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(config))
        #expect(back == (try json(text)))
    }

    @Test func nilFieldsAreNotSent() throws {
        var config = StreamConfig(name: "S")
        let encoded = try json(String(decoding: JSONEncoder().encode(config), as: UTF8.self))
        #expect(encoded == .object(["name": .string("S")]))
        config.sealed = false
        config.maxAge = .zero
        let again = try JSONDecoder().decode(StreamConfig.self, from: JSONEncoder().encode(config))
        #expect(again == config)
        #expect(again.sealed == false && again.denyDelete == nil)
    }

    @Test func durationsAreIntegerNanoseconds() throws {
        var c = ConsumerConfig(durableName: "d", ackPolicy: .explicit)
        c.ackWait = NanoDuration(.milliseconds(1500))
        c.backoff = [.seconds(1), .minutes(2)]
        let v = try json(String(decoding: JSONEncoder().encode(c), as: UTF8.self))
        #expect(v["ack_wait"] == .int(1_500_000_000))
        #expect(v["backoff"] == .array([.int(1_000_000_000), .int(120_000_000_000)]))
        #expect(NanoDuration.minutes(2).description == "2m")
        #expect(NanoDuration(nanoseconds: 1500).description == "1500ns")
    }

    @Test func enumsRoundTripUnknownValues() throws {
        for raw in ["all", "last", "new", "by_start_sequence", "by_start_time", "last_per_subject", "someday"] {
            #expect(DeliverPolicy(rawValue: raw).rawValue == raw)
        }
        #expect(AckPolicy(rawValue: "flow_control") == .unknown("flow_control"))
        #expect(PriorityPolicy(rawValue: "pinned_client") == .pinnedClient)
        #expect(ConsumerAction(rawValue: "") == .createOrUpdate)
        #expect(RetentionPolicy(rawValue: "workqueue") == .workQueue)
    }

    @Test func timestampsKeepNanoseconds() throws {
        let t = Timestamp(rawValue: "2026-11-27T18:52:20.397562807Z")
        let date = try #require(t.date)
        #expect(abs(date.timeIntervalSince1970 - 1_795_805_540.397562807) < 1e-6)
        #expect(Timestamp(rawValue: "0001-01-01T00:00:00Z").isZero)
        #expect(Timestamp(Date(timeIntervalSince1970: 1_795_805_540.5)).rawValue == "2026-11-27T18:52:20.5Z")
    }

    @Test func apiErrorsAreTyped() throws {
        for (text, code) in [(Fixtures.v2_15_1.errorStreamNotFound, JetStreamErrorCode.streamNotFound),
                             (Fixtures.v2_10_25.errorConsumerNotFound, .consumerNotFound)] {
            do {
                _ = try JetStreamContext.decodeAPIResponse(StreamInfo.self, from: ByteBuffer(string: text), operation: "TEST")
                Issue.record("expected an error")
            } catch {
                #expect(error.errCode == code)
                #expect(error.code == 404)
                #expect(error.description.contains("not found"))
            }
        }
    }

    @Test func onlyRepliesHoldingTheErrorKeyAreDecodedForIt() {
        for (text, holds) in [(#"{"type":"x","error":{"code":404}}"#, true), (#""error""#, true), (#"{"errors":1}"#, false),
                              (#"{"error"#, false), ("", false), (#"{"description":"no error here"}"#, false)] {
            let found = ByteBuffer(string: text).withUnsafeReadableBytes { JetStreamContext.holdsErrorKey($0) }
            #expect(found == holds, "\(text)")
        }
        #expect(JetStreamContext.apiError(in: ByteBuffer(string: Fixtures.v2_15_1.errorStreamNotFound))?.errCode == .streamNotFound)
        #expect(JetStreamContext.apiError(in: ByteBuffer(string: #"{"config":{"description":"an \"error\" word"}}"#)) == nil)
    }

    @Test func pubAcksParseFastAndSlow() throws {
        let fast = try #require(PubAckParser.fastPath(ByteBuffer(string: #"{"stream":"ORDERS","seq":4}"#)))
        #expect(fast == PubAck(stream: "ORDERS", seq: 4))
        let dup = try PubAckParser.parse(ByteBuffer(string: #"{"stream":"ORDERS","seq":4,"duplicate":true}"#), operation: "t")
        #expect(dup.duplicate == true)
        let slow = try PubAckParser.parse(ByteBuffer(string: #"{"stream":"O","seq":9,"domain":"hub","val":"3"}"#), operation: "t")
        #expect(slow.domain == "hub" && slow.value == "3" && slow.seq == 9)
        #expect(PubAckParser.fastPath(ByteBuffer(string: #"{"stream":"a\"b","seq":1}"#)) == nil)
        for text in [Fixtures.v2_15_1.pubAck, Fixtures.v2_10_25.pubAckDuplicate] {
            let ack = try PubAckParser.parse(ByteBuffer(string: text), operation: "t")
            #expect(ack.stream == "ORDERS")
        }
        do {
            _ = try PubAckParser.parse(ByteBuffer(string: Fixtures.v2_15_1.pubAckErrorWrongLastSeq), operation: "t")
            Issue.record("expected an error")
        } catch {
            #expect(error.errCode == .wrongLastSequence)
        }
    }

    @Test func ackMetadataParsesBothForms() throws {
        let v1 = try #require(AckMetadata(replySubject: "$JS.ACK.ORDERS.worker.2.17.5.1795805540397562807.12"))
        #expect(v1.stream == "ORDERS" && v1.consumer == "worker" && v1.numDelivered == 2)
        #expect(v1.streamSequence == 17 && v1.consumerSequence == 5 && v1.numPending == 12 && v1.domain == nil)
        let v2 = try #require(AckMetadata(replySubject: "$JS.ACK.hub.ACCHASH.ORDERS.worker.1.3.3.1795805540397562807.0.tok"))
        #expect(v2.domain == "hub" && v2.accountHash == "ACCHASH" && v2.streamSequence == 3)
        let none = try #require(AckMetadata(replySubject: "$JS.ACK._.ACCHASH.S.C.1.3.3.1.0.tok"))
        #expect(none.domain == nil)
        #expect(AckMetadata(replySubject: "_INBOX.abc") == nil)
    }

    @Test func serverVersions() {
        #expect(ServerVersion("2.10.25")?.supportsPedantic == false)
        #expect(ServerVersion("2.11.0-RC.1")?.supportsPedantic == true)
        #expect(ServerVersion("2.15.1")! > ServerVersion("2.9.9")!)
        #expect(ServerVersion("garbage") == nil)
    }

    @Test func pullStatuses() {
        var h = NATSHeadersShim.make(["Nats-Pending-Messages": "7"])
        #expect(PullStatus(.init(code: 408, description: "Request Timeout"), headers: h) == .requestEnded(unfilled: 7))
        h = nil
        #expect(PullStatus(.init(code: 409, description: "Leadership Change"), headers: h) == .requestLost(unfilled: nil))
        #expect(PullStatus(.init(code: 409, description: "Consumer Deleted"), headers: h) == .fatal(409, "Consumer Deleted"))
        #expect(PullStatus(.init(code: 409, description: "Message Size Exceeds MaxBytes"), headers: h) == .requestEnded(unfilled: nil))
        #expect(PullStatus(.init(code: 100, description: "Idle Heartbeat"), headers: h) == .heartbeat)
        #expect(PullStatus(.init(code: 404, description: "No Messages"), headers: h) == .requestEnded(unfilled: nil))
        #expect(PullStatus(.init(code: 503), headers: h) == .noResponders)
    }

    @Test func publishOptionsBecomeHeaders() throws {
        let h = try #require(PublishOptions(msgId: "m1", expectedStream: "S", expectedLastSequence: 4, expectedLastSubjectSequence: 2, expectedLastMsgId: "m0", ttl: .seconds(90)).apply(to: nil))
        #expect(h["Nats-Msg-Id"] == "m1" && h["Nats-Expected-Stream"] == "S" && h["Nats-Expected-Last-Sequence"] == "4")
        #expect(h["Nats-Expected-Last-Subject-Sequence"] == "2" && h["Nats-Expected-Last-Msg-Id"] == "m0" && h["Nats-TTL"] == "90s")
        #expect(PublishOptions.none.apply(to: nil) == nil)
    }

    @Test func requestsCarryActionAndPedantic() throws {
        let body = try json(String(decoding: JSONEncoder().encode(CreateConsumerRequest(streamName: "S", config: ConsumerConfig(durableName: "d"), action: .create, pedantic: true)), as: UTF8.self))
        #expect(body["action"] == .string("create") && body["pedantic"] == .bool(true) && body["config"]?["durable_name"] == .string("d"))
        let plain = try json(String(decoding: JSONEncoder().encode(CreateConsumerRequest(streamName: "S", config: ConsumerConfig(), action: .createOrUpdate, pedantic: false)), as: UTF8.self))
        #expect(plain["action"] == nil && plain["pedantic"] == nil)
        let stream = try json(String(decoding: JSONEncoder().encode(PedanticRequest(body: StreamConfig(name: "S"), pedantic: true)), as: UTF8.self))
        #expect(stream == .object(["name": .string("S"), "pedantic": .bool(true)]))
    }
}
