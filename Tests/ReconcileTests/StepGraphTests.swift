import Testing
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
}
