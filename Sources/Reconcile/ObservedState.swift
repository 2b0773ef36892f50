public import JetStreamSchema
import Topology

/// What the cluster holds, as the JetStream API reports it: configs as JSON objects with API field
/// names and wire values. The executor builds it from `$JS.API.STREAM.LIST` and `CONSUMER.LIST`.
public struct ObservedState: Sendable, Hashable {
    /// Every stream of the account, in any order.
    public var streams: [ObservedStream] {
        didSet { positions = Self.positions(of: streams) }
    }
    /// Index of each stream name in `streams` (the planner looks up every stream of the file).
    private var positions: [String: Int]

    /// Streams the meta leader names but whose info did not come in time (another owner's stream on
    /// servers that are down); left alone, and said so in the plan.
    public var unreadable: [String] = []

    /// The last message of each key the file declares (`ResourceID.key`) that has one; a key without
    /// any message is absent.
    public var keys: [ResourceID: ObservedKey] = [:]

    public init(streams: [ObservedStream] = [], unreadable: [String] = [], keys: [ResourceID: ObservedKey] = [:]) {
        self.streams = streams
        self.positions = Self.positions(of: streams)
        self.unreadable = unreadable
        self.keys = keys
    }

    /// The stream with this name.
    public func stream(named name: String) -> ObservedStream? { positions[name].map { streams[$0] } }

    /// The most servers one stream is placed on: a lower bound of the cluster's size that holds while a
    /// server is down (an offline peer stays in its streams' replicas, while the client URLs the
    /// connection announces leave it out).
    public var largestPlacement: Int { streams.map(\.peers).max() ?? 0 }

    private static func positions(of streams: [ObservedStream]) -> [String: Int] {
        Dictionary(streams.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// The last message on a Key-Value key's subject.
public struct ObservedKey: Sendable, Hashable {
    /// Its stream sequence: the key's revision, which a put expects.
    public var revision: UInt64
    /// The value; nil when the last message is a delete or purge marker (the key is deleted).
    public var value: [UInt8]?

    public init(revision: UInt64, value: [UInt8]?) {
        self.revision = revision
        self.value = value
    }
}

/// How much a stream holds: what a delete or replace would destroy.
public struct StreamHoldings: Sendable, Hashable, Codable {
    public var messages: UInt64
    public var bytes: UInt64

    public init(messages: UInt64 = 0, bytes: UInt64 = 0) {
        self.messages = messages
        self.bytes = bytes
    }

    /// Whether deleting the stream loses messages.
    public var isEmpty: Bool { messages == 0 }

    public static let empty = StreamHoldings()
}

/// One live stream.
public struct ObservedStream: Sendable, Hashable {
    public var name: String
    /// `config` of `STREAM.INFO` / a `STREAM.LIST` entry.
    public var config: JSONObject
    /// `state.messages` and `state.bytes`.
    public var state: StreamHoldings
    /// Its consumers (durable and ephemeral), in any order.
    public var consumers: [ObservedConsumer]
    /// The servers it is placed on: its leader and replicas (`cluster`), offline ones included; 0 when
    /// the info has no cluster part.
    public var peers: Int

    public init(name: String, config: JSONObject, state: StreamHoldings = .empty, consumers: [ObservedConsumer] = [], peers: Int = 0) {
        self.name = name
        self.config = config
        self.state = state
        self.consumers = consumers
        self.peers = peers
    }

    /// Builds a stream from a `STREAM.INFO` response or a `STREAM.LIST` entry (`config`, `state`) and the
    /// `CONSUMER.INFO`/`CONSUMER.LIST` entries of its consumers; nil when `info` has no `config.name`.
    public init?(info: JSONObject, consumerInfos: [JSONObject] = []) {
        guard let config = info["config"]?.objectValue, let name = config["name"]?.stringValue else { return nil }
        let state = info["state"]?.objectValue
        func count(_ key: String) -> UInt64 { UInt64(clamping: max(0, state?[key]?.intValue ?? 0)) }
        let cluster = info["cluster"]?.objectValue
        let leader = (cluster?["leader"]?.stringValue ?? "").isEmpty ? 0 : 1
        self.init(name: name, config: config, state: StreamHoldings(messages: count("messages"), bytes: count("bytes")),
                  consumers: consumerInfos.compactMap(ObservedConsumer.init(info:)),
                  peers: leader + (cluster?["replicas"]?.arrayValue?.count ?? 0))
    }

    /// The consumer with this name.
    public func consumer(named name: String) -> ObservedConsumer? { consumers.first { $0.name == name } }

    /// The value of the ownership marker (`jetform.managed-by`), if any.
    public var managedBy: String? { Ownership.marker(in: config) }
}

/// One live consumer.
public struct ObservedConsumer: Sendable, Hashable {
    public var name: String
    /// `config` of `CONSUMER.INFO` / a `CONSUMER.LIST` entry.
    public var config: JSONObject

    public init(name: String, config: JSONObject) {
        self.name = name
        self.config = config
    }

    /// Builds a consumer from a `CONSUMER.INFO` response or `CONSUMER.LIST` entry (`name`, `config`).
    public init?(info: JSONObject) {
        guard let config = info["config"]?.objectValue,
              let name = info["name"]?.stringValue ?? config["name"]?.stringValue ?? config["durable_name"]?.stringValue
        else { return nil }
        self.init(name: name, config: config)
    }

    /// Whether it is durable (ephemeral consumers are neither managed nor reported).
    public var isDurable: Bool { config["durable_name"]?.stringValue.map { !$0.isEmpty } ?? false }

    /// The value of the ownership marker (`jetform.managed-by`), if any.
    public var managedBy: String? { Ownership.marker(in: config) }
}
