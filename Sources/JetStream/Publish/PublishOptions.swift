import NATS

/// Expectations and de-duplication for a JetStream publish, sent as `Nats-*` headers.
public struct PublishOptions: Sendable, Hashable {
    /// `Nats-Msg-Id`: a message with the same id within the stream's duplicate window is stored once.
    public var msgId: String?
    /// `Nats-Expected-Stream`: fail unless the subject belongs to this stream.
    public var expectedStream: String?
    /// `Nats-Expected-Last-Sequence`: fail unless the stream's last sequence is this (10071).
    public var expectedLastSequence: UInt64?
    /// `Nats-Expected-Last-Subject-Sequence`: fail unless the last message on this subject has this sequence.
    public var expectedLastSubjectSequence: UInt64?
    /// `Nats-Expected-Last-Msg-Id`: fail unless the stream's last message had this id (10070).
    public var expectedLastMsgId: String?
    /// `Nats-TTL` (2.11+, stream needs `allow_msg_ttl`): the message expires after this time (≥ 1 s).
    public var ttl: Duration?

    public init(msgId: String? = nil, expectedStream: String? = nil, expectedLastSequence: UInt64? = nil, expectedLastSubjectSequence: UInt64? = nil, expectedLastMsgId: String? = nil, ttl: Duration? = nil) {
        self.msgId = msgId
        self.expectedStream = expectedStream
        self.expectedLastSequence = expectedLastSequence
        self.expectedLastSubjectSequence = expectedLastSubjectSequence
        self.expectedLastMsgId = expectedLastMsgId
        self.ttl = ttl
    }

    public static let none = PublishOptions()

    var isEmpty: Bool { self == .none }

    /// `headers` plus the `Nats-*` headers of these options (nil when there are none at all).
    func apply(to headers: NATSHeaders?) -> NATSHeaders? {
        if isEmpty { return headers }
        var h = headers ?? NATSHeaders()
        if let msgId { h.append(msgId, for: "Nats-Msg-Id") }
        if let expectedStream { h.append(expectedStream, for: "Nats-Expected-Stream") }
        if let expectedLastSequence { h.append(String(expectedLastSequence), for: "Nats-Expected-Last-Sequence") }
        if let expectedLastSubjectSequence { h.append(String(expectedLastSubjectSequence), for: "Nats-Expected-Last-Subject-Sequence") }
        if let expectedLastMsgId { h.append(expectedLastMsgId, for: "Nats-Expected-Last-Msg-Id") }
        if let ttl { h.append(Self.goDuration(ttl), for: "Nats-TTL") }
        return h
    }

    /// A Go duration string (`5s`, `1500ms`), which the server parses for `Nats-TTL`.
    static func goDuration(_ d: Duration) -> String {
        let ns = NanoDuration(d).nanoseconds
        if ns % 1_000_000_000 == 0 { return "\(ns / 1_000_000_000)s" }
        if ns % 1_000_000 == 0 { return "\(ns / 1_000_000)ms" }
        return "\(ns)ns"
    }
}
