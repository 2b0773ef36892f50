import NIOCore
import Testing

@testable import NATS

@Suite("ClientOpEncoder")
struct EncoderTests {
    private func written(_ body: (inout ByteBuffer) throws -> Void) rethrows -> String {
        var buffer = ByteBuffer()
        try body(&buffer)
        return String(buffer: buffer)
    }

    @Test func pingPong() {
        #expect(written { $0.writePing() } == "PING\r\n")
        #expect(written { $0.writePong() } == "PONG\r\n")
    }

    @Test func publish() throws {
        #expect(
            try written { try $0.writePublish(subject: "orders.new", replyTo: nil, headers: nil, payload: ByteBuffer(string: "hello")) }
                == "PUB orders.new 5\r\nhello\r\n"
        )
        #expect(
            try written { try $0.writePublish(subject: "a", replyTo: "_INBOX.x.1", headers: nil, payload: ByteBuffer()) }
                == "PUB a _INBOX.x.1 0\r\n\r\n"
        )
        #expect(
            try written { try $0.writePublish(subject: "a", replyTo: nil, headers: nil, payload: Array("hi".utf8)) }
                == "PUB a 2\r\nhi\r\n"
        )
        #expect(
            try written { try $0.writePublish(subject: "a", replyTo: "r", headers: nil, payload: "héllo".utf8) }
                == "PUB a r 6\r\nhéllo\r\n"
        )
    }

    @Test func publishWithANonContiguousPayload() throws {
        // A reversed view has no contiguous storage: the encoder takes its slower path.
        #expect(
            try written { try $0.writePublish(subject: "a", replyTo: "r", headers: nil, payload: "cba".utf8.reversed()) }
                == "PUB a r 3\r\nabc\r\n"
        )
        #expect(
            try written { try $0.writePublish(subject: "a", replyTo: nil, headers: NATSHeaders([("K", "v")]), payload: "cba".utf8.reversed()) }
                == "HPUB a 18 21\r\nNATS/1.0\r\nK: v\r\n\r\nabc\r\n"
        )
    }

    @Test func publishDoesNotConsumeTheCallersPayload() throws {
        let payload = ByteBuffer(string: "xyz")
        var out = ByteBuffer()
        try out.writePublish(subject: "a", replyTo: nil, headers: nil, payload: payload)
        #expect(payload.readableBytes == 3)
    }

    @Test func publishWithHeaders() throws {
        var headers = NATSHeaders()
        headers.append("1", for: "Nats-Msg-Id")
        headers.append("a", for: "X-Multi")
        headers.append("b", for: "X-Multi")
        let block = "NATS/1.0\r\nNats-Msg-Id: 1\r\nX-Multi: a\r\nX-Multi: b\r\n\r\n"
        let hdr = block.utf8.count
        #expect(hdr == 52)
        #expect(
            try written { try $0.writePublish(subject: "s", replyTo: nil, headers: headers, payload: ByteBuffer(string: "body")) }
                == "HPUB s 52 56\r\n\(block)body\r\n"
        )
        #expect(
            try written { try $0.writePublish(subject: "s", replyTo: "r.1", headers: headers, payload: [UInt8]()) }
                == "HPUB s r.1 52 52\r\n\(block)\r\n"
        )
    }

    @Test func publishWithEmptyHeaders() throws {
        #expect(
            try written { try $0.writePublish(subject: "s", replyTo: nil, headers: NATSHeaders(), payload: ByteBuffer(string: "x")) }
                == "HPUB s 12 13\r\nNATS/1.0\r\n\r\nx\r\n"
        )
    }

    @Test func publishRejectsBadInputWithoutWriting() {
        var buffer = ByteBuffer(string: "before")
        func expectRejected(
            _ kind: NATSEncodingError.Kind, subject: String = "s", replyTo: String? = nil, headers: NATSHeaders? = nil,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            let error = #expect(throws: NATSEncodingError.self, sourceLocation: sourceLocation) {
                try buffer.writePublish(subject: subject, replyTo: replyTo, headers: headers, payload: ByteBuffer(string: "p"))
            }
            #expect(error?.kind == kind, sourceLocation: sourceLocation)
            #expect(String(buffer: buffer) == "before", sourceLocation: sourceLocation)
        }
        expectRejected(.invalidSubject, subject: "")
        expectRejected(.invalidSubject, subject: "a b")
        expectRejected(.invalidSubject, subject: "a\r\nPUB x 1")
        expectRejected(.invalidSubject, subject: "a.*")
        expectRejected(.invalidSubject, subject: "a.>")
        expectRejected(.invalidSubject, subject: "a..b")
        expectRejected(.invalidReplyTo, replyTo: "r r")
        expectRejected(.invalidReplyTo, replyTo: "")
        expectRejected(.invalidHeader, headers: NATSHeaders([("X", "a\r\nInjected: 1")]))
        expectRejected(.invalidHeader, headers: NATSHeaders([("X", "a\nb")]))
        expectRejected(.invalidHeader, headers: NATSHeaders([("Bad Name", "v")]))
        expectRejected(.invalidHeader, headers: NATSHeaders([("Bad:Name", "v")]))
        expectRejected(.invalidHeader, headers: NATSHeaders([("", "v")]))
        expectRejected(.invalidHeader, headers: NATSHeaders(status: NATSStatus(code: 100, description: "a\r\nb")))
    }

    @Test func headerErrorsDoNotShowTheValue() {
        var buffer = ByteBuffer()
        let error = #expect(throws: NATSEncodingError.self) {
            try buffer.writePublish(
                subject: "s", replyTo: nil, headers: NATSHeaders([("Authorization", "secret\r\n")]), payload: ByteBuffer()
            )
        }
        #expect(error?.description.contains("Authorization") == true)
        #expect(error?.description.contains("secret") == false)
    }

    @Test func subscribe() throws {
        #expect(try written { try $0.writeSubscribe(subject: "orders.*", queue: nil, sid: 1) } == "SUB orders.* 1\r\n")
        #expect(try written { try $0.writeSubscribe(subject: "orders.>", queue: "workers", sid: 42) } == "SUB orders.> workers 42\r\n")
        #expect(
            try written { try $0.writeSubscribe(subject: "_INBOX.abc.*", queue: nil, sid: UInt64.max) }
                == "SUB _INBOX.abc.* 18446744073709551615\r\n"
        )
    }

    @Test func subscribeRejectsBadInput() {
        var buffer = ByteBuffer()
        #expect(throws: NATSEncodingError(.invalidSubscription, "invalid subscribe subject 'a.>.b'")) {
            try buffer.writeSubscribe(subject: "a.>.b", queue: nil, sid: 1)
        }
        #expect(throws: NATSEncodingError(.invalidQueueGroup, "invalid queue group 'q q'")) {
            try buffer.writeSubscribe(subject: "a", queue: "q q", sid: 1)
        }
        #expect(buffer.readableBytes == 0)
    }

    @Test func unsubscribe() {
        #expect(written { $0.writeUnsubscribe(sid: 7) } == "UNSUB 7\r\n")
        #expect(written { $0.writeUnsubscribe(sid: 7, max: 0) } == "UNSUB 7 0\r\n")
        #expect(written { $0.writeUnsubscribe(sid: 10, max: 100) } == "UNSUB 10 100\r\n")
    }

    @Test func decimal() {
        for value: UInt64 in [0, 1, 9, 10, 99, 100, 12345, 1_000_000, UInt64(Int.max), UInt64.max] {
            var buffer = ByteBuffer()
            let count = buffer.writeDecimal(value)
            #expect(String(buffer: buffer) == String(value))
            #expect(count == String(value).utf8.count)
        }
    }

    @Test func connect() throws {
        var info = ConnectInfo(version: "0.1.0")
        info.name = "jetform"
        info.user = "app"
        info.pass = "s/cret"
        let line = written { $0.writeConnect(info) }
        #expect(line.hasPrefix("CONNECT {"))
        #expect(line.hasSuffix("}\r\n"))
        #expect(
            line == "CONNECT "
                + #"{"echo":true,"headers":true,"lang":"swift","name":"jetform","no_responders":true,"pass":"s/cret","#
                + #""pedantic":false,"protocol":1,"tls_required":false,"user":"app","verbose":false,"version":"0.1.0"}"#
                + "\r\n"
        )
    }

    @Test func connectWithNKey() {
        var info = ConnectInfo(version: "1")
        info.nkey = "UAB2CB576PHBBPQ5ODORRZ2LYCMWPZGWGCN2KDK7DXOIMZASKUY3RLKK"
        info.sig = "BNKaY29Y9YUIMAgwlnRBVlWDPk4kUCAIFEqn8DAWjAEEmSSTAlTVtw2NysXRPqX0Kugi477Xz9ytVLVcH9lBAg"
        let line = written { $0.writeConnect(info) }
        #expect(line.contains(#""nkey":"UAB2CB576PHBBPQ5ODORRZ2LYCMWPZGWGCN2KDK7DXOIMZASKUY3RLKK""#))
        #expect(line.contains(#""sig":"BNKaY29Y9YUIMAgwlnRBVlWDPk4kUCAIFEqn8DAWjAEEmSSTAlTVtw2NysXRPqX0Kugi477Xz9ytVLVcH9lBAg""#))
        #expect(!line.contains("jwt"))
        #expect(!line.contains("auth_token"))
    }

    /// What the encoder writes, the server-side shape of which our decoder reads: a PUB/HPUB turned
    /// into the MSG/HMSG the server would deliver decodes back to the same headers and payload.
    @Test func publishRoundTripsThroughTheDecoder() throws {
        var headers = NATSHeaders()
        headers.append("abc", for: "Nats-Msg-Id")
        headers.append("One", for: "x-lower")
        headers.append("Two", for: "X-LOWER")
        var out = ByteBuffer()
        try out.writePublish(subject: "s", replyTo: "r", headers: headers, payload: ByteBuffer(string: "payload"))
        let text = String(buffer: out)
        #expect(text.hasPrefix("HPUB "))
        let delivered = "HMSG s 1" + text.dropFirst("HPUB s".utf8.count)
        #expect(decode(delivered).ops == [message("s", 1, reply: "r", headers: headers, "payload")])
    }
}
