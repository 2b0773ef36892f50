#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation
import Synchronization

/// A route of a partitionable local cluster: `from` makes its route connections to `to` through
/// 127.0.0.1:`port`, where a relay forwards them to `to`'s cluster port.
public struct RouteLink: Sendable, Hashable, Codable {
    public var from: String
    public var to: String
    public var port: Int

    public init(from: String, to: String, port: Int) {
        self.from = from
        self.to = to
        self.port = port
    }

    func touches(_ servers: Set<String>) -> Bool { servers.contains(from) || servers.contains(to) }
}

/// The relays of a partitionable cluster: one small TCP forwarder per ordered pair of servers, so
/// that one server can be cut off from the others while its clients stay connected to it
/// (`LocalCluster.partition(server:)`), the failure a network partition causes.
///
/// Cutting a server closes every relayed connection to or from it and refuses new ones, as a firewall
/// rejecting the packets (or a reset link) would: the servers learn of the cut at once. (A partition that
/// drops packets silently would leave the routes half-open until pings time out; this is the milder,
/// faster-detected kind.) The servers keep retrying their configured routes every second and are whole
/// again within a second or two of `isolate([])`.
///
/// Each connection is pumped by two threads with blocking reads and writes: a server that is slow to
/// read holds back only its own connection. Only 127.0.0.1 is used.
public final class RouteRelays: Sendable {
    public let links: [RouteLink]
    /// Where each server accepts routes: the relays forward there.
    private let clusterPorts: [String: Int]

    private struct Connection {
        var link: RouteLink
        var accepted: Int32
        var upstream: Int32
        /// Pump threads still running (2, then 1, then closed).
        var pumps = 2
    }

    private struct State {
        var isolated: Set<String> = []
        var stopped = false
        var listeners = 0
        var nextID = 0
        var connections: [Int: Connection] = [:]
    }

    private let state = Mutex(State())

    public init(links: [RouteLink], clusterPorts: [String: Int]) {
        self.links = links
        self.clusterPorts = clusterPorts
    }

    /// Binds every relay's port and starts forwarding. Throws when a port is taken (nothing is left
    /// listening then).
    public func start() throws(LocalClusterError) {
        var sockets: [(RouteLink, Int32)] = []
        for link in links {
            guard let fd = Sockets.listen(port: link.port) else {
                for (_, fd) in sockets { close(fd) }
                throw .portInUse(port: link.port, purpose: "route relay to \(link.to)", server: link.from)
            }
            sockets.append((link, fd))
        }
        state.withLock { $0.stopped = false; $0.listeners += sockets.count }
        for (link, fd) in sockets {
            Thread.detachNewThread { [self] in accept(on: fd, for: link) }
        }
    }

    /// Cuts `servers` off from the others (every connection to or from them is closed, new ones are
    /// refused) and lets every other server's routes through again. `isolate([])` heals.
    public func isolate(_ servers: Set<String>) {
        state.withLock { state in
            state.isolated = servers
            for connection in state.connections.values where connection.link.touches(servers) {
                shutdown(connection.accepted, Int32(SHUT_RDWR))
                shutdown(connection.upstream, Int32(SHUT_RDWR))
            }
        }
    }

    public var isolated: Set<String> { state.withLock { $0.isolated } }

    /// Stops every relay and closes its connections; returns once the ports are free again (or after 2 s).
    public func stop() {
        state.withLock { state in
            state.stopped = true
            for connection in state.connections.values {
                shutdown(connection.accepted, Int32(SHUT_RDWR))
                shutdown(connection.upstream, Int32(SHUT_RDWR))
            }
        }
        let deadline = ContinuousClock.now + .seconds(2)
        while state.withLock({ $0.listeners > 0 || !$0.connections.isEmpty }) && ContinuousClock.now < deadline {
            usleep(10_000)
        }
    }

    // MARK: Forwarding

    private func accept(on listener: Int32, for link: RouteLink) {
        defer {
            close(listener)
            state.withLock { $0.listeners -= 1 }
        }
        while !state.withLock({ $0.stopped }) {
            var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 200) > 0 else { continue }
            let accepted = systemAccept(listener, nil, nil)
            guard accepted >= 0 else {
                // Out of descriptors, or a listener in error: do not spin.
                if errno != EINTR && errno != ECONNABORTED { usleep(10_000) }
                continue
            }
            Sockets.noSignalOnWrite(accepted)
            let refused = state.withLock { $0.stopped || link.touches($0.isolated) }
            guard !refused, let target = clusterPorts[link.to], let upstream = Sockets.connect(port: target) else {
                close(accepted)
                continue
            }
            let id: Int? = state.withLock { state in
                // Cut while connecting: drop it like the others.
                guard !state.stopped, !link.touches(state.isolated) else { return nil }
                state.nextID += 1
                state.connections[state.nextID] = Connection(link: link, accepted: accepted, upstream: upstream)
                return state.nextID
            }
            guard let id else {
                close(accepted)
                close(upstream)
                continue
            }
            Thread.detachNewThread { [self] in pump(from: accepted, to: upstream, connection: id) }
            Thread.detachNewThread { [self] in pump(from: upstream, to: accepted, connection: id) }
        }
    }

    private func pump(from source: Int32, to destination: Int32, connection id: Int) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(source, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            let sent = buffer.withUnsafeBytes { Sockets.sendAll(destination, UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            guard sent else { break }
        }
        // One direction ended: end the other too; the last pump closes both sockets.
        state.withLock { state in
            guard var connection = state.connections[id] else { return }
            shutdown(connection.accepted, Int32(SHUT_RDWR))
            shutdown(connection.upstream, Int32(SHUT_RDWR))
            connection.pumps -= 1
            if connection.pumps == 0 {
                close(connection.accepted)
                close(connection.upstream)
                state.connections[id] = nil
            } else {
                state.connections[id] = connection
            }
        }
    }

    // MARK: Hosted in a process of its own

    /// The relays of a detached cluster (`jetform cluster up --partitionable`) run in a process of
    /// their own, which follows `control`: one name per line of the servers to cut off (empty: none).
    /// After each change it writes the same text to `applied`, which is how `LocalCluster.partition`
    /// knows the cut is in place. Runs until the process is terminated.
    public func follow(control: URL, applied: URL) -> Never {
        var current: String?
        while true {
            // No file is no cut; a file that cannot be read now keeps the cut as it is.
            let wanted: String
            if !FileManager.default.fileExists(atPath: control.path) {
                wanted = ""
            } else if let text = try? String(contentsOf: control, encoding: .utf8) {
                wanted = text
            } else {
                usleep(20_000)
                continue
            }
            if wanted != current {
                isolate(Self.servers(in: wanted))
                try? Data(wanted.utf8).write(to: applied, options: .atomic)
                current = wanted
            }
            usleep(20_000)
        }
    }

    static func servers(in text: String) -> Set<String> {
        Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }
}

#if canImport(Darwin)
private let systemAccept = Darwin.accept
#elseif canImport(Musl)
private let systemAccept = Musl.accept
#else
private let systemAccept = Glibc.accept
#endif

/// What a detached partitionable cluster's relay process reads (`ClusterLayout.relayFile`), and how a
/// later command knows the cluster's routes go through relays.
public struct RelayRecord: Codable, Sendable {
    public var links: [RouteLink]
    public var clusterPorts: [String: Int]

    public init(links: [RouteLink], clusterPorts: [String: Int]) {
        self.links = links
        self.clusterPorts = clusterPorts
    }

    public static func read(from file: URL) -> RelayRecord? {
        guard let data = try? Data(contentsOf: file) else { return nil }
        return try? JSONDecoder().decode(RelayRecord.self, from: data)
    }
}
