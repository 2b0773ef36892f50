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
        self.writePublishLine(subject: subject, replyTo: replyTo, headers: headers, payloadLength: payload.readableBytes)
        var payload = payload
        self.writeBuffer(&payload)
        self.writeStaticString("\r\n")
    }

    /// Like the `ByteBuffer` variant, for a payload held as bytes
    /// (`[UInt8]`, `Data`, `String.UTF8View`, …).
    public mutating func writePublish(
        subject: String, replyTo: String?, headers: NATSHeaders?, payload: some Collection<UInt8>
    ) throws(NATSEncodingError) {
        try Self.validatePublish(subject: subject, replyTo: replyTo, headers: headers)
        self.writePublishLine(subject: subject, replyTo: replyTo, headers: headers, payloadLength: payload.count)
        self.writeBytes(payload)
        self.writeStaticString("\r\n")
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
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return self.writeWithUnsafeMutableBytes(minimumWritableBytes: digits) { out in
            var rest = value
            var index = digits
            repeat {
                index -= 1
                out[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while index > 0
            return digits
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

    /// The control line and, for HPUB, the header block; the caller writes the payload and CRLF.
    private mutating func writePublishLine(subject: String, replyTo: String?, headers: NATSHeaders?, payloadLength: Int) {
        if let headers {
            let headerLength = headers.encodedLength
            self.writeStaticString("HPUB ")
            self.writeString(subject)
            self.writeInteger(UInt8(ascii: " "))
            if let replyTo {
                self.writeString(replyTo)
                self.writeInteger(UInt8(ascii: " "))
            }
            self.writeDecimal(UInt64(headerLength))
            self.writeInteger(UInt8(ascii: " "))
            self.writeDecimal(UInt64(headerLength + payloadLength))
            self.writeStaticString("\r\n")
            let written = headers.write(into: &self)
            assert(written == headerLength, "NATSHeaders.encodedLength disagrees with write(into:)")
        } else {
            self.writeStaticString("PUB ")
            self.writeString(subject)
            self.writeInteger(UInt8(ascii: " "))
            if let replyTo {
                self.writeString(replyTo)
                self.writeInteger(UInt8(ascii: " "))
            }
            self.writeDecimal(UInt64(payloadLength))
            self.writeStaticString("\r\n")
        }
    }
}
