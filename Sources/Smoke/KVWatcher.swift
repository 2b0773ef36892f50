import JetStream
import NIOCore
import Synchronization

/// Follows every update of one run's keys in a Key-Value bucket, in stream order, the way nats.go's
/// ordered consumer does: an ephemeral pull consumer without acks from a start sequence, made again
/// from the last stream sequence seen + 1 whenever its delivery sequence skips, the pull ends (consumer
/// deleted), or it delivers nothing while updates it should deliver are stored (its server was killed).
struct KVWatcher: Sendable {
    var context: JetStreamContext
    var stream: String
    /// `$KV.<bucket>.jetform-smoke.<run id>.>`.
    var filter: String
    /// Names of the consumers: this plus `-<generation>`.
    var namePrefix: String

    /// One delivered update.
    struct Update: Sendable {
        var subject: String
        var streamSequence: UInt64
        var payload: ByteBuffer
    }

    /// Set to end ``run(from:stop:undelivered:onUpdate:onRecreate:)`` (within a quarter of a second).
    final class Stop: Sendable {
        private let flag = Atomic<Bool>(false)
        var isSet: Bool { flag.load(ordering: .acquiring) }
        func set() { flag.store(true, ordering: .releasing) }
    }

    /// How long the consumer may deliver nothing while `undelivered` says stored updates wait, before it
    /// counts as stalled (its server was killed, or it has heartbeats but delivers nothing) and is made again.
    var stalledAfter: Duration = .seconds(2)

    /// Delivers every message on `filter` from stream sequence `start` on until `stop` is set.
    /// `undelivered(next)` tells how many stored updates at `next` or later the watcher has not delivered.
    func run(from start: UInt64, stop: Stop, undelivered: @escaping @Sendable (UInt64) -> Int, onUpdate: @Sendable (Update) -> Void,
             onRecreate: @Sendable (String) -> Void) async {
        let position = Position(next: start)
        var generation = 0
        var reason: String?
        while !stop.isSet && !Task.isCancelled {
            generation += 1
            let name = "\(namePrefix)-\(generation)"
            let from = position.next
            let messages: PullMessages
            do {
                _ = try await context.createConsumer(stream: stream, config: config(name: name, from: from), action: .create)
                messages = try await PullConsumer(context: context, stream: stream, name: name)
                    .messages(batch: 256, expires: .seconds(5), idleHeartbeat: .seconds(1))
            } catch {
                // No stream leader yet (an election): try again; the reason stays the first one.
                reason = reason ?? "\(error)"
                try? await Task.sleep(for: .milliseconds(250))
                generation -= 1
                continue
            }
            if let reason { onRecreate(reason) }
            reason = nil
            // The watch beside the iteration: ends it when asked to stop, or when the consumer stalls.
            position.started()
            let stalledAfter = stalledAfter
            let monitor = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    if stop.isSet { break }
                    let from = position.next
                    let waiting = undelivered(from)
                    if waiting > 0 && position.silence > stalledAfter {
                        position.stalled("\(name) delivered none of \(waiting) stored updates from sequence \(from) for \(stalledAfter)")
                        break
                    }
                }
                messages.stop()
            }
            var delivered: UInt64 = 0
            do {
                for try await message in messages {
                    guard let meta = message.metadata else { continue }
                    guard meta.consumerSequence == delivered + 1 else {
                        reason = "\(name) delivered sequence \(meta.consumerSequence) after \(delivered)"
                        break
                    }
                    delivered = meta.consumerSequence
                    position.delivered(meta.streamSequence)
                    onUpdate(Update(subject: message.subject, streamSequence: meta.streamSequence, payload: message.payload))
                }
            } catch {
                reason = "\(error)"
            }
            monitor.cancel()
            messages.stop()
            if stop.isSet {
                // Best effort: an ephemeral consumer is removed by the server after its inactive threshold anyway.
                try? await context.deleteConsumer(stream: stream, name: name)
                return
            }
            reason = reason ?? position.stallReason ?? "\(name)'s pull ended"
        }
    }

    /// An ephemeral pull consumer of the run's keys from `start`, without acks (as an ordered consumer).
    func config(name: String, from start: UInt64) -> ConsumerConfig {
        var c = ConsumerConfig(ackPolicy: AckPolicy.none, filterSubject: filter)
        c.name = name
        c.deliverPolicy = .byStartSequence
        c.optStartSeq = max(1, start)
        c.memStorage = true
        c.numReplicas = 1
        c.inactiveThreshold = .seconds(10)
        c.maxWaiting = 8
        return c
    }
}

/// Where a watcher is: the next stream sequence it wants, when its consumer last delivered, and why it
/// was found stalled; shared by the iteration and the watch beside it.
private final class Position: Sendable {
    private struct State {
        var next: UInt64
        var lastDelivery = ContinuousClock.now
        var stallReason: String?
    }
    private let state: Mutex<State>

    init(next: UInt64) { state = Mutex(State(next: next)) }

    var next: UInt64 { state.withLock { $0.next } }
    /// Time since the last delivery (or since the consumer was made).
    var silence: Duration { ContinuousClock.now - state.withLock { $0.lastDelivery } }
    var stallReason: String? { state.withLock { $0.stallReason } }

    /// A new consumer starts: its silence counts from now.
    func started() { state.withLock { $0.lastDelivery = .now; $0.stallReason = nil } }
    func delivered(_ sequence: UInt64) { state.withLock { $0.next = sequence + 1; $0.lastDelivery = .now } }
    func stalled(_ reason: String) { state.withLock { $0.stallReason = reason } }
}
