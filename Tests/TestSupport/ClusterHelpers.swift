public import Foundation
public import JetStream
public import LocalCluster
public import NATS

/// The repository root, found from this file's path (Tests/TestSupport/ClusterHelpers.swift).
public func repositoryRoot(_ file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// A client of `user` (password = user name, as in `cluster/`) on a test cluster, reconnecting quickly.
public func clusterClient(_ cluster: LocalCluster, user: String, servers: [String]? = nil) async throws -> NATSClient {
    var options = try NATSClientOptions(urls: (servers ?? cluster.clientURLs).joined(separator: ","),
                                        auth: .userPassword(user: user, password: user))
    options.name = "jetform-tests-\(user)"
    options.reconnectWait = .milliseconds(250)
    return try await NATSClient.connect(options)
}

/// A client of the application account (user/user) on a test cluster.
public func appClient(_ cluster: LocalCluster) async throws -> NATSClient {
    try await clusterClient(cluster, user: "user")
}

/// A client of the system account (admin/admin) on a test cluster.
public func systemClient(_ cluster: LocalCluster) async throws -> NATSClient {
    try await clusterClient(cluster, user: "admin")
}

/// Creates a stream, retrying "no suitable peers" (10005) while a fresh cluster's meta leader has not yet
/// heard every peer's statistics (seconds after the start on a loaded machine; longest on 2.10).
public func createRetryingPlacement(_ js: JetStreamContext, _ config: StreamConfig, pedantic: Bool = false,
                                    timeout: Duration = .seconds(60)) async throws {
    let deadline = ContinuousClock.now + timeout
    var nudged = ContinuousClock.now
    while true {
        let result: Result<StreamInfo, JetStreamError>
        do { result = .success(try await js.createStream(config, pedantic: pedantic)) } catch { result = .failure(error) }
        guard case .failure(let error) = result else { return }
        guard error.errCode == .noSuitablePeers, ContinuousClock.now < deadline else { throw error }
        if ContinuousClock.now - nudged > .seconds(2) {
            await askForStatistics(js.client)
            nudged = .now
        }
        try await Task.sleep(for: .milliseconds(250))
    }
}

/// Asks every server of the cluster to broadcast its statistics now: `$SYS.REQ.SERVER.PING.STATSZ`
/// without a reply subject makes each publish on its own `$SYS.SERVER.<id>.STATSZ`, which the meta
/// leader places replicas by. A 2.10 server that missed the first broadcasts backs off to one every
/// 30 s, and a fresh 2.10 cluster then refused R3 placement for minutes.
func askForStatistics(_ client: NATSClient) async {
    guard let info = client.serverInfo else { return }
    let urls = ([info.host.map { "\($0):\(info.port ?? 4222)" }].compactMap { $0 } + info.connectURLs).map { "nats://\($0)" }
    guard let options = try? NATSClientOptions(urls: urls.joined(separator: ","), auth: .userPassword(user: "admin", password: "admin")),
          let system = try? await NATSClient.connect(options) else { return }
    try? await system.publish("", to: "$SYS.REQ.SERVER.PING.STATSZ")
    try? await system.flush()
    await system.close()
}

/// Waits until a fresh cluster places R3 streams: right after the start the meta leader answers "no
/// suitable peers" (10005) until it has every peer's statistics — on 2.10 under load that took over 30 s.
public func waitUntilPlacementWorks(_ js: JetStreamContext, timeout: Duration = .seconds(120)) async throws {
    var probe = StreamConfig(name: "WARMUP", subjects: ["warmup"])
    probe.numReplicas = 3
    try await createRetryingPlacement(js, probe, timeout: timeout)
    try await js.deleteStream("WARMUP")
}
