import JetStreamSchema
import Foundation
public import JetStream
import NIOCore
import Synchronization

/// Who holds an apply lock, as stored in the lock message (no secrets: host, process, command, times).
public struct LockHolder: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Random per acquisition; tells our own message from another run's.
    public var id: String
    public var topology: String
    /// `host pid 1234`.
    public var holder: String
    /// What the holder is doing (`apply`, `apply plan.json`).
    public var command: String
    /// When it took the lock (holder's clock, for people only: expiry never compares clocks).
    public var acquiredAt: String
    /// The lock's expiry, in seconds, as the holder set it.
    public var expirySeconds: Double

    enum CodingKeys: String, CodingKey {
        case id, topology, holder, command, acquiredAt = "acquired_at", expirySeconds = "expiry_seconds"
    }

    public var description: String {
        "\(holder) (\(command), since \(acquiredAt), expires \(ValueFormatter.seconds(expirySeconds)) after its last heartbeat)"
    }
}

/// Why the lock could not be taken or was lost.
public enum ApplyLockError: Error, Sendable, CustomStringConvertible {
    /// Another run held the lock for the whole wait.
    case held(by: LockHolder?, topology: String, waited: Duration)
    /// Our lock expired (heartbeats failed for longer than the expiry) and may now be someone else's.
    case lost(topology: String, detail: String)
    /// The lock stream could not be created or read.
    case unavailable(JetStreamError)

    public var description: String {
        switch self {
        case .held(let holder, let topology, let waited):
            let who = holder.map { "\($0)" } ?? "another run"
            return "another jetform run holds the apply lock of topology '\(topology)': \(who); gave up after waiting "
                + "\(ValueFormatter.seconds(waited)) — nothing was changed. Wait for it to finish (or, if it was killed, "
                + "for the lock to expire) and run again, or wait longer with --lock-timeout"
        case .lost(let topology, let detail):
            return "lost the apply lock of topology '\(topology)' while applying (\(detail)); stopped — run apply again"
        case .unavailable(let error):
            var text = "cannot use the apply lock stream \(ApplyLock.streamName): \(error)"
            if error.errCode == .subjectsOverlap {
                text += " — another stream of the account listens on \(ApplyLock.subjectPrefix)>; narrow its subjects so jetform can keep its locks"
            }
            return text
        }
    }
}

/// A lock that keeps two `jetform apply` runs on one topology from interleaving, kept in JetStream itself.
///
/// Design:
/// - One small stream, `JETFORM_LOCKS`, in the account jetform manages, listening on `jetform.lock.>`;
///   topology `users` locks subject `jetform.lock.users`. `max_msgs_per_subject: 1` keeps one message per
///   lock. The stream has no `max_age`: each topology's lock has its own expiry, so one topology's short
///   expiry never cuts another's live lock short.
/// - Expiry, 2.11+: every lock message carries `Nats-TTL` = its holder's expiry (the stream allows
///   per-message TTLs), so the *server* drops a record nobody refreshed and no client clocks are compared.
/// - Expiry, 2.10 (no per-message TTL): the record names its own expiry; a waiting run that sees the same
///   record (same sequence) for that long on its own monotonic clock takes the lock over by publishing with
///   that sequence expected, so exactly one waiter wins. A killed holder then blocks for at most its expiry
///   after the waiter first saw its record.
/// - Acquire = publish the holder record with `Nats-Expected-Last-Subject-Sequence: 0` ("only if the
///   subject is empty"). The stream's leader serialises publishes, so exactly one run wins; the others get
///   10071 or 10164 (wrong last sequence), read the holder record, and retry until `timeout`.
/// - While applying, a heartbeat re-publishes the record with `Nats-Expected-Last-Subject-Sequence:
///   <our sequence>` every third of the expiry, which restarts the expiry. A heartbeat refused with
///   10071/10164 means the lock expired and someone else took it: the apply is cancelled ("lost").
/// - Release = delete our message by sequence (never a purge, which could delete another run's lock).
/// - A stream of the account listening on `jetform.lock.>` (or `>`) keeps the lock stream from being
///   created (10065 subjects overlap); apply then stops and says so.
/// - The stream is jetform's own: the planner never lists, plans or prunes it (`ApplyLock.isLockStream`).
public struct ApplyLock: Sendable {
    public static let streamName = "JETFORM_LOCKS"
    public static let subjectPrefix = "jetform.lock."
    public static let defaultExpiry: Duration = .seconds(30)

    /// This machine's name from gethostname (ProcessInfo.hostName may wait on DNS).
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown-host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether a stream is jetform's lock stream (not part of any topology).
    public static func isLockStream(_ name: String) -> Bool { name == streamName }

    public let jetStream: JetStreamContext
    public let topology: String
    /// How long this lock outlives its last heartbeat (this topology's only).
    public var expiry: Duration
    /// Replicas of the lock stream when jetform creates it.
    public var replicas: Int
    /// Shown to other runs.
    public var command: String

    public init(jetStream: JetStreamContext, topology: String, expiry: Duration = ApplyLock.defaultExpiry,
                replicas: Int = 1, command: String = "apply") {
        self.jetStream = jetStream
        self.topology = topology
        self.expiry = expiry
        self.replicas = max(1, min(3, replicas))
        self.command = command
    }

    public var subject: String { Self.subjectPrefix + Self.token(topology) }

    /// A subject token from a topology name: `.`, `*`, `>` and white space become `_`.
    static func token(_ name: String) -> String {
        String(name.map { ".*> \t".contains($0) ? "_" : $0 })
    }

    /// A held lock.
    public final class Lease: Sendable {
        public let holder: LockHolder
        let sequence: Mutex<UInt64>
        /// The lock's expiry; refreshes run every third of it.
        let expiry: Duration
        init(holder: LockHolder, sequence: UInt64, expiry: Duration) {
            self.holder = holder
            self.sequence = Mutex(sequence)
            self.expiry = expiry
        }
    }

    /// Whether the server stores per-message TTLs (`Nats-TTL`, 2.11+).
    var perMessageTTL: Bool { (jetStream.serverVersion ?? ServerVersion(major: 2, minor: 10, patch: 0)) >= ServerVersion(major: 2, minor: 11, patch: 0) }

    /// Creates the lock stream if it is missing, and brings one made by an older jetform (whose `max_age`
    /// was the expiry of every lock) to no `max_age` and per-message TTLs. Both changes only make other
    /// runs' locks last as long as they asked, never shorter.
    func ensureStream() async throws(ApplyLockError) {
        let ttl = perMessageTTL
        var config = StreamConfig(name: Self.streamName, subjects: [Self.subjectPrefix + ">"])
        config.description = "jetform apply locks (one message per topology, each with its own expiry)"
        config.storage = .file
        config.numReplicas = replicas
        config.maxMsgsPerSubject = 1
        config.discard = .old
        if ttl { config.allowMsgTTL = true }
        do {
            do {
                _ = try await jetStream.createStream(config)
            } catch where config.numReplicas ?? 1 > 1 && (error.errCode == .noSuitablePeers || error.errCode == .insufficientResources) {
                // A server is down: a single replica still serialises acquisitions (the health check reports the rest).
                config.numReplicas = 1
                _ = try await jetStream.createStream(config)
            }
        } catch where error.errCode == .streamNameExists {
            do {
                let live = try await jetStream.streamInfo(Self.streamName).config
                let maxAge = live.maxAge ?? .zero
                guard maxAge != .zero || (ttl && live.allowMsgTTL != true) else { return }
                var updated = live
                updated.maxAge = .zero
                if ttl { updated.allowMsgTTL = true }
                _ = try await jetStream.updateStream(updated)
            } catch {
                throw .unavailable(error)
            }
        } catch {
            throw .unavailable(error)
        }
    }

    /// The current holder, if the lock is taken.
    public func currentHolder() async throws(ApplyLockError) -> (LockHolder?, UInt64)? {
        do {
            guard let message = try await jetStream.lastMessage(stream: Self.streamName, subject: subject) else { return nil }
            return (try? JSONDecoder().decode(LockHolder.self, from: message.data), message.sequence)
        } catch where error.errCode == .streamNotFound {
            return nil
        } catch {
            throw .unavailable(error)
        }
    }

    /// Takes the lock, waiting up to `timeout` while another run holds it; `onWait` is called once when
    /// the lock is found taken.
    public func acquire(timeout: Duration, onWait: @Sendable (LockHolder?) -> Void = { _ in }) async throws(ApplyLockError) -> Lease {
        try await ensureStream()
        let holder = LockHolder(
            id: UUID().uuidString, topology: topology,
            holder: "\(Self.hostName) pid \(ProcessInfo.processInfo.processIdentifier)",
            command: command, acquiredAt: Timestamp(Date()).rawValue,
            expirySeconds: Double(expiry.components.seconds) + Double(expiry.components.attoseconds) / 1e18)
        let deadline = ContinuousClock.now + timeout
        let ttl = perMessageTTL
        var told = false
        var pause: Duration = .milliseconds(100)
        var lastSeen: LockHolder?
        // Without per-message TTLs: the holder's record (by sequence) and when this run first saw it.
        var unchanged: (sequence: UInt64, since: ContinuousClock.Instant)?
        var expecting: UInt64 = 0
        while true {
            do {
                let seq = try await publish(holder, expecting: expecting)
                return Lease(holder: holder, sequence: seq, expiry: expiry)
            } catch where error.isWrongLastSequence {
                // Taken. Maybe by us: a publish that timed out may still have been stored.
                let current = try await currentHolder()
                if let (record, seq) = current, record?.id == holder.id {
                    return Lease(holder: holder, sequence: seq, expiry: expiry)
                }
                lastSeen = current?.0 ?? lastSeen
                expecting = 0
                if !ttl, let (record, seq) = current {
                    // The record's own expiry, measured on this run's clock from when it first saw it.
                    if unchanged?.sequence != seq { unchanged = (seq, .now) }
                    let holderExpiry = record.map { Duration.milliseconds(Int64(($0.expirySeconds * 1000).rounded())) } ?? expiry
                    if let since = unchanged?.since, since.duration(to: .now) >= holderExpiry {
                        expecting = seq  // expired: take it over, unless someone refreshes or takes it first
                        continue
                    }
                }
                if !told { onWait(lastSeen); told = true }
            } catch where error.errCode == .streamNotFound {
                // Someone deleted the lock stream: make it again.
                try await ensureStream()
            } catch {
                // Worth another try within the wait: no reply in time, or reconnecting.
                switch error {
                case .timeout, .disconnected, .noResponders: break
                default: throw .unavailable(error)
                }
            }
            if ContinuousClock.now >= deadline {
                throw .held(by: lastSeen, topology: topology, waited: timeout)
            }
            // Backoff: a lock message's delete or expiry publishes nothing to wait on.
            do {
                try await Task.sleep(for: min(pause, max(.milliseconds(1), deadline - ContinuousClock.now)))
            } catch {
                throw .unavailable(.cancelled(operation: "waiting for the apply lock"))
            }
            pause = min(pause * 2, .seconds(1))
        }
    }

    /// Re-publishes the holder record on our sequence, restarting the expiry. Throws `.lost` when
    /// someone else's record is there now.
    public func refresh(_ lease: Lease) async throws(ApplyLockError) {
        let seq = lease.sequence.withLock { $0 }
        do {
            let next = try await publish(lease.holder, expecting: seq)
            lease.sequence.withLock { $0 = next }
        } catch where error.isWrongLastSequence {
            throw .lost(topology: topology, detail: "it expired and another run took it")
        } catch {
            throw .unavailable(error)
        }
    }

    /// Deletes our lock message (only ours, by sequence). Errors are ignored: an unreleased lock expires.
    public func release(_ lease: Lease) async {
        let seq = lease.sequence.withLock { $0 }
        _ = try? await jetStream.deleteMessage(stream: Self.streamName, sequence: seq)
    }

    /// Runs `body` holding the lock: acquire (waiting up to `timeout`), heartbeat while `body` runs,
    /// release afterwards (also when `body` throws). If the lock is lost, `body` is cancelled and
    /// `ApplyLockError.lost` is thrown.
    public func withLock<T: Sendable>(timeout: Duration, onWait: @Sendable (LockHolder?) -> Void = { _ in },
                                      _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let lease = try await acquire(timeout: timeout, onWait: onWait)
        do {
            let result = try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await self.heartbeat(lease)
                    return nil
                }
                while let next = try await group.next() {
                    if let value = next {
                        group.cancelAll()
                        return value
                    }
                }
                throw ApplyLockError.lost(topology: topology, detail: "heartbeat stopped")
            }
            await release(lease)
            return result
        } catch {
            await release(lease)
            throw error
        }
    }

    /// Refreshes every third of the expiry until cancelled; throws `.lost` when the lock is gone, or when
    /// no refresh succeeded for a whole expiry (the server has dropped it by then).
    func heartbeat(_ lease: Lease) async throws {
        var lastSuccess = ContinuousClock.now
        let expiry = lease.expiry
        while !Task.isCancelled {
            do { try await Task.sleep(for: expiry / 3) } catch { return }
            do {
                try await refresh(lease)
                lastSuccess = .now
            } catch ApplyLockError.lost(let topology, let detail) {
                throw ApplyLockError.lost(topology: topology, detail: detail)
            } catch {
                if ContinuousClock.now - lastSuccess >= expiry {
                    throw ApplyLockError.lost(topology: topology, detail: "no heartbeat got through for \(ValueFormatter.seconds(expiry)): \(error)")
                }
            }
        }
    }

    private func publish(_ holder: LockHolder, expecting seq: UInt64) async throws(JetStreamError) -> UInt64 {
        let data = (try? JSONEncoder().encode(holder)) ?? Data()
        // Whole seconds, at least one: what `Nats-TTL` takes.
        let ttl: Duration? = perMessageTTL ? .seconds(max(1, Int64((Double(expiry.components.seconds) + Double(expiry.components.attoseconds) / 1e18).rounded(.up)))) : nil
        let ack = try await jetStream.publish(subject: subject, payload: ByteBuffer(bytes: data),
                                              options: PublishOptions(expectedStream: Self.streamName, expectedLastSubjectSequence: seq, ttl: ttl))
        return ack.seq
    }
}
