import Foundation
import JetStream
import NIOCore

/// Writes one key's puts one after another with optimistic concurrency, as a Key-Value `Update` does:
/// each put expects the revision the writer last saw for the key (`Nats-Expected-Last-Subject-Sequence`,
/// 0 for the first) and carries a `Nats-Msg-Id`, so a put retried after a lost ack is deduplicated
/// instead of refused. After each stored put the key is read back from the stream leader.
///
/// A refused put (wrong last sequence, 10071/10164) or one whose publish failed is settled by reading
/// the key: our value at the head means it was stored (the ack was lost); an earlier put of ours that was
/// given up on means that one was stored late; anything else is another writer (a conflict: nobody else
/// writes these keys). The put is then tried again against what the key holds.
struct KVWriter: Sendable {
    var context: JetStreamContext
    var stream: String
    /// `$KV.<bucket>.jetform-smoke.<run id>.`: the subject of key `k` is this plus `k`.
    var subjectPrefix: String
    var runId: String
    /// Values the bucket keeps per key (nil: unlimited). A writer stays at most this many puts of its key
    /// ahead of the watcher: a put beyond that would drop a value the watcher has not yet seen.
    var history: Int?
    /// How long a writer waits for the watcher before it writes anyway (counted in the report).
    var watcherWait: Duration
    /// Attempts per put before it is given up (each publish retries transient errors for 20 s itself).
    var attempts = 4

    func subject(of key: Int) -> String { subjectPrefix + String(key) }

    /// What the key holds: the put of this run at its head (nil: none, or not ours) and its revision (0: empty).
    struct Head: Sendable {
        var id: Int?
        var revision: UInt64
    }

    func read(key: Int) async throws(JetStreamError) -> Head {
        guard let message = try await context.lastMessage(stream: stream, subject: subject(of: key)) else { return Head(id: nil, revision: 0) }
        if case .request(let id) = SmokePayload.decode(ByteBuffer(bytes: message.data), runId: runId), !message.isKVDelete {
            return Head(id: id, revision: message.sequence)
        }
        return Head(id: nil, revision: message.sequence)
    }

    /// Writes the puts of `key` (ids `key, key + keys, …`), recording into `recorder` and `ledger`.
    func write(key: Int, recorder: SmokeRecorder, ledger: KVRecorder) async {
        let ids = ledger.record { $0.puts(on: key) }
        var expected: UInt64 = 0
        for id in ids {
            if Task.isCancelled { return }
            if !(await waitForWatcher(id, recorder: recorder, ledger: ledger)) { ledger.record { $0.wentAhead() } }
            recorder.sent(id)
            var revision: UInt64?
            for _ in 0..<attempts where revision == nil {
                let started = ContinuousClock.now
                do throws(JetStreamError) {
                    let options = PublishOptions(msgId: "jetform-smoke-\(runId)-\(id)", expectedLastSubjectSequence: expected)
                    let ack = try await context.publish(subject: subject(of: key), payload: SmokePayload.encode(runId: runId, id: id), options: options)
                    let took = ContinuousClock.now - started
                    ledger.record { l in
                        if ack.duplicate == true { l.duplicateAck() }
                        l.stored(id, revision: ack.seq, latency: took)
                    }
                    revision = ack.seq
                } catch {
                    let refused = error.errCode == .wrongLastSequence || error.errCode == .wrongLastSequenceClustered
                    guard let head = try? await read(key: key) else {
                        try? await Task.sleep(for: .milliseconds(250))
                        continue
                    }
                    if head.id == id {
                        ledger.record { l in
                            if refused { l.ackLost() } else { l.foundAfterFailure() }
                            l.stored(id, revision: head.revision, latency: nil)
                        }
                        revision = head.revision
                    } else if let earlier = head.id, earlier < id, ledger.record({ $0.key(of: earlier) == key && $0.revisions[earlier] == 0 }) {
                        // An earlier put of ours, given up on, was stored after all: it counts, and this put follows it.
                        ledger.record { l in
                            l.foundAfterFailure()
                            l.stored(earlier, revision: head.revision, latency: nil)
                        }
                        recorder.acknowledged(earlier)
                        expected = head.revision
                    } else if head.revision != expected {
                        // Someone else wrote the key (or our own earlier value is not where it should be).
                        ledger.record { $0.conflict() }
                        recorder.unexpectedSeen()
                        expected = head.revision
                    }
                    // Otherwise the key holds what we expected: this put was not stored; try again.
                }
            }
            guard let revision else {
                recorder.publishFailed(id)
                continue
            }
            recorder.acknowledged(id)
            expected = revision
            let head = try? await read(key: key)
            ledger.record { $0.read(after: id, found: head?.id, revision: head?.revision) }
        }
    }

    /// Waits until put `id` may be written (``KVLedger/mayWrite(_:history:)``), at most `watcherWait`
    /// without the watcher delivering anything. False when it gave up.
    func waitForWatcher(_ id: Int, recorder: SmokeRecorder, ledger: KVRecorder) async -> Bool {
        let history = history
        return await Wait.until(idle: watcherWait, on: recorder.changes, progress: { recorder.read { $0.answered } },
                                done: { ledger.record { $0.mayWrite(id, history: history) } })
    }
}
