import Foundation

/// Reads a server's HTTP monitoring endpoints (`/varz`, `/jsz`, `/healthz`) on 127.0.0.1.
struct Monitoring {
    var port: Int
    var timeout: Duration = .seconds(2)

    struct Varz: Decodable {
        var serverName: String
        var version: String
        var connections: Int?
        /// The client URLs this server announces to clients: its own and those of the servers it has routes to.
        var connectURLs: [String]?

        enum CodingKeys: String, CodingKey {
            case serverName = "server_name", version, connections, connectURLs = "connect_urls"
        }
    }

    struct Jsz: Decodable {
        struct MetaCluster: Decodable {
            struct Peer: Decodable {
                var name: String
                var current: Bool?
                var offline: Bool?
            }

            var leader: String?
            var clusterSize: Int?
            var replicas: [Peer]?

            enum CodingKeys: String, CodingKey {
                case leader, clusterSize = "cluster_size", replicas
            }
        }

        var metaCluster: MetaCluster?

        enum CodingKeys: String, CodingKey {
            case metaCluster = "meta_cluster"
        }
    }

    struct Leafz: Decodable {
        var leafnodes: Int
    }

    struct Healthz: Decodable {
        var status: String
        var error: String?
    }

    /// Runs blocking monitoring requests on a Dispatch thread: they wait on sockets for up to `timeout`,
    /// and on the two threads of Swift's cooperative pool (on 2 cores) that stalls every other task —
    /// test suites running beside cluster starts saw 1 ms sleeps take seconds.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    func varz() -> Varz? { decode("/varz") }
    func jsz() -> Jsz? { decode("/jsz") }
    func leafz() -> Leafz? { decode("/leafz") }

    /// "ok", or the reason the server gives; nil when it doesn't answer.
    func health() -> (ok: Bool, detail: String)? {
        guard let response = Sockets.get(port: port, path: "/healthz", timeout: timeout) else { return nil }
        let body = try? JSONDecoder().decode(Healthz.self, from: response.body)
        let ok = response.status == 200 && body?.status == "ok"
        return (ok, body?.error ?? body?.status ?? "HTTP \(response.status)")
    }

    private func decode<T: Decodable>(_ path: String) -> T? {
        guard let response = Sockets.get(port: port, path: path, timeout: timeout), response.status == 200 else {
            return nil
        }
        return try? JSONDecoder().decode(T.self, from: response.body)
    }
}
