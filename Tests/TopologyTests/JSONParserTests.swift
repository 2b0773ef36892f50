import JetStreamSchema
import Foundation
import Testing
import TestSupport
@testable import Topology

/// The byte-level JSON reader the observer uses for JetStream replies: it must read what
/// `JSONDecoder` reads, keep member order, and refuse what RFC 8259 refuses.
@Suite struct JSONParserTests {
    func parse(_ text: String) throws(JSONParseError) -> JSONValue { try JSONValue(parsing: text) }

    func decoded(_ text: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }

    @Test func aStreamInfoReplyReadsAsJSONDecoderReadsIt() throws {
        let reply = """
        {"type":"io.nats.jetstream.api.v1.stream_info_response","total":1,"offset":0,"limit":256,
         "config":{"name":"REQUESTS","subjects":["users.requests"],"retention":"workqueue","max_consumers":-1,
          "max_msgs":-1,"max_bytes":-1,"max_age":5000000000,"max_msg_size":-1,"storage":"memory","discard":"new",
          "num_replicas":3,"duplicate_window":5000000000,"sealed":false,"deny_delete":true,"deny_purge":false,
          "metadata":{"_nats.level":"1","_nats.req.level":"0","_nats.ver":"2.15.1","jetform.managed-by":"demo"}},
         "created":"2026-11-28T00:31:02.123456789Z",
         "state":{"messages":0,"bytes":0,"first_seq":0,"first_ts":"0001-01-01T00:00:00Z","last_seq":0,
          "last_ts":"0001-01-01T00:00:00Z","consumer_count":1},
         "cluster":{"name":"jetform","leader":"inst-2","replicas":[{"name":"inst-1","current":true,"active":123456}]},
         "ts":"2026-11-28T00:31:09.5Z"}
        """
        let value = try parse(reply)
        #expect(value == (try decoded(reply)))
        #expect(value["config"]?["max_age"] == .int(5_000_000_000))
        #expect(value["config"]?.objectValue?.keys.prefix(3) == ["name", "subjects", "retention"], "server order is kept")
    }

    @Test func scalars() throws {
        #expect(try parse("true") == .bool(true))
        #expect(try parse(" false ") == .bool(false))
        #expect(try parse("null") == .null)
        #expect(try parse("0") == .int(0))
        #expect(try parse("-0") == .int(0))
        #expect(try parse("-12") == .int(-12))
        #expect(try parse("9223372036854775807") == .int(.max))
        #expect(try parse("-9223372036854775808") == .int(.min))
        #expect(try parse("9223372036854775808") == .uint(9_223_372_036_854_775_808))
        #expect(try parse("18446744073709551616") == .double(18_446_744_073_709_551_616))
        #expect(try parse("1.5") == .double(1.5))
        #expect(try parse("-2.5e3") == .double(-2500))
        #expect(try parse("1E-2") == .double(0.01))
        #expect(try parse("1e2") == .double(100))
    }

    @Test func stringsAndEscapes() throws {
        #expect(try parse(#""plain""#) == .string("plain"))
        #expect(try parse(#""""#) == .string(""))
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        #expect(try parse(#""\u00e9t\u00C9""#) == .string("étÉ"))
        #expect(try parse(#""\ud83d\ude00!""#) == .string("😀!"))
        #expect(try parse("\"raw 😀 é\"") == .string("raw 😀 é"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
    }

    @Test func containersKeepOrderAndRepeatedKeysKeepTheLastValue() throws {
        let object = try #require(try parse(#"{"z":1,"a":[1,[2,{}],[]],"m":{"k":"v"}}"#).objectValue)
        #expect(object.keys == ["z", "a", "m"])
        #expect(object["a"] == .array([.int(1), .array([.int(2), .object([:])]), .array([])]))
        let repeated = try #require(try parse(#"{"a":1,"b":2,"a":3}"#).objectValue)
        #expect(repeated.keys == ["a", "b"])
        #expect(repeated["a"] == .int(3))
    }

    @Test(arguments: [
        ("", "unexpected end of input"),
        ("{", "expected a member name"),
        ("[1,]", "expected a value"),
        (#"{"a":1,}"#, "expected a member name"),
        (#"{"a" 1}"#, "expected ':'"),
        ("[1 2]", "expected ',' or ']'"),
        ("01", "must not start with 0"),
        ("1.", "expected a digit after '.'"),
        ("1e", "expected a digit in the exponent"),
        ("-", "expected a digit"),
        ("1e400", "number out of range"),
        (#""abc"#, "unterminated string"),
        ("\"a\nb\"", "control character"),
        (#""\x""#, "unknown escape"),
        (#""\u12""#, "four hex digits"),
        (#""\ud83d""#, "lone high surrogate"),
        (#""\ude00""#, "lone low surrogate"),
        ("tru", "expected 'true'"),
        ("nul", "expected 'null'"),
        ("{} {}", "unexpected data after"),
        ("'a'", "expected a value"),
    ])
    func malformedInputIsRefusedWithItsOffset(text: String, reason: String) {
        #expect(throws: JSONParseError.self) { try parse(text) }
        do throws(JSONParseError) {
            _ = try parse(text)
        } catch {
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.offset <= text.utf8.count)
        }
    }

    @Test func nestingIsBounded() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try parse(deep) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(try parse(fine).arrayValue?.count == 1)
    }


    static func randomValue(_ rng: inout SplitMix64, depth: Int = 0) -> JSONValue {
        let alphabet = Array("aZ09 _-.\"\\/\n\t\u{1}é😀")
        func text() -> String { String((0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }) }
        switch Int.random(in: 0...(depth > 3 ? 4 : 6), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int(Int64.random(in: .min ... .max, using: &rng) >> UInt64.random(in: 0...63, using: &rng))
        case 3: return .double(Double(Int.random(in: -1_000_000...1_000_000, using: &rng)) / 64 + 1.0 / 128)
        case 4: return .string(text())
        case 5: return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(&rng, depth: depth + 1) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0...5, using: &rng) { object[text()] = randomValue(&rng, depth: depth + 1) }
            return .object(object)
        }
    }

    @Test func randomValuesReadBackAsWrittenAndAsJSONDecoderReadsThem() throws {
        var rng = SplitMix64(seed: 0x4A53_4F4E)
        for _ in 0..<2000 {
            let value = Self.randomValue(&rng)
            let text = value.jsonString(pretty: Bool.random(using: &rng))
            let parsed = try parse(text)
            #expect(parsed == value, "\(text)")
            #expect(parsed == (try decoded(text)), "\(text)")
            if case .object(let written) = value, case .object(let read) = parsed {
                #expect(read.keys == written.keys)
            }
        }
    }

    @Test func truncatedTextIsRefusedNotCrashedOn() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let text = Array(Self.randomValue(&rng).jsonString(pretty: false).utf8)
            for cut in 0..<text.count {
                _ = try? JSONValue(parsing: Array(text[0..<cut]))
            }
        }
    }
}
