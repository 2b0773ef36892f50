import NATS
import NIOCore

/// Core request/reply: responders in a queue group answer each request with its own id; every
/// request must get its own answer. A request to a subject nobody listens on must fail at once with
/// "no responders", not after the timeout.
public struct RequestScenario: Sendable {
    public var subject: String
    public var responders: Int
    public var count: Int
    /// Requests awaiting their reply at the same time.
    public var inFlight: Int
    /// How long one request may wait for its reply.
    public var requestTimeout: Duration
    /// Test hook: responder 0 answers every n-th request with the wrong id.
    public var misanswerEvery: Int?

    public init(subject: String, responders: Int = 1, count: Int = 1000, inFlight: Int = 64,
                requestTimeout: Duration = .seconds(5), misanswerEvery: Int? = nil) {
        self.subject = subject
        self.responders = max(1, responders)
        self.count = max(0, count)
        self.inFlight = max(1, inFlight)
        self.requestTimeout = requestTimeout
        self.misanswerEvery = misanswerEvery
    }

    public var flow: String { "requester → \(subject) → \(responders) responder\(responders == 1 ? "" : "s") → reply inbox" }

    /// A "no responders" reply slower than this fails the check (it should take one round trip).
    public static let noRespondersLimit: Duration = .seconds(1)

    public func run(_ env: SmokeEnvironment, recorder observe: (@Sendable (SmokeRecorder) -> Void)? = nil) async -> ScenarioReport {
        let recorder = SmokeRecorder(count: count, fanOut: 1, workers: responders)
        observe?(recorder)
        var clients: [NATSClient] = []
        let group = "smoke-responders"
        let runId = env.runId
        let misanswerEvery = misanswerEvery
        do {
            var responderTasks: [Task<Void, Never>] = []
            var subs: [NATSSubscription] = []
            for i in 0..<responders {
                let c = try await env.connect("request-responder\(i + 1)")
                clients.append(c)
                let sub = try await c.subscribe(to: subject, queueGroup: group)
                subs.append(sub)
                try await c.flush()
                responderTasks.append(Task {
                    var seen = 0
                    for await message in sub {
                        guard let reply = message.replyTo else { continue }
                        var answer = message.payload
                        if case .request(let id) = SmokePayload.decode(message.payload, runId: runId) {
                            recorder.handled(id, by: i)
                            seen += 1
                            if i == 0, let n = misanswerEvery, n > 0, seen % n == 0 {
                                answer = SmokePayload.encode(runId: runId, id: id + 1)
                            }
                        }
                        try? await c.publish(answer, to: reply)
                    }
                })
            }
            let requester = try await env.connect("request-requester")
            clients.append(requester)
            try await waitForResponders(requester, runId: runId)

            let clock = ContinuousClock()
            let started = clock.now
            let timeout = requestTimeout
            let subject = subject
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                var next = 0
                func launch() {
                    let id = next
                    next += 1
                    tasks.addTask {
                        recorder.sent(id)
                        recorder.acknowledged(id)
                        do {
                            let reply = try await requester.request(SmokePayload.encode(runId: runId, id: id), to: subject, timeout: timeout)
                            switch SmokePayload.decode(reply.payload, runId: runId) {
                            case .request(let answered) where answered == id: recorder.answered(id)
                            case .stale: recorder.staleSeen()
                            default: recorder.unexpectedSeen()
                            }
                        } catch {
                            // Unanswered: the checker counts it as lost.
                        }
                    }
                }
                while next < min(count, inFlight) { launch() }
                while try await tasks.next() != nil {
                    if next < count { launch() }
                }
            }
            let elapsed = clock.now - started
            let check = await noRespondersCheck(requester)
            for s in subs { s.unsubscribe() }
            for t in responderTasks { t.cancel() }
            for c in clients { await c.close() }
            return ScenarioReport(scenario: .request, flow: flow, checker: recorder.snapshot,
                                  workerNames: (0..<responders).map { "r\($0 + 1)" }, durationSeconds: Wait.seconds(elapsed),
                                  checks: [check])
        } catch {
            for c in clients { await c.close() }
            return .failed(.request, flow: flow, error: "\(error)")
        }
    }

    /// Probe requests until a responder answers (interest may take a moment to cross the cluster).
    func waitForResponders(_ client: NATSClient, runId: String) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(5))
        while true {
            do {
                _ = try await client.request(SmokePayload.probe(runId: runId), to: subject, timeout: .seconds(1))
                return
            } catch {
                guard clock.now < deadline else { throw SmokeError.noInterest(subject: subject) }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// A request to `<subject>.no-responder.<run id>` must fail with `.noResponders`, quickly.
    func noRespondersCheck(_ client: NATSClient) async -> ScenarioCheck {
        let nobody = "\(subject).no-responder.\(Self.safeToken(client.newInbox()))"
        let clock = ContinuousClock()
        let started = clock.now
        let name = "no responders"
        do {
            _ = try await client.request("ping", to: nobody, timeout: .seconds(5))
            return ScenarioCheck(name: name, passed: false, detail: "a request to \(nobody) was answered; expected no responders")
        } catch NATSError.noResponders {
            let took = clock.now - started
            let ms = Wait.seconds(took) * 1000
            let fast = took < Self.noRespondersLimit
            return ScenarioCheck(name: name, passed: fast,
                                 detail: "request to a subject without responders failed in \(SmokeReportRenderer.ms(ms))"
                                     + (fast ? "" : " (slower than \(SmokeReportRenderer.ms(Wait.seconds(Self.noRespondersLimit) * 1000)))"),
                                 milliseconds: ms)
        } catch {
            let ms = Wait.seconds(clock.now - started) * 1000
            return ScenarioCheck(name: name, passed: false, detail: "expected no responders, got: \(error)", milliseconds: ms)
        }
    }

    static func safeToken(_ inbox: String) -> String {
        String(inbox.split(separator: ".").last ?? "x")
    }
}
