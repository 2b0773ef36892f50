#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
public import NIOCore

/// Writing the operations a client sends. These run for every publish, so they write straight into
/// the buffer: no Foundation, no string interpolation, integers written digit by digit.
///
/// Methods that take subjects or headers from callers validate them first and throw
/// ``NATSEncodingError`` without writing anything, so a bad publish can never corrupt the stream.
extension ByteBuffer {
    /// `CONNECT {json}\r\n`. Nil fields of `info` are omitted.
    public mutating func writeConnect(_ info: ConnectInfo) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json: Data
        do {
            json = try encoder.encode(info)
        } catch {
            // ConnectInfo holds only strings, integers and booleans, which always encode.
            preconditionFailure("ConnectInfo failed to encode: \(error)")
        }
        self.writeStaticString("CONNECT ")
        self.writeBytes(json)
        self.writeStaticString("\r\n")
    }

    /// `PUB subject [reply] n\r\n<payload>\r\n`, or `HPUB subject [reply] hdrlen total\r\n<headers><payload>\r\n`
    /// when `headers` is not nil.
    public mutating func writePublish(
        subject: String, replyTo: String?, headers: NATSHeaders?, payload: ByteBuffer
    ) throws(NATSEncodingError) {
        try Self.validatePublish(subject: subject, replyTo: replyTo, headers: headers)
        payload.withUnsafeReadableBytes { body in
            self.writePublishFrame(subject: subject, replyTo: replyTo, headers: headers, payloadLength: body.count, payload: body)
        }
    }

    /// Like the `ByteBuffer` variant, for a payload held as bytes
    /// (`[UInt8]`, `Data`, `String.UTF8View`, …).
    public mutating func writePublish(
        subject: String, replyTo: String?, headers: NATSHeaders?, payload: some Collection<UInt8>
    ) throws(NATSEncodingError) {
        try Self.validatePublish(subject: subject, replyTo: replyTo, headers: headers)
        let written: Void? = payload.withContiguousStorageIfAvailable { body in
            self.writePublishFrame(
                subject: subject, replyTo: replyTo, headers: headers, payloadLength: body.count,
                payload: UnsafeRawBufferPointer(body)
            )
        }
        if written == nil {
            self.writePublishFrame(subject: subject, replyTo: replyTo, headers: headers, payloadLength: payload.count, payload: nil)
            self.writeBytes(payload)
            self.writeStaticString("\r\n")
        }
    }

    /// `SUB subject [queue] sid\r\n`.
    public mutating func writeSubscribe(subject: String, queue: String?, sid: UInt64) throws(NATSEncodingError) {
        guard Subject.isValidSubscribe(subject) else {
            throw NATSEncodingError(.invalidSubscription, "invalid subscribe subject '\(subject)'")
        }
        if let queue, !Subject.isValidQueueGroup(queue) {
            throw NATSEncodingError(.invalidQueueGroup, "invalid queue group '\(queue)'")
        }
        self.writeStaticString("SUB ")
        self.writeString(subject)
        if let queue {
            self.writeInteger(UInt8(ascii: " "))
            self.writeString(queue)
        }
        self.writeInteger(UInt8(ascii: " "))
        self.writeDecimal(sid)
        self.writeStaticString("\r\n")
    }

    /// `UNSUB sid [max]\r\n`; with `max` the server removes the subscription after that many more messages.
    public mutating func writeUnsubscribe(sid: UInt64, max: UInt64? = nil) {
        self.writeStaticString("UNSUB ")
        self.writeDecimal(sid)
        if let max {
            self.writeInteger(UInt8(ascii: " "))
            self.writeDecimal(max)
        }
        self.writeStaticString("\r\n")
    }

    /// `PING\r\n`.
    public mutating func writePing() {
        self.writeStaticString("PING\r\n")
    }

    /// `PONG\r\n`.
    public mutating func writePong() {
        self.writeStaticString("PONG\r\n")
    }

    /// Writes `value` in decimal without creating a `String`; returns the number of bytes written.
    @discardableResult
    public mutating func writeDecimal(_ value: UInt64) -> Int {
        self.writeWithUnsafeMutableBytes(minimumWritableBytes: ByteWriter.decimalLength(value)) { out in
            var writer = ByteWriter(out)
            writer.appendDecimal(value)
            return writer.count
        }
    }

    // MARK: Helpers

    private static func validatePublish(
        subject: String, replyTo: String?, headers: NATSHeaders?
    ) throws(NATSEncodingError) {
        guard Subject.isValidPublish(subject) else {
            throw NATSEncodingError(.invalidSubject, "invalid publish subject '\(subject)'")
        }
        if let replyTo, !Subject.isValidPublish(replyTo) {
            throw NATSEncodingError(.invalidReplyTo, "invalid reply subject '\(replyTo)'")
        }
        if let headers, let bad = headers.firstInvalidField {
            // The value is left out: it may hold a token or other secret.
            throw NATSEncodingError(
                .invalidHeader,
                "header '\(bad.name)' has an invalid name or a value containing CR or LF"
            )
        }
    }

    /// The control line, for HPUB the header block, and, when `payload` is given, the payload and its
    /// CRLF, all in one reservation. Without `payload` the caller writes `payloadLength` bytes and CRLF.
    private mutating func writePublishFrame(
        subject: String, replyTo: String?, headers: NATSHeaders?, payloadLength: Int, payload: UnsafeRawBufferPointer?
    ) {
        let headerLength = headers?.encodedLength ?? 0
        let total = UInt64(headerLength + payloadLength)
        var size = 4 + subject.utf8.count + 1 + ByteWriter.decimalLength(total) + 2  // "PUB " … " n\r\n"
        if let replyTo { size += replyTo.utf8.count + 1 }
        if headers != nil { size += 1 + ByteWriter.decimalLength(UInt64(headerLength)) + 1 + headerLength }
        if payload != nil { size += payloadLength + 2 }

        self.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            var writer = ByteWriter(out)
            writer.append(headers == nil ? "PUB " : "HPUB ")
            writer.append(subject)
            writer.append(UInt8(ascii: " "))
            if let replyTo {
                writer.append(replyTo)
                writer.append(UInt8(ascii: " "))
            }
            if let headers {
                writer.appendDecimal(UInt64(headerLength))
                writer.append(UInt8(ascii: " "))
                writer.appendDecimal(total)
                writer.append("\r\n")
                headers.write(to: &writer)
            } else {
                writer.appendDecimal(total)
                writer.append("\r\n")
            }
            if let payload {
                writer.append(payload)
                writer.append("\r\n")
            }
            assert(writer.count == size, "publish frame size miscalculated")
            return writer.count
        }
    }
}
