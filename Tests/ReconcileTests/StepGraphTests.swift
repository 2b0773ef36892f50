import JetStreamSchema
import Testing
import Topology
@testable import Reconcile

/// The order apply keeps once the deletes are done: each step waits only for the earlier-phase steps of
/// its own stream, so a stream's consumers follow it without waiting for every other stream.
@Suite struct StepGraphTests {
    @Test func stepsWaitOnlyForTheirOwnStreamsEarlierPhases() {
        let steps = [
            PlanStep(phase: .applyStreams, operation: .createStream, resource: .stream("A")),                // 0
            PlanStep(phase: .applyStreams, operation: .updateStream, resource: .stream("B")),                // 1
            PlanStep(phase: .finishStreams, operation: .updateStream, resource: .stream("B")),               // 2
            PlanStep(phase: .applyConsumers, operation: .createConsumer, resource: .consumer(stream: "A", name: "a1")),    // 3
            PlanStep(phase: .applyConsumers, operation: .createConsumer, resource: .consumer(stream: "A", name: "a2")),    // 4
            PlanStep(phase: .applyConsumers, operation: .updateConsumer, resource: .consumer(stream: "B", name: "b1")),    // 5
            PlanStep(phase: .applyConsumers, operation: .createConsumer, resource: .consumer(stream: "C", name: "c1")),    // 6
        ]
        let graph = StepGraph(steps)
        #expect(graph.roots == [0, 1, 6], "A's create, B's first update and the consumer of untouched C start at once")
        #expect(graph.dependents[0] == [3, 4])
        #expect(graph.dependents[1] == [2, 5])
        #expect(graph.dependents[2] == [5])
        #expect(graph.dependents[3].isEmpty && graph.dependents[6].isEmpty)
        #expect(graph.dependencyCounts == [0, 0, 1, 1, 1, 2, 0])
    }

    @Test func aStreamWaitsForTheStreamsItSourcesFromButASourceCycleDoesNotDeadlock() {
        func step(_ name: String, _ operation: PlanStep.Operation, sources: [String] = [], mirror: String? = nil) -> PlanStep {
            var config: JSONObject = ["name": .string(name)]
            if !sources.isEmpty { config["sources"] = .array(sources.map { .object(["name": .string($0)]) }) }
            if let mirror { config["mirror"] = .object(["name": .string(mirror)]) }
            return PlanStep(phase: .applyStreams, operation: operation, resource: .stream(name), config: config)
        }
        let steps = [
            step("TARGET", .updateStream, sources: ["ORIGIN", "UNTOUCHED"]),  // 0
            step("ORIGIN", .updateStream),                                     // 1
            step("COPY", .createStream, mirror: "ORIGIN"),                     // 2
            step("A", .createStream, sources: ["B"]),                          // 3
            step("B", .createStream, sources: ["A"]),                          // 4
        ]
        let graph = StepGraph(steps)
        #expect(graph.dependents[1] == [0, 2], "the origin's update goes first")
        #expect(graph.dependencyCounts[0] == 1 && graph.dependencyCounts[2] == 1)
        // A and B source each other: one edge is kept, the one that would close the cycle is not.
        #expect(graph.dependencyCounts[3] + graph.dependencyCounts[4] == 1)
        #expect(graph.roots.contains(1) && (graph.roots.contains(3) || graph.roots.contains(4)))
    }
}
