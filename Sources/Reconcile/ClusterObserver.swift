import Foundation
public import JetStream
public import NATS
public import Topology

/// Reads the live cluster for the planner: every stream (paged `STREAM.LIST`) and the consumers of
/// each, a bounded number of streams at a time.
///
/// A clustered list is a scatter-gather: the meta leader asks every stream (consumer) leader for its
/// info and leaves out those that do not answer in time — one electing a leader right after it was
/// created or after a server restart — sometimes without naming them. Left out, a resource would plan
/// as a create. So stream names come from `STREAM.NAMES` (answered by the meta leader from its
/// assignments), consumer names from `CONSUMER.NAMES` when a list holds fewer consumers than the stream
/// counts, and whatever a list did not return is asked for with `INFO`. A stream without consumers
/// costs no consumer request at all.
public struct ClusterObserver: Sendable {
    public let jetStream: JetStreamContext
    /// Streams whose consumers are listed at the same time.
    public var concurrency: Int

    public init(jetStream: JetStreamContext, concurrency: Int = 64) {
        self.jetStream = jetStream
        self.concurrency = concurrency
    }

    /// The streams and consumers of the account. `expecting`: the topology about to be planned — its
    /// streams and consumers that neither the list nor the names show are asked for with `INFO`: right
    /// after a create the meta leader's lists can lag behind the stream (seen on 2.15.1 after a replace).
    public func observe(expecting topology: Topology? = nil) async throws -> ObservedState {
        let js = jetStream
        var infos = try await Self.streams(js)
        if let topology {
            let seen = Set(infos.map(\.config.name))
            let unseen = topology.streams.map(\.name).filter { !seen.contains($0) }
            infos += try await Self.concurrently(unseen, limit: concurrency) { name in try await Self.streamInfoIfAny(name, js) }
                .compactMap { $0 }
        }
        let expectedConsumers = Dictionary(topology?.streams.map { ($0.name, $0.consumers.map(\.name)) } ?? [],
                                           uniquingKeysWith: { a, _ in a })
        var observed: [ObservedStream?] = Array(repeating: nil, count: infos.count)
        try await withThrowingTaskGroup(of: (Int, ObservedStream?).self) { group in
            var next = 0
            func addTask() {
                let index = next
                let info = infos[index]
                next += 1
                group.addTask {
                    let consumers = try await Self.consumers(of: info.config.name, count: info.state.consumerCount, js,
                                                             expecting: expectedConsumers[info.config.name] ?? [])
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

    /// Every stream: infos from `STREAM.LIST`, plus `STREAM.INFO` for names of `STREAM.NAMES` it left out.
    static func streams(_ js: JetStreamContext) async throws(JetStreamError) -> [StreamInfo] {
        let listed = try await js.streams()
        let names = try await js.streamNames()
        var infos: [StreamInfo] = []
        var seen: Set<String> = []
        for info in listed where !seen.contains(info.config.name) {
            seen.insert(info.config.name)
            infos.append(info)
        }
        for name in names where !seen.contains(name) {
            do {
                infos.append(try await js.streamInfo(name))
                seen.insert(name)
            } catch where error.errCode == .streamNotFound {
                continue  // deleted in the meantime
            }
        }
        return infos
    }

    /// Every consumer of `stream`: `CONSUMER.LIST` when the stream has any (`count`, its
    /// `state.consumer_count`); when the list holds fewer than `count`, `CONSUMER.NAMES` tells which it
    /// left out; those and the `expecting` ones the list lacks are asked for with `CONSUMER.INFO`.
    static func consumers(of stream: String, count: Int?, _ js: JetStreamContext,
                          expecting: [String] = []) async throws(JetStreamError) -> [ConsumerInfo] {
        if count == 0 && expecting.isEmpty { return [] }
        // The file names exactly as many consumers as the stream has: ask for each by name (answered by
        // its leader, no scatter-gather); anything else falls back to the list.
        if let count, count > 0, count == expecting.count {
            var direct: [ConsumerInfo] = []
            for name in expecting {
                do {
                    direct.append(try await js.consumerInfo(stream: stream, name: name))
                } catch where error.errCode == .consumerNotFound {
                    break
                } catch where error.errCode == .streamNotFound {
                    return []
                }
            }
            if direct.count == count { return direct }
        }
        var infos: [ConsumerInfo] = []
        var seen: Set<String> = []
        do {
            if count != 0 {
                for info in try await js.consumers(stream: stream) where !seen.contains(info.name) {
                    seen.insert(info.name)
                    infos.append(info)
                }
            }
            var missing = expecting.filter { !seen.contains($0) }
            if seen.count < (count ?? 0) {
                for name in try await js.consumerNames(stream: stream) where !seen.contains(name) && !missing.contains(name) {
                    missing.append(name)
                }
            }
            for name in missing {
                do {
                    infos.append(try await js.consumerInfo(stream: stream, name: name))
                } catch where error.errCode == .consumerNotFound {
                    continue
                }
            }
        } catch where error.errCode == .streamNotFound {
            return []  // deleted in the meantime
        }
        return infos
    }

    /// `STREAM.INFO`, nil when there is no such stream.
    static func streamInfoIfAny(_ name: String, _ js: JetStreamContext) async throws(JetStreamError) -> StreamInfo? {
        do {
            return try await js.streamInfo(name)
        } catch where error.errCode == .streamNotFound {
            return nil
        }
    }

    /// `body` over `items`, at most `limit` at a time, results in the order of `items`.
    static func concurrently<T: Sendable, R: Sendable>(_ items: [T], limit: Int,
                                                       _ body: @escaping @Sendable (T) async throws -> R)
        async throws -> [R] {
        try await withThrowingTaskGroup(of: (Int, R).self) { group in
            var results: [R?] = Array(repeating: nil, count: items.count)
            var next = 0
            while next < min(limit, items.count) {
                let index = next, item = items[index]
                group.addTask { (index, try await body(item)) }
                next += 1
            }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < items.count {
                    let index = next, item = items[index]
                    group.addTask { (index, try await body(item)) }
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
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
