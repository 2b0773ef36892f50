import Foundation
public import JetStream
public import NATS
import Topology

/// Reads the live cluster for the planner: every stream (paged `STREAM.LIST`) and the consumers of
/// each (paged `CONSUMER.LIST`, a bounded number of streams at a time) — no INFO per resource.
public struct ClusterObserver: Sendable {
    public let jetStream: JetStreamContext
    /// Streams whose consumers are listed at the same time.
    public var concurrency: Int

    public init(jetStream: JetStreamContext, concurrency: Int = 16) {
        self.jetStream = jetStream
        self.concurrency = concurrency
    }

    public func observe() async throws -> ObservedState {
        let infos = try await jetStream.streams()
        let js = jetStream
        var observed: [ObservedStream?] = Array(repeating: nil, count: infos.count)
        try await withThrowingTaskGroup(of: (Int, ObservedStream?).self) { group in
            var next = 0
            func addTask() {
                let index = next
                let info = infos[index]
                next += 1
                group.addTask {
                    let name = info.config.name
                    let consumers = try await js.consumers(stream: name)
                    return (index, ObservedStream(info: try Self.json(info), consumerInfos: try consumers.map(Self.json)))
                }
            }
            while next < min(concurrency, infos.count) { addTask() }
            while let (index, stream) = try await group.next() {
                observed[index] = stream
                if next < infos.count { addTask() }
            }
        }
        return ObservedState(streams: observed.compactMap { $0 })
    }

    /// What the planner needs to know about the servers: the version of the one we talk to and how
    /// many servers the cluster has (from the client URLs it announces).
    public static func capabilities(of client: NATSClient) -> ServerCapabilities? {
        guard let info = client.serverInfo else { return nil }
        return ServerCapabilities(version: info.version, apiLevel: nil, clusterSize: max(1, info.connectURLs.count))
    }

    /// A JetStream model as the planner's JSON (every field, unknown ones included).
    static func json<T: Encodable>(_ value: T) throws -> JSONObject {
        let data = try JSONEncoder().encode(value)
        return try JSONDecoder().decode(JSONObject.self, from: data)
    }
}
