import NATS
import NIOCore
import Synchronization

/// Core pub/sub: one publisher, several subscribers (each on its own connection); every subscriber
/// must receive every message, in the order the publisher sent them.
public struct PubSubScenario: Sendable {
    public var subject: String
    public var subscribers: Int
    public var count: Int
    /// Test hook: subscriber 0 ignores every n-th message (a deliberately broken subscriber).
    public var dropEvery: Int?

    public init(subject: String, subscribers: Int = 3, count: Int = 1000, dropEvery: Int? = nil) {
        self.subject = subject
        self.subscribers = max(1, subscribers)
        self.count = max(0, count)
        self.dropEvery = dropEvery
    }

    public static let flow = "publisher → subject → every subscriber"

    public func run(_ env: SmokeEnvironment, recorder observe: (@Sendable (SmokeRecorder) -> Void)? = nil) async -> ScenarioReport {
        let recorder = SmokeRecorder(count: count, fanOut: subscribers)
        observe?(recorder)
        var clients: [NATSClient] = []
        do {
            let publisher = try await env.connect("pubsub-pub")
            clients.append(publisher)
            var subs: [NATSSubscription] = []
            for i in 0..<subscribers {
                let c = try await env.connect("pubsub-sub\(i + 1)")
                clients.append(c)
                subs.append(try await c.subscribe(to: subject))
                try await c.flush()
            }
            let report = try await CoreFanIn.run(
                env: env, recorder: recorder, publisher: publisher, subject: subject, subscriptions: subs, count: count,
                scenario: .pubsub, flow: Self.flow, names: (0..<subscribers).map { "s\($0 + 1)" }, useSlots: true,
                dropEvery: dropEvery
            ) { id, subscriber in (slot: subscriber, worker: nil) }
            for c in clients { await c.close() }
            return report
        } catch {
            for c in clients { await c.close() }
            return .failed(.pubsub, flow: Self.flow, error: "\(error)")
        }
    }
}

/// Core queue group: one publisher, several members in one queue group; each message must reach
/// exactly one member.
public struct QueueScenario: Sendable {
    public var subject: String
    public var group: String
    public var members: Int
    public var count: Int

    public init(subject: String, group: String = "smoke-workers", members: Int = 3, count: Int = 1000) {
        self.subject = subject
        self.group = group
        self.members = max(1, members)
        self.count = max(0, count)
    }

    public var flow: String { "publisher → subject → one of \(members) in queue group \(group)" }

    public func run(_ env: SmokeEnvironment, recorder observe: (@Sendable (SmokeRecorder) -> Void)? = nil) async -> ScenarioReport {
        let recorder = SmokeRecorder(count: count, fanOut: 1, workers: members)
        observe?(recorder)
        var clients: [NATSClient] = []
        do {
            let publisher = try await env.connect("queue-pub")
            clients.append(publisher)
            var subs: [NATSSubscription] = []
            for i in 0..<members {
                let c = try await env.connect("queue-member\(i + 1)")
                clients.append(c)
                subs.append(try await c.subscribe(to: subject, queueGroup: group))
                try await c.flush()
            }
            let report = try await CoreFanIn.run(
                env: env, recorder: recorder, publisher: publisher, subject: subject, subscriptions: subs, count: count,
                scenario: .queue, flow: flow, names: (0..<members).map { "m\($0 + 1)" }, useSlots: false, dropEvery: nil
            ) { id, member in (slot: 0, worker: member) }
            for c in clients { await c.close() }
            return report
        } catch {
            for c in clients { await c.close() }
            return .failed(.queue, flow: flow, error: "\(error)")
        }
    }
}

/// The shared body of pub/sub and queue: probe until every subscription receives, publish, collect.
enum CoreFanIn {
    static func run(
        env: SmokeEnvironment, recorder: SmokeRecorder, publisher: NATSClient, subject: String,
        subscriptions: [NATSSubscription], count: Int, scenario: ScenarioKind, flow: String, names: [String],
        useSlots: Bool, dropEvery: Int?, route: @escaping @Sendable (Int, Int) -> (slot: Int, worker: Int?)
    ) async throws -> ScenarioReport {
        let runId = env.runId
        // Probes: interest on other servers of a cluster arrives a little after SUB; count nothing until
        // every subscription (pub/sub) or at least one member (queue) has received a probe.
        let probed = ProbeSet()
        let readers = subscriptions.enumerated().map { index, sub in
            Task {
                var seen = 0
                for await message in sub {
                    switch SmokePayload.decode(message.payload, runId: runId) {
                    case .probe: probed.insert(index)
                    case .request(let id):
                        seen += 1
                        if index == 0, let n = dropEvery, n > 0, seen % n == 0 { continue }
                        let r = route(id, index)
                        if let w = r.worker { recorder.handled(id, by: w) }
                        recorder.answered(id, slot: r.slot)
                    case .stale: recorder.staleSeen()
                    case .malformed: recorder.unexpectedSeen()
                    }
                }
            }
        }
        let needed = scenario == .pubsub ? subscriptions.count : 1
        let clock = ContinuousClock()
        let probeDeadline = clock.now.advanced(by: .seconds(5))
        while probed.count < needed {
            guard clock.now < probeDeadline else {
                for r in readers { r.cancel() }
                for s in subscriptions { s.unsubscribe() }
                throw SmokeError.noInterest(subject: subject)
            }
            try await publisher.publish(SmokePayload.probe(runId: runId), to: subject)
            try await publisher.flush()
            try await Task.sleep(for: .milliseconds(20))
        }

        let started = clock.now
        let chunk = 1000
        var next = 0
        while next < count {
            let end = min(count, next + chunk)
            recorder.sent(next..<end)
            for id in next..<end {
                try await publisher.publish(SmokePayload.encode(runId: runId, id: id), to: subject)
            }
            // Core NATS has no acks: a flush (the server has read everything before it) stands in.
            try await publisher.flush()
            recorder.acknowledged(next..<end)
            next = end
        }
        await Wait.untilSettled(recorder, idle: env.idleTimeout)
        // A short grace period catches duplicates that would arrive right after the last answer.
        try? await Task.sleep(for: .milliseconds(50))
        for s in subscriptions { s.unsubscribe() }
        for r in readers { r.cancel() }
        let elapsed = clock.now - started
        var notes: [String] = []
        let dropped = subscriptions.reduce(0) { $0 + $1.droppedCount }
        if dropped > 0 { notes.append("\(dropped) messages dropped by the client (slow subscriber)") }
        return ScenarioReport(scenario: scenario, flow: flow, checker: recorder.snapshot, workerNames: names,
                              durationSeconds: Wait.seconds(elapsed), notes: notes, useSlots: useSlots)
    }
}

/// Which subscriptions have received a probe.
final class ProbeSet: Sendable {
    private let seen = Mutex(Set<Int>())
    func insert(_ index: Int) { _ = seen.withLock { $0.insert(index) } }
    var count: Int { seen.withLock { $0.count } }
}
