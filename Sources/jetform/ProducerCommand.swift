import ArgumentParser
import Foundation
import NATS
import Smoke
import Synchronization
import Topology

/// `jetform producer [FILE]`: one durable-scenario producer, run by hand. Publishes requests,
/// collects answers from the responses stream and prints each.
struct ProducerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "producer",
        abstract: "Run one smoke producer: publish requests, collect their answers.",
        discussion: "Exit codes: 0 every request answered, 1 some were not, or an error."
    )

    @OptionGroup var topologyFile: TopologyFileArguments
    var file: String { topologyFile.path }

    @Option(help: "Requests to publish.")
    var count: Int = 100

    @Option(help: "First request id (so several producers can share a run).")
    var start: Int = 0

    @Option(name: .customLong("in-flight"), help: "Requests out at once.")
    var inFlight: Int = 100

    @Option(name: .customLong("run-id"), help: "The run id (default: a new one).")
    var runId: String?

    @Option(help: "Give up after this many seconds without an answer.")
    var idleTimeout: Double = 10

    @Option(name: .customLong("step"), help: "Publish every n-th id from --start (several producers sharing one run).")
    var step: Int = 1

    @Flag(name: .customLong("json-events"), help: "Print one JSON event per line; keep collecting answers until terminated.")
    var jsonEvents = false

    @OptionGroup var connection: ConnectionFlags

    func run() async throws {
        let setup = try DurableSetup.load(topologyFile, connection: connection, role: "producer")
        let run = runId ?? SmokePayload.newRunId()
        let s = setup.scenario
        var producer = SmokeProducer(requestSubject: s.requestSubject, responsesStream: s.responsesStream,
                                     responsesConsumer: s.responsesConsumer, runId: run)
        producer.jetStreamDomain = setup.jetStreamDomain
        let client: NATSClient
        do { client = try await NATSClient.connect(setup.options) } catch { throw CommandFailure.error("cannot connect: \(error)") }
        let window = InFlightWindow(limit: inFlight, maxAge: .seconds(5))
        let ids = stride(from: start, to: start + count * max(1, step), by: max(1, step))
        let idRange = start..<(start + count * max(1, step))
        let answered = Atomic<Int>(0), acked = Atomic<Int>(0)
        let changes = ChangeSignal()
        let json = jsonEvents
        let onEvent: @Sendable (ProducerEvent) -> Void = { event in
            switch event {
            case .answered(let id) where idRange.contains(id) && (id - start) % max(1, step) == 0: answered.add(1, ordering: .relaxed)
            case .acked: acked.add(1, ordering: .relaxed)
            default: break
            }
            changes.bump()
            if json {
                EventLine.write(event)
            } else {
                switch event {
                case .sent: break
                case .acked(let id, let seq): print("published \(run)-\(id) (seq \(seq))")
                case .publishFailed(let id, let why): print("publish of \(run)-\(id) failed: \(why)")
                case .answered(let id): print("answer to \(run)-\(id)")
                case .stale: print("dropped an answer of another run")
                }
            }
        }
        let collector = Task { try await producer.collect(client: client, window: window, onEvent: onEvent) }
        let ticker = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: .milliseconds(100)) } catch { return }
                window.tick()
            }
        }
        do {
            try await producer.publish(ids: ids, client: client, window: window, onEvent: onEvent)
        } catch {
            throw CommandFailure.error("publishing stopped: \(error)")
        }
        if json {
            // Under `smoke --kill-producer`: keep collecting (for the other producers too) until killed.
            _ = try? await collector.value
            return
        }
        await Wait.until(idle: .milliseconds(Int(idleTimeout * 1000)), on: changes,
                         progress: { answered.load(ordering: .relaxed) },
                         done: { answered.load(ordering: .relaxed) >= acked.load(ordering: .relaxed) })
        try Task.checkCancellation()
        collector.cancel()
        ticker.cancel()
        let a = answered.load(ordering: .relaxed), k = acked.load(ordering: .relaxed)
        if !json { print("run \(run): \(k) published, \(a) answered, \(k - min(a, k)) unanswered") }
        await client.close()
        if a < k { throw ExitCode.failure }
    }
}
