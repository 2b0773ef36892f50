import JetStreamSchema
public import JetStream
import NATS
import NIOCore

/// Key-Value puts, reads, a watcher and history on a bucket of the topology:
///
///     writers (one per key, expected revision, Nats-Msg-Id) ──put──▶ KV_<B> ($KV.<B>.jetform-smoke.<run>.<k>)
///     after each stored put: read the key back (STREAM.MSG.GET last_by_subj, from the stream leader)
///     watcher (ordered consumer of the run's keys) ──▶ every stored put, per key in revision order
///     at the end: each key's latest value, one key's history (as deep as the bucket keeps), purge
///
/// Put `n` goes to key `n % keys`. The run's keys (`jetform-smoke.<run id>.<k>`) never collide with
/// other runs or the application's keys, and are purged at the end (`STREAM.PURGE` filtered to them).
///
/// Figures: **acknowledged** puts the stream stored (an ack, or a read that found the value after the ack
/// was lost); **answered** the puts the watcher delivered; **lost** acknowledged puts the watcher never
/// delivered, plus keys whose latest value is not their last acknowledged put; **duplicated** puts the
/// watcher delivered twice; **unexpected** conflicts (the key changed under a writer) and updates the
/// watcher delivered that no writer made. Latency is publish to ack of each put.
public struct KVScenario: Sendable {
    public var bucket: String
    public var count: Int
    public var keys: Int
    /// `--kill-server` and its kin, aimed at the bucket stream's leader once a quarter of the puts are stored.
    public var fault: KillServerFault?

    /// Puts, and keys they rotate over, when the file does not say.
    public static let defaultCount = 1000, defaultKeys = 10

    public init(bucket: String, count: Int = defaultCount, keys: Int = defaultKeys, fault: KillServerFault? = nil) {
        self.bucket = bucket
        self.count = max(0, count)
        self.keys = max(1, min(keys, max(1, count)))
        self.fault = fault
    }

    public var stream: String { KVFields.streamName(bucket) }

    /// How long a writer waits for a watcher that is `history` puts behind and delivers nothing: long
    /// enough for the watcher to notice its consumer stalled (2 s) and make it again on a loaded machine
    /// (a 3 s wait let writers outrun it while the whole test suite ran beside it).
    static func watcherWait(_ env: SmokeEnvironment) -> Duration { max(env.idleTimeout, .seconds(10)) }

    public var flow: String { "\(keys) writers → \(stream) → reads, watcher, history" }

    /// `jetform-smoke.<run id>`: the run's keys are this plus `.<k>`.
    static func keyPrefix(runId: String) -> String { "jetform-smoke.\(runId)" }

    /// What the cluster says about the bucket.
    public struct Setup: Sendable {
        /// Values kept per key (`max_msgs_per_subject`); nil: unlimited.
        public var history: Int?
        /// The watcher starts after this stream sequence.
        public var lastSequence: UInt64
    }

    public func inspect(_ js: JetStreamContext) async throws -> Setup {
        let info: StreamInfo
        do { info = try await js.streamInfo(stream) } catch {
            if error.errCode == .streamNotFound {
                throw SmokeError.missingOnCluster("kv bucket \(bucket) (stream \(stream)) does not exist on the cluster")
            }
            throw error
        }
        let perSubject = info.config.maxMsgsPerSubject ?? -1
        return Setup(history: perSubject > 0 ? Int(perSubject) : nil, lastSequence: info.state.lastSeq ?? 0)
    }

    public func run(_ env: SmokeEnvironment, recorder observe: (@Sendable (SmokeRecorder) -> Void)? = nil) async -> ScenarioReport {
        var clients: [NATSClient] = []
        var background: [Task<Void, Never>] = []
        let stop = KVWatcher.Stop()
        do {
            let admin = try await env.connect("kv-admin")
            clients.append(admin)
            let js = JetStreamContext(client: admin, domain: env.jetStreamDomain)
            let setup = try await inspect(js)
            let recorder = SmokeRecorder(count: count)
            observe?(recorder)
            let ledger = KVRecorder(count: count, keys: keys)
            let runId = env.runId
            let prefix = Self.keyPrefix(runId: runId)
            let subjectPrefix = KVFields.subject(bucket: bucket, key: prefix + ".")

            // The watcher first, from the stream's end: it must see every put of the run.
            let watcherClient = try await env.connect("kv-watcher")
            clients.append(watcherClient)
            let watcher = KVWatcher(context: JetStreamContext(client: watcherClient, domain: env.jetStreamDomain), stream: stream,
                                    filter: subjectPrefix + ">", namePrefix: "jetform-smoke-\(runId)-watch")
            let keys = keys
            let watching = Task {
                await watcher.run(from: setup.lastSequence + 1, stop: stop, undelivered: { next in
                    ledger.record { l in recorder.read { c in l.stored(from: next, notIn: { c.isComplete($0) }) } }
                }, onUpdate: { update in
                    guard update.subject.hasPrefix(subjectPrefix), let key = Int(update.subject.dropFirst(subjectPrefix.utf8.count)),
                          key >= 0, key < keys, case .request(let id) = SmokePayload.decode(update.payload, runId: runId), id % keys == key else {
                        recorder.unexpectedSeen()
                        return
                    }
                    ledger.record { $0.watched(key: key, id: id, revision: update.streamSequence) }
                    recorder.answered(id)
                }, onRecreate: { reason in ledger.record { $0.watcherRecreated(reason) } })
            }
            background.append(watching)

            let faultHandle = try await fault?.start(env: env, target: .init(stream: stream, role: "\(stream) leader"), count: count,
                                                     recorder: recorder, progress: .acknowledgedPuts)

            let writerClient = try await env.connect("kv-writer")
            clients.append(writerClient)
            let writer = KVWriter(context: JetStreamContext(client: writerClient, domain: env.jetStreamDomain), stream: stream,
                                  subjectPrefix: subjectPrefix, runId: runId, history: setup.history, watcherWait: Self.watcherWait(env))
            let clock = ContinuousClock()
            let started = clock.now
            await withTaskGroup(of: Void.self) { group in
                for key in 0..<keys {
                    group.addTask { await writer.write(key: key, recorder: recorder, ledger: ledger) }
                }
            }
            let putsTook = clock.now - started
            await Wait.untilSettled(recorder, idle: env.idleTimeout)
            let elapsed = clock.now - started
            var checks = await faultHandle?.finish(recorder.snapshot) ?? []
            // Deliveries still on their way once the server is back count too.
            await Wait.untilSettled(recorder, idle: .milliseconds(500))
            stop.set()
            _ = await watching.value

            let records = ledger.snapshot
            let latest = await latestValues(writer, records)
            let history = await historyCheck(js, key: "\(prefix).0", subject: writer.subject(of: 0), records: records, history: setup.history, runId: runId)
            checks.insert(contentsOf: [readsCheck(records), watcherCheck(recorder.snapshot, records), latest.check, history], at: 0)
            var notes: [String] = []
            if records.conflicts > 0 { notes.append("\(records.conflicts) puts found the key changed by another writer (conflicts)") }
            if records.storedAckLost > 0 { notes.append("\(records.storedAckLost) puts were refused as out of date but were ours: stored, the ack lost") }
            if records.storedAfterFailure > 0 { notes.append("\(records.storedAfterFailure) puts whose publish failed were found stored by a read") }
            if records.wentAheadOfWatcher > 0 {
                notes.append("\(records.wentAheadOfWatcher) puts were made with the watcher more than \(setup.history ?? 0) puts of their key behind (it delivered nothing for \(SmokeReportRenderer.ms(Wait.seconds(Self.watcherWait(env)) * 1000))); the bucket may have dropped values it never saw")
            }
            if records.duplicateAcks > 0 { notes.append("\(records.duplicateAcks) retried puts were deduplicated by Nats-Msg-Id") }
            notes.append(await purge(js, subjectPrefix: subjectPrefix))
            for c in clients { await c.close() }

            let snapshot = recorder.snapshot
            var report = ScenarioReport(scenario: .kv, flow: flow, checker: snapshot, workerNames: [], durationSeconds: Wait.seconds(elapsed),
                                        checks: checks, notes: notes)
            report.lost += latest.missing
            report.outOfOrder = records.watchedOutOfOrder
            report.latency = records.ackLatency.totalCount > 0 ? LatencySummary(records.ackLatency) : nil
            report.histogram = LatencyBucket.buckets(records.ackLatency)
            let putSeconds = Wait.seconds(putsTook)
            report.throughput = putSeconds > 0 ? Double(snapshot.acknowledged) / putSeconds : 0
            report.recordBytes += records.footprintBytes
            return report
        } catch {
            stop.set()
            for t in background { t.cancel() }
            for c in clients { await c.close() }
            return .failed(.kv, flow: flow, error: "\(error)")
        }
    }

    /// Each key must hold its last stored put, at that put's revision.
    func latestValues(_ writer: KVWriter, _ records: KVLedger) async -> (check: ScenarioCheck, missing: Int) {
        var wrong: [String] = []
        for key in 0..<records.keys {
            guard let last = records.lastStored(on: key) else { continue }
            let head = try? await writer.read(key: key)
            if head?.id != last.id || head?.revision != last.revision {
                let held = head.map { h in (h.id.map { "put \($0)" } ?? "no value of this run") + " at revision \(h.revision)" } ?? "nothing (the read failed)"
                wrong.append("key \(key): put \(last.id) at revision \(last.revision) expected, \(held) found")
            }
        }
        let detail = wrong.isEmpty ? "all \(records.keys) keys hold their last acknowledged put"
            : "\(wrong.count) of \(records.keys) keys do not hold their last acknowledged put: " + wrong.prefix(3).joined(separator: "; ")
        return (ScenarioCheck(name: "latest values", passed: wrong.isEmpty, detail: detail), wrong.count)
    }

    func readsCheck(_ records: KVLedger) -> ScenarioCheck {
        let detail = records.getMismatches == 0
            ? "\(records.getsChecked) reads after a put returned it at its revision"
            : "\(records.getMismatches) of \(records.getsChecked) reads after a put did not return it: " + records.getMismatchDetails.joined(separator: "; ")
        return ScenarioCheck(name: "reads", passed: records.getMismatches == 0, detail: detail)
    }

    func watcherCheck(_ checker: Checker, _ records: KVLedger) -> ScenarioCheck {
        var detail = "saw \(checker.answered) of \(checker.acknowledged) acknowledged puts"
        detail += records.watchedOutOfOrder == 0 ? ", each key in revision order" : ", \(records.watchedOutOfOrder) out of revision order"
        if checker.duplicatedAnswers > 0 { detail += ", \(checker.duplicatedAnswers) twice" }
        if records.watcherRecreations > 0 {
            detail += "; its consumer was made again \(records.watcherRecreations) time\(records.watcherRecreations == 1 ? "" : "s") from the last sequence seen + 1 ("
                + records.watcherRecreationReasons.joined(separator: "; ") + ")"
        }
        let passed = checker.lost == 0 && records.watchedOutOfOrder == 0 && checker.duplicatedAnswers == 0
        return ScenarioCheck(name: "watcher", passed: passed, detail: detail)
    }

    /// Key `subject`'s history, read with a consumer from the start filtered to it: the newest
    /// min(puts, history) values, oldest first.
    func historyCheck(_ js: JetStreamContext, key: String, subject: String, records: KVLedger, history: Int?, runId: String) async -> ScenarioCheck {
        let name = "history"
        let expected = records.expectedHistory(of: 0, history: history ?? Int.max)
        let depth = history.map(String.init) ?? "unlimited"
        var config = ConsumerConfig(ackPolicy: AckPolicy.none, filterSubject: subject)
        config.name = "jetform-smoke-\(runId)-history"
        config.deliverPolicy = .all
        config.memStorage = true
        config.numReplicas = 1
        config.inactiveThreshold = .seconds(10)
        do {
            let info = try await js.createConsumer(stream: stream, config: config, action: .create)
            let pending = Int(info.numPending ?? 0)
            var found: [(id: Int?, revision: UInt64)] = []
            let consumer = PullConsumer(context: js, stream: stream, name: config.name!)
            while found.count < pending {
                let batch = try await consumer.fetch(batch: pending - found.count, expires: .seconds(2))
                if batch.isEmpty { break }
                for m in batch {
                    var id: Int?
                    if case .request(let n) = SmokePayload.decode(m.payload, runId: runId) { id = n }
                    found.append((id, m.metadata?.streamSequence ?? 0))
                }
            }
            try? await js.deleteConsumer(stream: stream, name: config.name!)
            let what = "key \(key) after \(records.storedPuts(on: 0).count) puts with history \(depth): \(expected.count) values expected, "
            guard pending == expected.count, found.count == expected.count else {
                return ScenarioCheck(name: name, passed: false, detail: what + "\(pending) held, \(found.count) read")
            }
            let same = zip(found, expected).allSatisfy { $0.id == $1.id && $0.revision == $1.revision }
            return ScenarioCheck(name: name, passed: same,
                                 detail: what + (same ? "the newest \(expected.count) in order" : "\(expected.count) held but not the newest in order"))
        } catch {
            return ScenarioCheck(name: name, passed: false, detail: "reading the history of key \(key): \(error)")
        }
    }

    /// Removes every message of the run's keys (nothing is left, not even delete markers).
    func purge(_ js: JetStreamContext, subjectPrefix: String) async -> String {
        do {
            let purged = try await js.purgeStream(stream, filter: subjectPrefix + ">")
            return "purged this run's keys (\(purged) messages) from \(stream)"
        } catch {
            return "left this run's keys (\(subjectPrefix)*) in \(stream): purging them failed: \(error)"
        }
    }
}
