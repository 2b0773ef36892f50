import Foundation
import LocalCluster
import NATS
@_exported import TestSupport
@testable import JetStream

/// Server releases the integration tests run on: the pinned one and an older one.
enum Releases {
    static let current = "2.15.1"
    static let old = "2.10.26"
    static let all = [current, old]
}

/// Runs `body` against a fresh 3-node cluster of `version` that places R3 streams, with a JetStream
/// context for the application user and a system client. A missing nats-server fails with the install command.
func withJetStreamCluster<T>(
    version: String,
    _ body: (LocalCluster, JetStreamContext, SystemClient) async throws -> T
) async throws -> T {
    try await LocalCluster.withCluster(version: version) { cluster in
        let user = try await connect(cluster, user: "user")
        let admin = try await connect(cluster, user: "admin")
        do {
            // Ready means R3 streams can be placed: right after the start a loaded machine's meta leader
            // still answers "no suitable peers, peer offline" (10005) for a while.
            try await waitUntilPlacementWorks(JetStreamContext(client: user))
            let result = try await body(cluster, JetStreamContext(client: user), SystemClient(client: admin))
            await user.close()
            await admin.close()
            return result
        } catch {
            await user.close()
            await admin.close()
            throw error
        }
    }
}

func connect(_ cluster: LocalCluster, user: String, servers: [String]? = nil) async throws -> NATSClient {
    try await clusterClient(cluster, user: user, servers: servers)
}

/// A unique name per test so tests on one cluster do not collide.
func unique(_ prefix: String) -> String { prefix + "_" + String(UInt32.random(in: 0...UInt32.max), radix: 36).uppercased() }

/// Expects `body` to fail with a JetStream API error carrying `code`; returns the error.
@discardableResult
func expectAPIError<T>(_ code: JetStreamErrorCode, _ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation) async -> JetStreamError? {
    do {
        _ = try await body()
        Issue.record("expected err_code \(code), got success", sourceLocation: sourceLocation)
        return nil
    } catch let error as JetStreamError {
        #expect(error.errCode == code, "got \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected err_code \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

import Testing

extension Result where Failure == JetStreamError {
    /// Captures the outcome of a typed-throwing async call.
    init(catching body: () async throws(JetStreamError) -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
