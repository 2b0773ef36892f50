import ArgumentParser
import Foundation
import NATS
import Smoke
import Topology

/// `jetform worker [FILE]`: one durable-scenario worker, run by hand (or by `smoke --kill-worker`).
/// Prints each request it handles, so people can start and kill workers in separate terminals.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run one smoke worker: pull requests, answer them into the responses stream, ack.",
        discussion: "Runs until killed. Exit codes: 1 error (the file, the connection, or the worker stopped)."
    )

    @OptionGroup var topologyFile: TopologyFileArguments
    var file: String { topologyFile.path }

    @Option(help: "Name printed with each handled request.")
    var id: String = "w\(ProcessInfo.processInfo.processIdentifier)"

    @Option(help: "Milliseconds to spend on each request (a slow worker).")
    var delay: Int = 0

    @Option(help: "Requests pulled at a time.")
    var batch: Int = 16

    @Option(name: .customLong("run-id"), help: "Answer only this run's requests (others are acked as stale). Default: any run.")
    var runId: String?

    @Flag(name: .customLong("json-events"), help: "Print one JSON event per line (for smoke --kill-worker).")
    var jsonEvents = false

    @OptionGroup var connection: ConnectionFlags

    func run() async throws {
        let setup = try DurableSetup.load(topologyFile, connection: connection, role: "worker-\(id)")
        var worker = SmokeWorker(requestsStream: setup.scenario.requestsStream, requestsConsumer: setup.scenario.requestsConsumer,
                                 responsePrefix: setup.scenario.responsePrefix, runId: runId,
                                 delay: delay > 0 ? .milliseconds(delay) : nil, batch: batch)
        worker.jetStreamDomain = setup.jetStreamDomain
        let client: NATSClient
        do { client = try await NATSClient.connect(setup.options) } catch { throw CommandFailure.error("cannot connect: \(error)") }
        let json = jsonEvents, name = id
        if !json { print("\(name): pulling \(worker.requestsStream) > \(worker.requestsConsumer)") }
        do {
            try await worker.run(client: client) { event in
                if json {
                    EventLine.write(event)
                } else {
                    switch event {
                    case .handled(let id, let delivery): print("\(name): handled \(id)" + (delivery > 1 ? " (delivery \(delivery))" : ""))
                    case .completed(let id): print("\(name): answered \(id)")
                    case .stale: print("\(name): dropped a request of another run")
                    case .failed(let why): print("\(name): \(why)")
                    }
                }
            }
        } catch {
            throw CommandFailure.error("worker stopped: \(error)")
        }
    }
}

/// The durable scenario's streams and the connection, resolved like `jetform smoke` does.
struct DurableSetup {
    var scenario: DurableScenario
    var options: NATSClientOptions
    var jetStreamDomain: String?

    static func load(_ arguments: TopologyFileArguments, connection: ConnectionFlags, role: String) throws -> DurableSetup {
        let file = arguments.path
        let topology = try arguments.load()
        let runner: SmokeRunner
        let scenario: DurableScenario
        do {
            runner = try SmokeRunner(topology: topology)
            scenario = try runner.durableScenario()
        } catch { throw CommandFailure.error(error.description) }
        let settings = try connection.resolve(topology: topology, file: file, defaultContext: runner.spec.context ?? topology.context).settings
        do {
            return DurableSetup(scenario: scenario, options: try settings.clientOptions(name: "jetform-\(role)"),
                                jetStreamDomain: settings.jetStreamDomain)
        } catch { throw CommandFailure.error("connection settings: \(error)") }
    }
}

/// One JSON object per line on stdout, flushed at once (the parent reads them as they come).
enum EventLine {
    static func write(_ value: some Encodable) {
        guard let data = try? JSONEncoder().encode(value) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
