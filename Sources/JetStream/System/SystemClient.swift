public import NATS
public import NIOCore
import Foundation

/// Requests to the system account (`$SYS.REQ.SERVER.PING.*`), answered by every server of the cluster.
///
/// The client must be connected as a system-account user (e.g. `admin`/`admin` on a local cluster).
public struct SystemClient: Sendable {
    public let client: NATSClient

    public init(client: NATSClient) { self.client = client }

    /// Publishes `payload` to `subject` with a reply inbox and collects the replies: until `expected`
    /// replies arrived, or `quietPeriod` passed after the last reply (once at least one came), or `timeout`.
    public func gather(subject: String, payload: ByteBuffer = ByteBuffer(), expected: Int? = nil, timeout: Duration = .seconds(3), quietPeriod: Duration = .milliseconds(300)) async throws(JetStreamError) -> [InboundMessage] {
        let inbox = client.newInbox()
        let subscription: NATSSubscription
        do {
            subscription = try await client.subscribe(to: inbox)
            try await client.publish(payload, to: subject, replyTo: inbox)
        } catch {
            throw PullConsumer.map(error, "gather \(subject)")
        }
        defer { subscription.unsubscribe() }
        let watch = Watch()
        return await withTaskGroup(of: [InboundMessage]?.self) { group -> [InboundMessage] in
            group.addTask {
                var replies: [InboundMessage] = []
                for await message in subscription {
                    if message.status?.code == NATSStatus.noRespondersCode { continue }
                    replies.append(message)
                    watch.touch()
                    watch.count = replies.count
                    if let expected, replies.count >= expected { break }
                }
                return replies
            }
            group.addTask {
                let clock = ContinuousClock()
                let deadline = clock.now.advanced(by: timeout)
                // Wakes only when the quiet period could have run out (or at the deadline), not on a tick.
                // Quiet period counts only once something arrived: servers answer within a few ms of each
                // other, so silence after the first replies means everyone answered.
                while true {
                    let now = clock.now
                    if now >= deadline { break }
                    var wake = deadline
                    if watch.count > 0 {
                        let idle = watch.idle(now)
                        if idle >= quietPeriod { break }
                        wake = min(deadline, now.advanced(by: quietPeriod - idle))
                    } else {
                        // Nothing yet: look again a quiet period from now (the first reply may come any moment).
                        wake = min(deadline, now.advanced(by: quietPeriod))
                    }
                    do { try await Task.sleep(until: wake, clock: clock) } catch { return nil }
                }
                subscription.unsubscribe()
                return nil
            }
            var replies: [InboundMessage] = []
            for await result in group {
                if let result {
                    replies = result
                    group.cancelAll()
                }
            }
            return replies
        }
    }

    /// Gathers `$SYS.REQ.SERVER.PING.<kind>` and decodes each reply.
    public func ping<Payload: Codable & Hashable & Sendable>(_ kind: String, as: Payload.Type, expected: Int? = nil, timeout: Duration = .seconds(3)) async throws(JetStreamError) -> [ServerReply<Payload>] {
        let replies = try await gather(subject: "$SYS.REQ.SERVER.PING.\(kind)", expected: expected, timeout: timeout)
        var decoded: [ServerReply<Payload>] = []
        for reply in replies {
            do {
                decoded.append(try JSONDecoder().decode(ServerReply<Payload>.self, from: Data(reply.payload.readableBytesView)))
            } catch {
                throw .invalidResponse(operation: "$SYS.REQ.SERVER.PING.\(kind)", detail: String(describing: error))
            }
        }
        return decoded.sorted { $0.server.name < $1.server.name }
    }

    /// JetStream state of every server (`JSZ`).
    public func jsz(expected: Int? = nil, timeout: Duration = .seconds(3)) async throws(JetStreamError) -> [ServerReply<JSZ>] {
        try await ping("JSZ", as: JSZ.self, expected: expected, timeout: timeout)
    }

    /// Health of every server (`HEALTHZ`).
    public func healthz(expected: Int? = nil, timeout: Duration = .seconds(3)) async throws(JetStreamError) -> [ServerReply<Healthz>] {
        try await ping("HEALTHZ", as: Healthz.self, expected: expected, timeout: timeout)
    }

    /// General server state of every server (`VARZ`).
    public func varz(expected: Int? = nil, timeout: Duration = .seconds(3)) async throws(JetStreamError) -> [ServerReply<Varz>] {
        try await ping("VARZ", as: Varz.self, expected: expected, timeout: timeout)
    }

    /// Gathers JSZ and HEALTHZ from every server and sums them up.
    ///
    /// A server the meta group lists that did not answer within the quiet period is asked again, waiting
    /// for every known server up to `timeout`: a slow reply on a loaded machine is not a dead server.
    public func clusterHealth(expectedServers: Int? = nil, timeout: Duration = .seconds(3)) async throws(JetStreamError) -> ClusterHealth {
        var jsz = try await jsz(expected: expectedServers, timeout: timeout)
        let size = jsz.compactMap { $0.data?.metaCluster?.clusterSize }.max() ?? 0
        let known = max(ClusterHealth.knownServers(jsz).count, size)
        if known > jsz.count {
            let again = try await self.jsz(expected: known, timeout: timeout)
            var byName = Dictionary(jsz.map { ($0.server.name, $0) }, uniquingKeysWith: { a, _ in a })
            for reply in again { byName[reply.server.name] = reply }
            jsz = byName.values.sorted { $0.server.name < $1.server.name }
        }
        let everyone = max(expectedServers ?? 0, ClusterHealth.knownServers(jsz).count, size)
        let expected = everyone > 0 ? everyone : nil
        // The configured routes, asked at the same time: where a server is that the meta group does not count.
        async let varz = self.varz(expected: expected, timeout: timeout)
        async let routez = self.ping("ROUTEZ", as: Routez.self, expected: expected, timeout: timeout)
        let health = try await healthz(expected: expected, timeout: timeout)
        let answering = Set(jsz.map(\.server.name))
        let routes = ClusterHealth.unansweredRoutes(varz: (try? await varz) ?? [], routez: (try? await routez) ?? [], answering: answering)
        return ClusterHealth(jsz: jsz, healthz: health, expectedServers: expectedServers, routes: routes)
    }
}
