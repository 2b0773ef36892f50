#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes the operations a NATS server sends (`INFO`, `MSG`, `HMSG`, `PING`, `PONG`, `+OK`, `-ERR`).
///
/// Each call to ``decode(buffer:)`` parses at most one operation. When the buffer holds only part of an
/// operation it returns nil without consuming anything, so the next call starts again from the same
/// byte once more data has arrived; any split of the input therefore decodes the same way.
///
/// Control lines end in CRLF (a bare LF is accepted, as nats.go does); op names are case-insensitive
/// and fields are split on runs of spaces and tabs. Payloads are returned as slices of the input
/// buffer, without copying.
public struct ServerOpDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = ServerOp

    /// The longest control line accepted, not counting its CRLF (nats-server's `MAX_CONTROL_LINE_SIZE`).
    public static let maxControlLineLength = 4096
    /// The longest `INFO` or `-ERR` line accepted. `INFO` grows with the cluster (`connect_urls`) and
    /// routinely exceeds 4096 bytes, so it gets its own, larger, bound.
    public static let maxInfoLineLength = 1 << 20

    /// The largest `MSG` payload (or `HMSG` total) accepted. The handler sets it from INFO `max_payload`.
    public var maxPayload: Int
    /// The subject of the last message, whose String the next one reuses when the bytes match.
    private var lastSubject = ""

    public init(maxPayload: Int = 1_048_576) {
        self.maxPayload = maxPayload
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> ServerOp? {
        guard buffer.readableBytes > 0 else { return nil }
        let maxPayload = self.maxPayload
        let lastSubject = self.lastSubject
        let step = try buffer.withUnsafeReadableBytes { bytes throws(NATSProtocolError) in
            try Self.parse(bytes, maxPayload: maxPayload, lastSubject: lastSubject)
        }
        switch step {
        case .needMoreData:
            return nil
        case .op(let op, let consumed):
            buffer.moveReaderIndex(forwardBy: consumed)
            return op
        case .message(let header):
            self.lastSubject = header.subject
            return try Self.readMessage(header, from: &buffer)
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ServerOp? {
        // A truncated operation at EOF stays in the buffer; the processor reports it as left over.
        try self.decode(buffer: &buffer)
    }
}

// MARK: - Parsing

extension ServerOpDecoder {
    /// What one look at the readable bytes found.
    enum Step {
        case needMoreData
        /// A complete operation that spans `consumed` bytes.
        case op(ServerOp, consumed: Int)
        /// A complete `MSG`/`HMSG` whose control line, headers and payload are all in the buffer.
        case message(MessageHeader)
    }

    struct MessageHeader {
        var subject: String
        var sid: UInt64
        var replyTo: String?
        /// Bytes of the control line including its terminator.
        var lineLength: Int
        /// Bytes of the header block, or nil for `MSG`.
        var headerLength: Int?
        /// Header block plus payload.
        var totalLength: Int
    }

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    private enum Operation {
        case msg, hmsg, ping, pong, info, ok, err
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, maxPayload: Int, lastSubject: String = "") throws(NATSProtocolError) -> Step {
        let count = bytes.count
        guard let newline = Self.firstNewline(in: bytes) else {
            // No terminator yet. Past the limit it can never become a valid line.
            let limit = Self.lineLimit(startingWith: bytes)
            if count > limit + 1 {  // + 1: the line may end with CR whose LF has not arrived
                throw NATSProtocolError(
                    .controlLineTooLong,
                    "no CRLF within \(limit) bytes: \(Self.printable(bytes, upTo: 40))"
                )
            }
            return .needMoreData
        }
        var lineEnd = newline
        if lineEnd > 0 && bytes[lineEnd - 1] == Self.cr { lineEnd -= 1 }
        let lineLength = newline + 1
        let limit = Self.lineLimit(startingWith: bytes)
        if lineEnd > limit {
            throw NATSProtocolError(
                .controlLineTooLong,
                "control line of \(lineEnd) bytes exceeds \(limit): \(Self.printable(bytes, upTo: 40))"
            )
        }

        var cursor = 0
        while cursor < lineEnd && !Self.isSeparator(bytes[cursor]) { cursor += 1 }
        guard let operation = Self.operation(bytes, 0..<cursor) else {
            throw NATSProtocolError(.unknownOperation, "unknown operation: \(Self.printable(bytes, upTo: min(lineEnd, 40)))")
        }

        switch operation {
        case .ping, .pong, .ok:
            guard Self.nextField(bytes, &cursor, lineEnd) == nil else {
                throw NATSProtocolError(
                    .malformedOperation,
                    "unexpected arguments: \(Self.printable(bytes, upTo: min(lineEnd, 40)))"
                )
            }
            let op: ServerOp = operation == .ping ? .ping : operation == .pong ? .pong : .ok
            return .op(op, consumed: lineLength)

        case .err:
            var start = cursor
            var end = lineEnd
            while start < end && Self.isSeparator(bytes[start]) { start += 1 }
            while end > start && Self.isSeparator(bytes[end - 1]) { end -= 1 }
            // The server quotes the text: -ERR 'Authorization Violation'.
            if start < end && bytes[start] == UInt8(ascii: "'") { start += 1 }
            if end > start && bytes[end - 1] == UInt8(ascii: "'") { end -= 1 }
            return .op(.error(Self.string(bytes, start..<end)), consumed: lineLength)

        case .info:
            var start = cursor
            var end = lineEnd
            while start < end && Self.isSeparator(bytes[start]) { start += 1 }
            while end > start && Self.isSeparator(bytes[end - 1]) { end -= 1 }
            let json = Data(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            do {
                let info = try JSONDecoder().decode(ServerInfo.self, from: json)
                return .op(.info(info), consumed: lineLength)
            } catch {
                throw NATSProtocolError(
                    .malformedOperation,
                    "INFO is not valid JSON (\(error)): \(Self.printable(bytes, upTo: min(lineEnd, 80)))"
                )
            }

        case .msg, .hmsg:
            return try Self.parseMessageLine(
                bytes, operation: operation, cursor: cursor, lineEnd: lineEnd, lineLength: lineLength,
                maxPayload: maxPayload, lastSubject: lastSubject
            )
        }
    }

    private static func parseMessageLine(
        _ bytes: UnsafeRawBufferPointer, operation: Operation, cursor: Int, lineEnd: Int, lineLength: Int,
        maxPayload: Int, lastSubject: String
    ) throws(NATSProtocolError) -> Step {
        var cursor = cursor
        // MSG subject sid [reply] size / HMSG subject sid [reply] hdrlen total: at most five fields.
        let f0 = Self.nextField(bytes, &cursor, lineEnd)
        let f1 = Self.nextField(bytes, &cursor, lineEnd)
        let f2 = Self.nextField(bytes, &cursor, lineEnd)
        let f3 = Self.nextField(bytes, &cursor, lineEnd)
        let f4 = Self.nextField(bytes, &cursor, lineEnd)
        let extra = Self.nextField(bytes, &cursor, lineEnd)
        // Fields come in order, so the last present one gives the count (no array on the hot path).
        let fieldCount = f4 != nil ? 5 : f3 != nil ? 4 : f2 != nil ? 3 : f1 != nil ? 2 : f0 != nil ? 1 : 0

        func malformed(_ why: String) -> NATSProtocolError {
            NATSProtocolError(.malformedOperation, "\(why): \(Self.printable(bytes, upTo: min(lineEnd, 80)))")
        }

        guard extra == nil, let subjectRange = f0, let sidRange = f1 else {
            throw malformed("wrong number of arguments")
        }
        guard let sid = Self.parseUInt64(bytes, sidRange) else { throw malformed("bad sid") }

        let replyRange: Range<Int>?
        let headerLength: Int?
        let totalLength: Int
        if operation == .msg {
            switch fieldCount {
            case 3:
                replyRange = nil
                guard let size = Self.parseInt(bytes, f2!) else { throw malformed("bad size") }
                totalLength = size
            case 4:
                replyRange = f2
                guard let size = Self.parseInt(bytes, f3!) else { throw malformed("bad size") }
                totalLength = size
            default:
                throw malformed("wrong number of arguments")
            }
            headerLength = nil
        } else {
            let hdrRange: Range<Int>
            let totalRange: Range<Int>
            switch fieldCount {
            case 4:
                replyRange = nil
                hdrRange = f2!
                totalRange = f3!
            case 5:
                replyRange = f2
                hdrRange = f3!
                totalRange = f4!
            default:
                throw malformed("wrong number of arguments")
            }
            guard let hdr = Self.parseInt(bytes, hdrRange) else { throw malformed("bad header length") }
            guard let total = Self.parseInt(bytes, totalRange) else { throw malformed("bad total length") }
            guard hdr <= total else { throw malformed("header length exceeds total length") }
            headerLength = hdr
            totalLength = total
        }

        guard totalLength <= maxPayload else {
            throw NATSProtocolError(
                .payloadTooLarge,
                "payload of \(totalLength) bytes exceeds max_payload \(maxPayload): \(Self.printable(bytes, upTo: min(lineEnd, 80)))"
            )
        }

        // Written to avoid overflow: total <= maxPayload, but maxPayload may be anything.
        let afterLine = bytes.count - lineLength
        guard afterLine >= 2, totalLength <= afterLine - 2 else { return .needMoreData }
        let payloadEnd = lineLength + totalLength
        guard bytes[payloadEnd] == Self.cr, bytes[payloadEnd + 1] == Self.lf else {
            throw NATSProtocolError(
                .missingTerminator,
                "payload of \(totalLength) bytes not followed by CRLF: \(Self.printable(bytes, upTo: min(lineEnd, 80)))"
            )
        }

        return .message(
            MessageHeader(
                subject: Self.string(bytes, subjectRange, reusing: lastSubject),
                sid: sid,
                replyTo: replyRange.map { Self.string(bytes, $0) },
                lineLength: lineLength,
                headerLength: headerLength,
                totalLength: totalLength
            )
        )
    }

    /// Consumes a message whose bytes `parse` found complete.
    private static func readMessage(_ header: MessageHeader, from buffer: inout ByteBuffer) throws -> ServerOp {
        let headerLength = header.headerLength ?? 0
        var headers: NATSHeaders?
        var headerError: String?
        if header.headerLength != nil {
            // Parse before consuming anything, so a bad block leaves the buffer as it was.
            guard let block = buffer.getSlice(at: buffer.readerIndex + header.lineLength, length: headerLength) else {
                throw NATSProtocolError(.malformedHeaders, "header block shorter than announced")
            }
            do {
                headers = try NATSHeaders(parsing: block)
            } catch {
                headerError = error.detail
            }
        }
        buffer.moveReaderIndex(forwardBy: header.lineLength + headerLength)
        guard let payload = buffer.readSlice(length: header.totalLength - headerLength) else {
            throw NATSProtocolError(.missingTerminator, "payload shorter than announced")
        }
        buffer.moveReaderIndex(forwardBy: 2)
        return .message(
            InboundMessage(
                subject: header.subject,
                sid: header.sid,
                replyTo: header.replyTo,
                headers: headers,
                payload: payload,
                headerError: headerError
            )
        )
    }

    // MARK: Byte helpers

    @inline(__always)
    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == Self.space || byte == Self.tab
    }

    private static func firstNewline(in bytes: UnsafeRawBufferPointer) -> Int? {
        bytes.firstIndex(of: Self.lf)
    }

    /// The line limit for the operation the bytes start with (INFO and -ERR get the larger one).
    private static func lineLimit(startingWith bytes: UnsafeRawBufferPointer) -> Int {
        if bytes.count >= 4 {
            let b0 = bytes[0] | 0x20
            if (b0 == UInt8(ascii: "i") && Self.matches(bytes, 0..<4, "info"))
                || (bytes[0] == UInt8(ascii: "-") && Self.matches(bytes, 1..<4, "err"))
            {
                return Self.maxInfoLineLength
            }
        }
        return Self.maxControlLineLength
    }

    /// Compares bytes to a lower-case ASCII word, ignoring the case of letters.
    @inline(__always)
    private static func matches(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        var i = 0
        for index in range {
            let b = bytes[index]
            let expected = w[i]
            // Only letters are folded; `| 0x20` on anything else could forge a match.
            let folded = (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) ? b | 0x20 : b
            if folded != expected { return false }
            i += 1
        }
        return true
    }

    private static func operation(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Operation? {
        switch range.count {
        case 3:
            if Self.matches(bytes, range, "msg") { return .msg }
            if Self.matches(bytes, range, "+ok") { return .ok }
        case 4:
            switch bytes[range.lowerBound] | 0x20 {
            case UInt8(ascii: "h"): if Self.matches(bytes, range, "hmsg") { return .hmsg }
            case UInt8(ascii: "p"):
                if Self.matches(bytes, range, "ping") { return .ping }
                if Self.matches(bytes, range, "pong") { return .pong }
            case UInt8(ascii: "i"): if Self.matches(bytes, range, "info") { return .info }
            default: if Self.matches(bytes, range, "-err") { return .err }
            }
        default:
            break
        }
        return nil
    }

    /// The next run of non-separator bytes at or after `cursor`, before `end`.
    @inline(__always)
    private static func nextField(_ bytes: UnsafeRawBufferPointer, _ cursor: inout Int, _ end: Int) -> Range<Int>? {
        while cursor < end && Self.isSeparator(bytes[cursor]) { cursor += 1 }
        guard cursor < end else { return nil }
        let start = cursor
        while cursor < end && !Self.isSeparator(bytes[cursor]) { cursor += 1 }
        return start..<cursor
    }

    /// A non-negative decimal `Int`, or nil for an empty field, a non-digit or overflow.
    @inline(__always)
    private static func parseInt(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard let value = Self.parseUInt64(bytes, range), value <= UInt64(Int.max) else { return nil }
        return Int(value)
    }

    @inline(__always)
    private static func parseUInt64(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty, range.count <= 20 else { return nil }
        var value: UInt64 = 0
        for index in range {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }

    @inline(__always)
    private static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// The subject as a String, sharing `cached` when the bytes are the same: a subscription mostly sees
    /// one subject over and over, and this saves an allocation and a UTF-8 check per message.
    private static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, reusing cached: String) -> String {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        var candidate = cached
        let same = candidate.withUTF8 { utf8 in
            utf8.count == slice.count && (utf8.isEmpty || memcmp(utf8.baseAddress!, slice.baseAddress!, slice.count) == 0)
        }
        return same ? candidate : String(decoding: slice, as: UTF8.self)
    }

    /// The first `limit` bytes, with anything unprintable escaped, for error messages.
    static func printable(_ bytes: UnsafeRawBufferPointer, upTo limit: Int) -> String {
        var out = ""
        for byte in bytes.prefix(limit) {
            switch byte {
            case UInt8(ascii: "\r"): out += "\\r"
            case UInt8(ascii: "\n"): out += "\\n"
            case UInt8(ascii: "\t"): out += "\\t"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += byte < 0x10 ? "\\x0\(hex)" : "\\x\(hex)"
            }
        }
        if bytes.count > limit { out += "…" }
        return "'\(out)'"
    }
}
