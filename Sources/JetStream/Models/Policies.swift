/// A JSON string enum that keeps values it does not know (``unknown``), so a value a newer server
/// sends is sent back unchanged.
public protocol OpenStringEnum: RawRepresentable, Codable, Hashable, Sendable where RawValue == String {
    init(rawValue: String)
}

extension OpenStringEnum {
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// Stream `retention`.
public enum RetentionPolicy: OpenStringEnum {
    case limits, interest, workQueue
    case unknown(String)
    public init(rawValue: String) {
        switch rawValue {
        case "limits": self = .limits
        case "interest": self = .interest
        case "workqueue": self = .workQueue
        default: self = .unknown(rawValue)
        }
    }
    public var rawValue: String {
        switch self {
        case .limits: "limits"
        case .interest: "interest"
        case .workQueue: "workqueue"
        case .unknown(let v): v
        }
    }
}

/// Stream `discard`.
public enum DiscardPolicy: OpenStringEnum {
    case old, new
    case unknown(String)
    public init(rawValue: String) {
        switch rawValue {
        case "old": self = .old
        case "new": self = .new
        default: self = .unknown(rawValue)
        }
    }
    public var rawValue: String {
        switch self {
        case .old: "old"
        case .new: "new"
        case .unknown(let v): v
        }
    }
}

/// Stream `storage`.
public enum StorageType: OpenStringEnum {
    case file, memory
    case unknown(String)
    public init(rawValue: String) {
        switch rawValue {
        case "file": self = .file
        case "memory": self = .memory
        default: self = .unknown(rawValue)
        }
    }
    public var rawValue: String {
        switch self {
        case .file: "file"
        case .memory: "memory"
        case .unknown(let v): v
        }
    }
}

/// Stream `compression` (2.10+).
public enum StoreCompression: OpenStringEnum {
    case none, s2
    case unknown(String)
    public init(rawValue: String) {
        switch rawValue {
        case "none": self = .none
        case "s2": self = .s2
        default: self = .unknown(rawValue)
        }
    }
    public var rawValue: String {
        switch self {
        case .none: "none"
        case .s2: "s2"
        case .unknown(let v): v
        }
    }
}

/// Stream `persist_mode` (2.12+).
public enum PersistMode: OpenStringEnum {
    case `default`, async
    case unknown(String)
    public init(rawValue: String) {
        switch rawValue {
        case "default": self = .default
        case "async": self = .async
        default: self = .unknown(rawValue)
        }
    }
    public var rawValue: String {
        switch self {
        case .default: "default"
        case .async: "async"
        case .unknown(let v): v
        }
    }
}

/// Consumer `deliver_policy`.
public enum DeliverPolicy: OpenStringEnum {
    case all, last, new, byStartSequence, byStartTime, lastPerSubject
    case unknown(String)
    public init(rawValue: String) {
        switch rawValue {
        case "all": self = .all
        case "last": self = .last
        case "new": self = .new
        case "by_start_sequence": self = .byStartSequence
        case "by_start_time": self = .byStartTime
        case "last_per_subject": self = .lastPerSubject
        default: self = .unknown(rawValue)
        }
    }
    public var rawValue: String {
        switch self {
        case .all: "all"
        case .last: "last"
        case .new: "new"
        case .byStartSequence: "by_start_sequence"
        case .byStartTime: "by_start_time"
        case .lastPerSubject: "last_per_subject"
        case .unknown(let v): v
        }
    }
}

/// Consumer `ack_policy`.
public enum AckPolicy: OpenStringEnum {
    case none, all, explicit
    case unknown(String)
    public init(rawValue: String) {
        switch rawValue {
        case "none": self = .none
        case "all": self = .all
        case "explicit": self = .explicit
        default: self = .unknown(rawValue)
        }
    }
    public var rawValue: String {
        switch self {
        case .none: "none"
        case .all: "all"
        case .explicit: "explicit"
        case .unknown(let v): v
        }
    }
}

/// Consumer `replay_policy`.
public enum ReplayPolicy: OpenStringEnum {
    case instant, original
    case unknown(String)
    public init(rawValue: String) {
        switch rawValue {
        case "instant": self = .instant
        case "original": self = .original
        default: self = .unknown(rawValue)
        }
    }
    public var rawValue: String {
        switch self {
        case .instant: "instant"
        case .original: "original"
        case .unknown(let v): v
        }
    }
}

/// Consumer `priority_policy` (2.11+; `prioritized` 2.12+).
public enum PriorityPolicy: OpenStringEnum {
    case none, overflow, pinnedClient, prioritized
    case unknown(String)
    public init(rawValue: String) {
        switch rawValue {
        case "none": self = .none
        case "overflow": self = .overflow
        case "pinned_client": self = .pinnedClient
        case "prioritized": self = .prioritized
        default: self = .unknown(rawValue)
        }
    }
    public var rawValue: String {
        switch self {
        case .none: "none"
        case .overflow: "overflow"
        case .pinnedClient: "pinned_client"
        case .prioritized: "prioritized"
        case .unknown(let v): v
        }
    }
}

/// The `action` of a consumer create request (2.10+): fail if it exists, fail if it does not, or either.
public enum ConsumerAction: OpenStringEnum {
    case createOrUpdate, create, update
    case unknown(String)
    public init(rawValue: String) {
        switch rawValue {
        case "": self = .createOrUpdate
        case "create": self = .create
        case "update": self = .update
        default: self = .unknown(rawValue)
        }
    }
    public var rawValue: String {
        switch self {
        case .createOrUpdate: ""
        case .create: "create"
        case .update: "update"
        case .unknown(let v): v
        }
    }
}
