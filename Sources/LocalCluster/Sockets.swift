#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Loopback TCP helpers: free ports for tests, port-in-use checks, and a minimal HTTP/1.0 GET for
/// the monitoring endpoints (no URLSession: it needs FoundationNetworking on Linux and brings
/// connection pooling we don't want when servers come and go).
enum Sockets {
    #if canImport(Darwin)
    private static let streamType = SOCK_STREAM
    #else
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    #endif

    private static func loopbackAddress(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        #if canImport(Darwin)
        address.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
        #endif
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func bind(_ fd: Int32, port: Int) -> Bool {
        var address = loopbackAddress(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                systemBind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }

    /// Ports this process has handed out: never given twice, so two test clusters in one run cannot
    /// get the same port, even while one of them has a server stopped (and its port unbound).
    private static let handedOut = Mutex<Set<Int>>([])

    /// `count` distinct ports that are free on 127.0.0.1 right now, none handed out before by this
    /// process.
    ///
    /// They are picked below the kernels' ephemeral ranges (Linux 32768–60999, macOS 49152–65535):
    /// a port there can be taken by any outgoing connection as its local port, so a server stopped in a
    /// test could not always get its port back. Another process may still take one before the server
    /// binds it; callers retry on that.
    static func freePorts(count: Int) throws(LocalClusterError) -> [Int] {
        var descriptors: [Int32] = []
        defer { descriptors.forEach { close($0) } }
        return try handedOut.withLock { (taken: inout Set<Int>) throws(LocalClusterError) -> [Int] in
            var ports: [Int] = []
            var attempts = 0
            while ports.count < count {
                attempts += 1
                guard attempts <= 20_000 else { throw .io("no free port on 127.0.0.1 between 20000 and 32767") }
                let candidate = Int.random(in: 20_000...32_767)
                if taken.contains(candidate) || ports.contains(candidate) { continue }
                let fd = socket(AF_INET, streamType, 0)
                guard fd >= 0 else { throw .io("socket(): \(String(cString: strerror(errno)))") }
                // Held open until all are chosen, so the same call cannot pick one twice.
                descriptors.append(fd)
                if bind(fd, port: candidate) { ports.append(candidate) }
            }
            taken.formUnion(ports)
            return ports
        }
    }

    /// Whether something else listens on (or holds) 127.0.0.1:`port`.
    static func isPortInUse(_ port: Int) -> Bool {
        let fd = socket(AF_INET, streamType, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var yes: Int32 = 1
        // Ignore TIME_WAIT leftovers of a server we just stopped: only a live socket counts.
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        return !bind(fd, port: port)
    }

    /// A socket listening on 127.0.0.1:`port` (backlog 64); nil when the port cannot be bound.
    static func listen(port: Int) -> Int32? {
        let fd = socket(AF_INET, streamType, 0)
        guard fd >= 0 else { return nil }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, port: port), systemListen(fd, 64) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// A connected socket to 127.0.0.1:`port`; nil when nothing accepts. With `timeout`, reads, writes and
    /// the connect itself give up after it (a stopped server's full backlog would hold a connect).
    static func connect(port: Int, timeout: Duration? = nil) -> Int32? {
        let fd = socket(AF_INET, streamType, 0)
        guard fd >= 0 else { return nil }
        noSignalOnWrite(fd)
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            var time = timeval(tv_sec: Int(seconds), tv_usec: .init(attoseconds / 1_000_000_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        }
        var address = loopbackAddress(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Writing to a socket whose peer has gone must fail with EPIPE, not raise SIGPIPE.
    static func noSignalOnWrite(_ fd: Int32) {
        #if canImport(Darwin)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &yes, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    #if canImport(Darwin)
    static let sendFlags: Int32 = 0
    #else
    static let sendFlags = Int32(MSG_NOSIGNAL)
    #endif

    /// Sends all of `bytes`; false when the connection is gone.
    static func sendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = send(fd, bytes.baseAddress! + sent, bytes.count - sent, sendFlags)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    struct HTTPResponse {
        var status: Int
        var body: Data
    }

    /// `GET path` from 127.0.0.1:`port`; nil when nothing answers in time.
    static func get(port: Int, path: String, timeout: Duration = .seconds(2)) -> HTTPResponse? {
        guard let fd = connect(port: port, timeout: timeout) else { return nil }
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ sendAll(fd, $0) }) else { return nil }

        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { return nil }
            response.append(contentsOf: buffer[0..<n])
        }
        return parse(response)
    }

    static func parse(_ response: Data) -> HTTPResponse? {
        let separator = Data("\r\n\r\n".utf8)
        guard let headerEnd = response.range(of: separator) else { return nil }
        let head = String(decoding: response[..<headerEnd.lowerBound], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n", maxSplits: 1).first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else { return nil }
        return HTTPResponse(status: status, body: Data(response[headerEnd.upperBound...]))
    }
}

#if canImport(Darwin)
private let systemBind = Darwin.bind
private let systemListen = Darwin.listen
private let systemConnect = Darwin.connect
#elseif canImport(Musl)
private let systemBind = Musl.bind
private let systemListen = Musl.listen
private let systemConnect = Musl.connect
#else
private let systemBind = Glibc.bind
private let systemListen = Glibc.listen
private let systemConnect = Glibc.connect
#endif
