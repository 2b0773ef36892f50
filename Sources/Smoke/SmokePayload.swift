public import NIOCore

/// The body of every smoke message: `<run id> <request id>`, ASCII.
///
/// The run id tells this run's messages from those of earlier runs still in a stream ("stale"); the
/// request id is the integer the ``Checker`` indexes by. Probes (`<run id> probe`) check that
/// subscription interest has reached every server before counting starts.
public enum SmokePayload {
    public enum Decoded: Sendable, Hashable {
        /// A request of this run.
        case request(Int)
        /// A probe of this run.
        case probe
        /// A message of another run.
        case stale
        /// Not a smoke message at all.
        case malformed
    }

    public static func encode(runId: String, id: Int) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(runId.utf8.count + 12)
        buffer.writeString(runId)
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(String(id))
        return buffer
    }

    public static func probe(runId: String) -> ByteBuffer { ByteBuffer(string: runId + " probe") }

    public static func decode(_ buffer: ByteBuffer, runId: String) -> Decoded {
        let bytes = buffer.readableBytesView
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")) else { return .malformed }
        let run = bytes[bytes.startIndex..<space]
        let rest = bytes[bytes.index(after: space)...]
        guard run.elementsEqual(runId.utf8) else { return looksLikeRun(run) ? .stale : .malformed }
        if rest.elementsEqual("probe".utf8) { return .probe }
        guard let id = parseInt(rest) else { return .malformed }
        return .request(id)
    }

    /// The run id and request id of any smoke request, whatever its run (for a worker started by hand).
    public static func parseAnyRun(_ buffer: ByteBuffer) -> (runId: String, id: Int)? {
        let bytes = buffer.readableBytesView
        guard let space = bytes.firstIndex(of: UInt8(ascii: " ")) else { return nil }
        let run = bytes[bytes.startIndex..<space]
        guard looksLikeRun(run), let id = parseInt(bytes[bytes.index(after: space)...]) else { return nil }
        return (String(decoding: run, as: UTF8.self), id)
    }

    /// `<run id>-<n>`, the request id as it appears in subjects and `Nats-Msg-Id`.
    public static func token(runId: String, id: Int) -> String { runId + "-" + String(id) }

    /// Parses a `<run id>-<n>` token (e.g. the last subject token of an answer).
    public static func decodeToken(_ token: Substring, runId: String) -> Decoded {
        guard let dash = token.lastIndex(of: "-") else { return .malformed }
        let run = token[..<dash]
        guard run == runId else { return looksLikeRun(run.utf8) ? .stale : .malformed }
        guard let id = parseInt(token[token.index(after: dash)...].utf8) else { return .malformed }
        return .request(id)
    }

    static func looksLikeRun(_ run: some Collection<UInt8>) -> Bool {
        !run.isEmpty && run.count <= 32 && run.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7a) }
    }

    static func parseInt(_ digits: some Collection<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for d in digits {
            guard d >= 0x30 && d <= 0x39 else { return nil }
            value = value * 10 + Int(d - 0x30)
        }
        return value
    }

    /// A fresh run id: 8 lowercase letters and digits.
    public static func newRunId() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<8).map { _ in alphabet.randomElement()! })
    }
}
