/// A JetStream `err_code`. Named constants for the codes jetform acts on; any other value works too
/// (`JetStreamErrorCode(rawValue: 10071)`), and `switch` matches the constants.
public struct JetStreamErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    /// 10002 account resources exceeded.
    public static let accountResourcesExceeded = Self(10002)
    /// 10003 bad request.
    public static let badRequest = Self(10003)
    /// 10005 no suitable peers for placement (e.g. a peer down on ≤ 2.11).
    public static let noSuitablePeers = Self(10005)
    /// 10008 JetStream cluster temporarily unavailable (no meta leader): retry.
    public static let clusterNotAvailable = Self(10008)
    /// 10009 JetStream cluster not leader.
    public static let clusterNotLeader = Self(10009)
    /// 10012 consumer update refused (a field that cannot change).
    public static let consumerUpdateRefused = Self(10012)
    /// 10013 consumer name already in use.
    public static let consumerNameExists = Self(10013)
    /// 10014 consumer not found.
    public static let consumerNotFound = Self(10014)
    /// 10023 insufficient resources (the server's JetStream API queue is full: back off and retry).
    public static let insufficientResources = Self(10023)
    /// 10025 invalid JSON.
    public static let invalidJSON = Self(10025)
    /// 10026 maximum consumers limit reached.
    public static let maximumConsumersLimit = Self(10026)
    /// 10027 maximum streams limit reached.
    public static let maximumStreamsLimit = Self(10027)
    /// 10028 insufficient memory resources (a memory stream's `max_bytes` beyond the server's `max_memory_store`).
    public static let memoryResourcesExceeded = Self(10028)
    /// 10037 no message found (`STREAM.MSG.GET`).
    public static let noMessageFound = Self(10037)
    /// 10039 JetStream not enabled for the account.
    public static let notEnabledForAccount = Self(10039)
    /// 10047 insufficient storage resources (a file stream's `max_bytes` beyond the server's `max_file_store`).
    public static let storageResourcesExceeded = Self(10047)
    /// 10052 stream update refused (an immutable field).
    public static let streamUpdateRefused = Self(10052)
    /// 10057 sequence not found (`STREAM.MSG.DELETE`).
    public static let sequenceNotFound = Self(10057)
    /// 10058 stream name in use with a different configuration.
    public static let streamNameExists = Self(10058)
    /// 10059 stream not found.
    public static let streamNotFound = Self(10059)
    /// 10060 expected stream does not match.
    public static let streamNotMatch = Self(10060)
    /// 10065 subjects overlap with another stream.
    public static let subjectsOverlap = Self(10065)
    /// 10070 wrong last msg id.
    public static let wrongLastMsgID = Self(10070)
    /// 10071 wrong last sequence (an `Nats-Expected-Last-…-Sequence` header did not match; a lost race).
    public static let wrongLastSequence = Self(10071)
    /// 10076 JetStream not enabled.
    public static let notEnabled = Self(10076)
    /// 10098 work queue consumers need explicit ack.
    public static let workQueueRequiresExplicitAck = Self(10098)
    /// 10099 multiple unfiltered consumers on a work-queue stream.
    public static let workQueueMultipleUnfiltered = Self(10099)
    /// 10100 filtered consumer not unique on a work-queue stream.
    public static let workQueueFilterNotUnique = Self(10100)
    /// 10101 work queue consumers need deliver policy all.
    public static let workQueueRequiresDeliverAll = Self(10101)
    /// 10123 cannot move and scale a stream in one update.
    public static let streamMoveAndScale = Self(10123)
    /// 10131 the filter in the create subject does not match the config.
    public static let consumerFilterSubjectMismatch = Self(10131)
    /// 10148 consumer already exists (action create).
    public static let consumerAlreadyExists = Self(10148)
    /// 10149 consumer does not exist (action update).
    public static let consumerDoesNotExist = Self(10149)
    /// 10164 wrong last sequence, the clustered form of 10071 (the expected sequence is not named).
    public static let wrongLastSequenceClustered = Self(10164)
    /// 10157 pedantic mode refused a value the server would have changed.
    public static let pedanticRefused = Self(10157)
    /// 10185 the server's API level is below `Nats-Required-Api-Level`.
    public static let requiredAPILevel = Self(10185)

    static let names: [Int: String] = [
        10002: "account resources exceeded", 10003: "bad request", 10005: "no suitable peers",
        10008: "cluster temporarily unavailable", 10009: "cluster not leader", 10012: "consumer update refused",
        10013: "consumer name in use", 10014: "consumer not found", 10023: "insufficient resources",
        10025: "invalid JSON", 10037: "no message found", 10057: "sequence not found", 10026: "maximum consumers", 10027: "maximum streams",
        10028: "insufficient memory resources", 10039: "JetStream not enabled for account", 10047: "insufficient storage resources", 10052: "stream update refused", 10058: "stream name in use",
        10059: "stream not found", 10060: "stream does not match", 10065: "subjects overlap",
        10070: "wrong last msg id", 10071: "wrong last sequence", 10076: "JetStream not enabled",
        10098: "work queue needs explicit ack", 10099: "work queue has an unfiltered consumer",
        10100: "work queue filter not unique", 10101: "work queue needs deliver all",
        10123: "move and scale in one update", 10131: "filter subject mismatch",
        10148: "consumer already exists", 10149: "consumer does not exist", 10157: "pedantic mode", 10164: "wrong last sequence",
        10185: "required API level",
    ]

    /// `10059 (stream not found)`.
    public var description: String {
        if let name = Self.names[rawValue] { return "\(rawValue) (\(name))" }
        return String(rawValue)
    }
}
