import NIOCore
import Testing

@testable import NATS

@Suite("NATSHeaders wire format")
struct HeadersTests {
    private func parse(_ text: String) throws(NATSProtocolError) -> NATSHeaders {
        try NATSHeaders(parsing: ByteBuffer(string: text))
    }

    private func serialise(_ headers: NATSHeaders) -> String {
        var buffer = ByteBuffer()
        let count = headers.write(into: &buffer)
        #expect(count == buffer.readableBytes)
        #expect(count == headers.encodedLength)
        return String(buffer: buffer)
    }

    @Test func plainVersionLine() throws {
        let headers = try parse("NATS/1.0\r\n\r\n")
        #expect(headers.status == nil)
        #expect(headers.fields.isEmpty)
        #expect(headers.isEmpty)
    }

    @Test func statusLines() throws {
        #expect(try parse("NATS/1.0 503\r\n\r\n").status == NATSStatus(code: 503))
        #expect(try parse("NATS/1.0 408 Request Timeout\r\n\r\n").status == NATSStatus(code: 408, description: "Request Timeout"))
        #expect(try parse("NATS/1.0 100 Idle Heartbeat\r\n\r\n").status == NATSStatus(code: 100, description: "Idle Heartbeat"))
        #expect(
            try parse("NATS/1.0 409 Consumer Deleted\r\n\r\n").status == NATSStatus(code: 409, description: "Consumer Deleted")
        )
        #expect(try parse("NATS/1.0   404   No Messages  \r\n\r\n").status == NATSStatus(code: 404, description: "No Messages"))
        #expect(try parse("NATS/1.0 \r\n\r\n").status == nil)
    }

    @Test func fieldsKeepCaseOrderAndRepeats() throws {
        let headers = try parse("NATS/1.0\r\nNats-Msg-Id: abc\r\nx-custom: 1\r\nX-Custom: 2\r\nEmpty:\r\n\r\n")
        #expect(headers.fields.map(\.name) == ["Nats-Msg-Id", "x-custom", "X-Custom", "Empty"])
        #expect(headers.fields.map(\.value) == ["abc", "1", "2", ""])
        #expect(headers["nats-msg-id"] == "abc")
        #expect(headers.values(for: "X-CUSTOM") == ["1", "2"])
    }

    @Test func valuesAreTrimmedButKeepInnerSpaceAndColons() throws {
        let headers = try parse("NATS/1.0\r\nA:   spaced  out \t\r\nB:x\r\nURL: http://h:1/p\r\n\r\n")
        #expect(headers["A"] == "spaced  out")
        #expect(headers["B"] == "x")
        #expect(headers["URL"] == "http://h:1/p")
    }

    @Test func statusWithFields() throws {
        let headers = try parse("NATS/1.0 100 FlowControl Request\r\nNats-Consumer-Stalled: $JS.ACK.x\r\n\r\n")
        #expect(headers.status == NATSStatus(code: 100, description: "FlowControl Request"))
        #expect(headers["Nats-Consumer-Stalled"] == "$JS.ACK.x")
    }

    @Test func bareLineFeedsAreTolerated() throws {
        #expect(try parse("NATS/1.0 503\n\n").status == NATSStatus(code: 503))
    }

    @Test func parsesASliceOfALargerBuffer() throws {
        var buffer = ByteBuffer(string: "xxNATS/1.0\r\nA: 1\r\n\r\nyy")
        buffer.moveReaderIndex(forwardBy: 2)
        let block = buffer.getSlice(at: buffer.readerIndex, length: buffer.readableBytes - 2)!
        #expect(try NATSHeaders(parsing: block)["A"] == "1")
    }

    @Test func malformedBlocks() {
        let bad = [
            "",
            "NATS/1.0",
            "NATS/1.0\r\n",
            "NATS/1.0\r\nA: 1\r\n",
            "NATS/1.1\r\n\r\n",
            "HTTP/1.0\r\n\r\n",
            "nats/1.0\r\n\r\n",
            "NATS/1.0503\r\n\r\n",
            "NATS/1.0 50\r\n\r\n",
            "NATS/1.0 5034\r\n\r\n",
            "NATS/1.0 abc\r\n\r\n",
            "NATS/1.0\r\nNoColon\r\n\r\n",
            "NATS/1.0\r\n: empty name\r\n\r\n",
            "NATS/1.0\r\nBad Name: v\r\n\r\n",
            "NATS/1.0\r\n Folded: v\r\n\r\n",
            "NATS/1.0\r\n\tTab: v\r\n\r\n",
            "NATS/1.0\r\n\r\nextra",
            "NATS/1.0\r\n\r\n\r\n",
        ]
        for text in bad {
            let error = #expect(throws: NATSProtocolError.self, "\(text.debugDescription)") { try parse(text) }
            #expect(error?.kind == .malformedHeaders, "\(text.debugDescription)")
        }
    }

    @Test func serialiseWithoutStatus() {
        var headers = NATSHeaders()
        headers.append("1", for: "Nats-Msg-Id")
        #expect(serialise(headers) == "NATS/1.0\r\nNats-Msg-Id: 1\r\n\r\n")
        #expect(serialise(NATSHeaders()) == "NATS/1.0\r\n\r\n")
    }

    @Test func serialiseWithStatus() {
        #expect(serialise(NATSHeaders(status: NATSStatus(code: 503))) == "NATS/1.0 503\r\n\r\n")
        #expect(
            serialise(NATSHeaders(status: NATSStatus(code: 100, description: "Idle Heartbeat")))
                == "NATS/1.0 100 Idle Heartbeat\r\n\r\n"
        )
        #expect(serialise(NATSHeaders(status: NATSStatus(code: 408, description: ""))) == "NATS/1.0 408\r\n\r\n")
    }

    @Test func roundTripKeepsCaseAndRepeats() throws {
        var headers = NATSHeaders(status: NATSStatus(code: 409, description: "Leadership Change"))
        headers.append("v1", for: "X-Repeat")
        headers.append("v2", for: "x-repeat")
        headers.append("v3", for: "X-REPEAT")
        headers.append("", for: "Empty")
        headers.append("ünïcödé ✓", for: "Utf8")
        headers.append("a: b: c", for: "Colons")
        let text = serialise(headers)
        let parsed = try parse(text)
        #expect(parsed == headers)
        #expect(parsed.fields.map(\.name) == ["X-Repeat", "x-repeat", "X-REPEAT", "Empty", "Utf8", "Colons"])
        #expect(text.utf8.count == headers.encodedLength)
    }

    @Test func validate() {
        #expect(NATSHeaders.validate(name: "Nats-Msg-Id", value: "abc"))
        #expect(NATSHeaders.validate(name: "X", value: ""))
        #expect(NATSHeaders.validate(name: "X", value: "  spaces and\ttabs  "))
        #expect(!NATSHeaders.validate(name: "X", value: "a\rb"))
        #expect(!NATSHeaders.validate(name: "X", value: "a\nb"))
        #expect(!NATSHeaders.validate(name: "", value: "v"))
        #expect(!NATSHeaders.validate(name: "A B", value: "v"))
        #expect(!NATSHeaders.validate(name: "A:B", value: "v"))
        #expect(!NATSHeaders.validate(name: "A\tB", value: "v"))
        #expect(!NATSHeaders.validate(name: "Ä", value: "v"))
    }

    @Test func firstInvalidField() {
        #expect(NATSHeaders([("A", "1"), ("B", "2")]).firstInvalidField == nil)
        #expect(NATSHeaders([("A", "1"), ("B", "2\r\n")]).firstInvalidField?.name == "B")
    }
}
