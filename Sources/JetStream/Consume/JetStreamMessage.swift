public import NATS
public import NIOCore

/// A message delivered by a consumer, with its metadata and the ways to acknowledge it.
public struct JetStreamMessage: Sendable {
    /// The subject the message was published to.
    public let subject: String
    public let payload: ByteBuffer
    public let headers: NATSHeaders?
    /// The `$JS.ACK.…` subject acks go to.
    public let replyTo: String?
    let client: NATSClient

    init(_ message: InboundMessage, client: NATSClient) {
        subject = message.subject
        payload = message.payload
        headers = message.headers
        replyTo = message.replyTo
        self.client = client
    }

    /// Stream, consumer, sequences, delivery count, time stamp and pending count, from the reply subject.
    public var metadata: AckMetadata? { replyTo.flatMap(AckMetadata.init(replySubject:)) }

    /// `+ACK`: processed; the server will not deliver it again.
    public func ack() async throws { try await send("+ACK") }

    /// `+ACK` with a reply: returns once the server has recorded the ack (double ack). Use it when a
    /// message must not be redelivered after you move on, e.g. before exiting.
    public func ackSync(timeout: Duration = .seconds(5)) async throws {
        guard let replyTo else { throw JetStreamError.notAckable(subject: subject) }
        do {
            _ = try await client.request("+ACK", to: replyTo, timeout: timeout)
        } catch let error as NATSError {
            throw JetStreamError(error, operation: "ack of \(subject)")
        }
    }

    /// `-NAK`: deliver it again, after `delay` if given.
    public func nak(delay: Duration? = nil) async throws {
        if let delay {
            try await send("-NAK {\"delay\":\(NanoDuration(delay).nanoseconds)}")
        } else {
            try await send("-NAK")
        }
    }

    /// `+WPI`: still working on it; restarts the ack wait timer.
    public func inProgress() async throws { try await send("+WPI") }

    /// `+TERM`: never deliver it again (with an optional reason shown in advisories).
    public func term(reason: String? = nil) async throws {
        if let reason, !reason.isEmpty { try await send("+TERM \(reason)") } else { try await send("+TERM") }
    }

    private func send(_ body: String) async throws {
        guard let replyTo else { throw JetStreamError.notAckable(subject: subject) }
        try await client.publish(body, to: replyTo)
    }
}

/// What the `$JS.ACK` reply subject of a delivered message says.
///
/// v1: `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>`;
/// v2: `$JS.ACK.<domain>.<account hash>.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>[.<token>]`
/// (domain `_` means none).
public struct AckMetadata: Hashable, Sendable {
    public var domain: String?
    public var accountHash: String?
    public var stream: String
    public var consumer: String
    /// How many times this message has been delivered (1 on first delivery).
    public var numDelivered: UInt64
    public var streamSequence: UInt64
    public var consumerSequence: UInt64
    /// Nanoseconds since the Unix epoch when the message was stored.
    public var timestamp: Int64
    /// Messages left for this consumer after this one.
    public var numPending: UInt64

    public init?(replySubject: String) {
        let t = replySubject.split(separator: ".", omittingEmptySubsequences: false)
        guard t.count >= 9, t[0] == "$JS", t[1] == "ACK" else { return nil }
        let base: Int
        if t.count == 9 {
            base = 2
        } else if t.count >= 11 {
            domain = t[2] == "_" ? nil : String(t[2])
            accountHash = String(t[3])
            base = 4
        } else {
            return nil
        }
        guard let delivered = UInt64(t[base + 2]), let sseq = UInt64(t[base + 3]), let cseq = UInt64(t[base + 4]),
              let ts = Int64(t[base + 5]), let pending = UInt64(t[base + 6]) else { return nil }
        stream = String(t[base])
        consumer = String(t[base + 1])
        numDelivered = delivered
        streamSequence = sseq
        consumerSequence = cseq
        timestamp = ts
        numPending = pending
    }
}
