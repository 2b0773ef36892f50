/// The servers a connection may use, with their failed attempts, in the order they will be tried.
///
/// Mirrors nats.go: configured servers first (optionally shuffled), servers learned from `connect_urls`
/// appended, a server dropped after `maxAttemptsPerServer` consecutive failures, and a pause
/// (`reconnectWait` plus jitter) only after a full pass over the pool without success.
struct ServerPool: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var address: ServerAddress
        var failedAttempts: Int = 0
        var discovered: Bool = false
    }

    private(set) var entries: [Entry]
    /// Index into `entries` of the server in use or being tried.
    private(set) var currentIndex: Int?
    /// Attempts made since the last successful connection or the last pause.
    private var attemptsInPass = 0
    let maxAttemptsPerServer: Int

    init(_ addresses: [ServerAddress], maxAttemptsPerServer: Int) {
        self.entries = addresses.map { Entry(address: $0) }
        self.maxAttemptsPerServer = maxAttemptsPerServer
    }

    var isEmpty: Bool { entries.isEmpty }
    var current: ServerAddress? { currentIndex.map { entries[$0].address } }

    /// The next server to try, and whether a full pass over the pool has just ended without success
    /// (the caller then waits before trying it). Nil when every server has used up its attempts.
    mutating func next() -> (address: ServerAddress, pauseFirst: Bool)? {
        entries.removeAll { maxAttemptsPerServer >= 0 && $0.failedAttempts >= maxAttemptsPerServer }
        guard !entries.isEmpty else {
            currentIndex = nil
            return nil
        }
        let index = currentIndex.map { ($0 + 1) % entries.count } ?? 0
        currentIndex = index
        var pause = false
        if attemptsInPass >= entries.count {
            pause = true
            attemptsInPass = 0
        }
        attemptsInPass += 1
        return (entries[index].address, pause)
    }

    /// Records a failed attempt (connect refused, handshake failed, connection lost before PONG).
    mutating func markFailed() {
        guard let i = currentIndex, i < entries.count else { return }
        entries[i].failedAttempts += 1
    }

    /// Records a completed handshake: the server's counters restart.
    mutating func markConnected() {
        guard let i = currentIndex, i < entries.count else { return }
        entries[i].failedAttempts = 0
        attemptsInPass = 0
    }

    /// Adds servers announced by the cluster in `connect_urls` that the pool does not know yet.
    mutating func addDiscovered(_ urls: [String], wantsTLS: Bool, user: String?, password: String?) {
        for url in urls {
            guard var address = try? ServerAddress(parsing: url) else { continue }
            address.wantsTLS = address.wantsTLS || wantsTLS
            if address.user == nil { address.user = user; address.password = password }
            if !entries.contains(where: { $0.address.sameEndpoint(as: address) }) {
                entries.append(Entry(address: address, discovered: true))
            }
        }
    }

    /// Shuffles the configured order (before the first connect), keeping nothing else.
    mutating func shuffle<G: RandomNumberGenerator>(using generator: inout G) {
        entries.shuffle(using: &generator)
    }
}
