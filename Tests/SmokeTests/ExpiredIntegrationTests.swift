import JetStream
import LocalCluster
import NATS
import Synchronization
import Testing
@testable import Smoke

/// Workers that start only `after` the run began: requests published before then sit in the
/// requests stream with nobody to take them, and those older than its `max_age` are removed.
struct LateWorkersFault: DurableFault {
    var after: Duration

    var replacesWorkers: Bool { true }

    func start(env: SmokeEnvironment, scenario: DurableScenario, setup: DurableScenario.Setup, recorder: SmokeRecorder,
               workerEvents: @escaping @Sendable (Int, WorkerEvent) -> Void,
               producerEvents: @escaping @Sendable (ProducerEvent) -> Void) async throws -> any DurableFaultHandle {
        var clients: [NATSClient] = []
        for i in 0..<scenario.workers { clients.append(try await env.connect("late-worker\(i + 1)")) }
        let workers = clients.enumerated().map { i, client in
            (i, client, SmokeWorker(requestsStream: scenario.requestsStream, requestsConsumer: scenario.requestsConsumer,
                                    responsePrefix: scenario.responsePrefix, runId: env.runId, batch: 16))
        }
        let after = after
        let task = Task {
            try? await Task.sleep(for: after)
            await withTaskGroup(of: Void.self) { group in
                for (i, client, worker) in workers {
                    group.addTask { try? await worker.run(client: client) { workerEvents(i, $0) } }
                }
            }
        }
        return LateWorkersHandle(task: task, clients: clients, workers: scenario.workers)
    }
}

final class LateWorkersHandle: DurableFaultHandle {
    let task: Task<Void, Never>
    let clients: [NATSClient]
    let workerNames: [String]?

    init(task: Task<Void, Never>, clients: [NATSClient], workers: Int) {
        self.task = task
        self.clients = clients
        workerNames = (0..<workers).map { "w\($0 + 1)" }
    }

    func finish(_ records: Checker) async -> [ScenarioCheck] {
        task.cancel()
        _ = await task.value
        for c in clients { await c.close() }
        return []
    }
}

/// Requests the stream's max age removed before anyone answered them are reported as expired, not lost.
@Suite(.serialized) struct ExpiredIntegrationTests {
    @Test func requestsRemovedByMaxAgeAreExpiredNotLost() async throws {
        try await LocalCluster.withCluster { cluster in
            let admin = try await NATSClient.connect(try userOptions(cluster))
            try await createSmokeStreams(JetStreamContext(client: admin), maxAge: .seconds(1))
            // Workers are absent for the first 2.5 s: the first window of requests (published at
            // once) is older than max_age (1 s) by then; the in-flight window lets the producer go on
            // once they have aged out of it.
            var scenario = durable(count: 300, workers: 2, inFlight: 100)
            scenario.fault = LateWorkersFault(after: .milliseconds(2500))
            let env = SmokeEnvironment(options: try userOptions(cluster), idleTimeout: .seconds(2))
            let report = await scenario.run(env)
            print(SmokeReportRenderer.text(SmokeReport(runId: env.runId, scenarios: [report])))
            #expect(report.error == nil, "\(report.error ?? "")")
            #expect(report.acknowledged == 300)
            #expect(report.expired >= 100, "the first window of requests outlived max_age before a worker started")
            #expect(report.answered > 0, "requests published after the workers started are answered")
            #expect(report.lost == 0 && report.unexpected == 0)
            #expect(report.answered + report.expired == report.acknowledged)
            #expect(report.passed)
            let info = try await JetStreamContext(client: admin).streamInfo("REQUESTS")
            #expect(info.state.messages == 0, "nothing left in the requests stream")
            await admin.close()
        }
    }
}
