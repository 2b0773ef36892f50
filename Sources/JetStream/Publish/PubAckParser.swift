import NIOCore

/// Reads a publish acknowledgement.
///
/// The usual ack, `{"stream":"S","seq":N}` optionally followed by `"duplicate":true` or `"domain":"D"`,
/// is parsed by hand: at 100k acks per second JSONDecoder would cost more than everything else on the
/// path. Anything else (errors, fields from newer servers) goes through the full decoder.
enum PubAckParser {
    static func parse(_ payload: ByteBuffer, operation: String) throws(JetStreamError) -> PubAck {
        if let fast = fastPath(payload) { return fast }
        return try JetStreamContext.decodeAPIResponse(PubAck.self, from: payload, operation: operation)
    }

    static func fastPath(_ payload: ByteBuffer) -> PubAck? {
        payload.withUnsafeReadableBytes { raw -> PubAck? in
            var i = 0
            let n = raw.count
            func expect(_ literal: StaticString) -> Bool {
                let count = literal.utf8CodeUnitCount
                guard i + count <= n else { return false }
                let p = literal.utf8Start
                for k in 0..<count where raw[i + k] != p[k] { return false }
                i += count
                return true
            }
            guard expect("{\"stream\":\"") else { return nil }
            let nameStart = i
            while i < n, raw[i] != UInt8(ascii: "\"") {
                if raw[i] == UInt8(ascii: "\\") { return nil }
                i += 1
            }
            guard i < n else { return nil }
            let stream = String(decoding: UnsafeRawBufferPointer(rebasing: raw[nameStart..<i]), as: UTF8.self)
            i += 1
            guard expect(",\"seq\":") else { return nil }
            var seq: UInt64 = 0
            var digits = 0
            while i < n, raw[i] >= 48, raw[i] <= 57 {
                seq = seq &* 10 &+ UInt64(raw[i] - 48)
                i += 1
                digits += 1
            }
            guard digits > 0, digits < 20 else { return nil }
            var ack = PubAck(stream: stream, seq: seq)
            if expect("}") { return i == n ? ack : nil }
            if expect(",\"duplicate\":true}") {
                ack.duplicate = true
                return i == n ? ack : nil
            }
            return nil
        }
    }
}
