import Foundation
import JetStream
import LocalCluster
import NATS
import Testing
import TestSupport
import Topology
@testable import Smoke

/// Options for the application user of a `LocalCluster`.
func userOptions(_ cluster: LocalCluster) throws -> NATSClientOptions {
    var options = try NATSClientOptions(urls: cluster.clientURLs.joined(separator: ","), auth: .userPassword(user: "user", password: "user"))
    options.reconnectWait = .milliseconds(250)
    return options
}

/// The shipped topology's streams and consumers, created directly (what `jetform apply` would do).
func createSmokeStreams(_ js: JetStreamContext, maxAge: Duration = .seconds(5)) async throws {
    var requests = StreamConfig(name: "REQUESTS", subjects: ["users.requests"])
    requests.retention = .workQueue
    requests.storage = .memory
    requests.numReplicas = 3
    requests.discard = .new
    requests.maxAge = NanoDuration(maxAge)
    try await createRetryingPlacement(js, requests)
    var responses = StreamConfig(name: "RESPONSES", subjects: ["users.responses.*"])
    responses.retention = .workQueue
    responses.storage = .memory
    responses.numReplicas = 3
    responses.discard = .new
    responses.maxMsgsPerSubject = 1
    try await createRetryingPlacement(js, responses)
    var workers = ConsumerConfig(durableName: "workers", ackPolicy: .explicit)
    workers.ackWait = .seconds(2)
    _ = try await js.createConsumer(stream: "REQUESTS", config: workers)
    var producers = ConsumerConfig(durableName: "producers", ackPolicy: .explicit)
    producers.ackWait = .seconds(2)
    _ = try await js.createConsumer(stream: "RESPONSES", config: producers)
}

func durable(count: Int, workers: Int = 2, producers: Int = 1, inFlight: Int = 100, delays: [Duration] = []) -> DurableScenario {
    DurableScenario(requestsStream: "REQUESTS", requestsConsumer: "workers", responsesStream: "RESPONSES", responsesConsumer: "producers",
                    requestSubject: "users.requests", responsePrefix: "users.responses.", count: count, producers: producers,
                    workers: workers, inFlight: inFlight, workerDelays: delays)
}

/// One cluster for all scenario tests (starting one takes seconds); they run one after another.
@Suite(.serialized) struct ScenarioIntegrationTests {
    @Test func scenariosOnARealCluster() async throws {
        try await LocalCluster.withCluster { cluster in
            let env = SmokeEnvironment(options: try userOptions(cluster), idleTimeout: .seconds(2))

            // Pub/sub: every subscriber gets every message, in order.
            let pubsub = await PubSubScenario(subject: "smoke.pubsub", subscribers: 3, count: 2000).run(env)
            #expect(pubsub.error == nil, "\(pubsub.error ?? "")")
            #expect(pubsub.answered == 6000 && pubsub.lost == 0 && pubsub.unexpected == 0 && pubsub.outOfOrder == 0)
            #expect(pubsub.passed)

            // A subscriber that drops every 10th message: the checker must see the loss.
            let broken = await PubSubScenario(subject: "smoke.pubsub", subscribers: 2, count: 1000, dropEvery: 10).run(env)
            #expect(broken.lost == 100)
            #expect(!broken.passed)

            // Queue group: each message to exactly one member.
            let queue = await QueueScenario(subject: "smoke.queue", members: 3, count: 2000).run(env)
            #expect(queue.answered == 2000 && queue.lost == 0 && queue.duplicated == 0)
            #expect(queue.workers.count == 3 && queue.workers.reduce(0) { $0 + $1.count } == 2000)
            #expect(queue.passed)

            // Request/reply: every request its own answer, and no responders fails fast.
            let request = await RequestScenario(subject: "smoke.request", responders: 2, count: 1000).run(env)
            #expect(request.answered == 1000 && request.lost == 0 && request.unexpected == 0)
            let noResponders = try #require(request.checks.first)
            #expect(noResponders.passed, "\(noResponders.detail)")
            #expect((noResponders.milliseconds ?? 9999) < 1000)
            #expect(request.passed)

            // A responder that answers some requests with another request's id: unexpected > 0.
            let wrong = await RequestScenario(subject: "smoke.request", responders: 1, count: 200, misanswerEvery: 20).run(env)
            #expect(wrong.unexpected == 10 && wrong.lost == 10)
            #expect(!wrong.passed)

            // Durable request/response over JetStream.
            let admin = try await NATSClient.connect(try userOptions(cluster))
            try await createSmokeStreams(JetStreamContext(client: admin))
            let run = await durable(count: 2000, workers: 2, inFlight: 100).run(env)
            #expect(run.error == nil, "\(run.error ?? "")")
            #expect(run.sent == 2000 && run.acknowledged == 2000 && run.answered == 2000)
            #expect(run.lost == 0 && run.unexpected == 0 && run.expired == 0)
            #expect(run.passed)
            print(SmokeReportRenderer.text(SmokeReport(runId: env.runId, scenarios: [pubsub, queue, request, run])))

            // A slow worker takes fewer requests than a fast one.
            var env2 = env
            env2.runId = SmokePayload.newRunId()
            let slow = await durable(count: 300, workers: 2, inFlight: 50, delays: [.milliseconds(20)]).run(env2)
            #expect(slow.lost == 0 && slow.unexpected == 0)
            #expect(slow.workers.count == 2 && slow.workers[0].count < slow.workers[1].count, "\(slow.workers)")
            print(SmokeReportRenderer.text(SmokeReport(runId: env2.runId, scenarios: [slow])))
            await admin.close()
        }
    }
}
