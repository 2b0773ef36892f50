import Foundation
public import JetStream
import Topology

/// What happened to one API call of a plan.
public struct StepResult: Sendable {
    public var step: PlanStep
    /// Nil when the call succeeded.
    public var error: JetStreamError?
    public var duration: Duration
}

/// Errors that stop an apply before or while it runs.
public enum ApplyError: Error, Sendable, CustomStringConvertible {
    /// The plan has errors or actions that need a flag; nothing was changed.
    case notApplicable([String])
    /// Some steps failed; the ones before them (and the other steps of their phase) were carried out.
    case stepsFailed([StepResult])

    public var description: String {
        switch self {
        case .notApplicable(let reasons):
            return "the plan cannot be applied, nothing was changed:\n" + reasons.map { "  - \($0)" }.joined(separator: "\n")
        case .stepsFailed(let results):
            return "\(results.count) step(s) failed:\n" + results.map { r in
                "  - \(r.step.operation.rawValue) \(r.step.resource.description): \(r.error.map { "\($0)" } ?? "?")"
            }.joined(separator: "\n")
        }
    }
}

/// Carries out a plan: phase after phase, the steps of a phase in parallel (bounded), each call retried
/// through leader elections by the JetStream context's retry policy. A failing phase stops the run
/// after its other steps finish, so later phases never run on a half-made earlier one.
public struct PlanExecutor: Sendable {
    public let jetStream: JetStreamContext
    public var concurrency: Int
    /// Send creates and updates in pedantic mode (where the server supports it): a config the
    /// normaliser got wrong fails loudly instead of drifting.
    public var pedantic: Bool

    public init(jetStream: JetStreamContext, concurrency: Int = 16, pedantic: Bool = true) {
        self.jetStream = jetStream
        self.concurrency = concurrency
        self.pedantic = pedantic
    }

    public func apply(_ plan: Plan, progress: @escaping @Sendable (StepResult) -> Void = { _ in }) async throws -> [StepResult] {
        guard plan.isApplicable else {
            let reasons = plan.errors.map(\.message) + plan.blockedActions.flatMap { action in
                action.blocked.map { "\(action.resource.description): \($0.message)" }
            }
            throw ApplyError.notApplicable(reasons)
        }
        var results: [StepResult] = []
        for phase in plan.phases {
            let phaseResults = try await run(phase.steps, progress: progress)
            results += phaseResults
            let failed = phaseResults.filter { $0.error != nil }
            if !failed.isEmpty { throw ApplyError.stepsFailed(failed) }
        }
        return results
    }

    private func run(_ steps: [PlanStep], progress: @escaping @Sendable (StepResult) -> Void) async throws -> [StepResult] {
        try await withThrowingTaskGroup(of: StepResult.self) { group in
            var next = 0
            var results: [StepResult] = []
            func addTask() {
                let step = steps[next]
                next += 1
                group.addTask { await self.perform(step) }
            }
            while next < min(concurrency, steps.count) { addTask() }
            while let result = try await group.next() {
                progress(result)
                results.append(result)
                if next < steps.count { addTask() }
            }
            return results
        }
    }

    func perform(_ step: PlanStep) async -> StepResult {
        let start = ContinuousClock.now
        var failure: JetStreamError?
        do {
            switch step.operation {
            case .createStream:
                let config = try Self.model(StreamConfig.self, step.config)
                _ = try await retryingPlacement { () async throws(JetStreamError) in try await jetStream.createStream(config, pedantic: pedantic) }
            case .updateStream:
                let config = try Self.model(StreamConfig.self, step.config)
                _ = try await retryingPlacement { () async throws(JetStreamError) in try await jetStream.updateStream(config, pedantic: pedantic) }
            case .deleteStream:
                try await jetStream.deleteStream(step.resource.streamName)
            case .createConsumer, .updateConsumer:
                guard case .consumer(let stream, _) = step.resource else { break }
                _ = try await jetStream.createConsumer(
                    stream: stream, config: try Self.model(ConsumerConfig.self, step.config),
                    action: step.operation == .createConsumer ? .create : .update, pedantic: pedantic)
            case .deleteConsumer:
                guard case .consumer(let stream, let name) = step.resource else { break }
                try await jetStream.deleteConsumer(stream: stream, name: name)
            }
        } catch let error as JetStreamError {
            failure = error
        } catch {
            failure = .invalidResponse(operation: step.operation.rawValue, detail: "\(error)")
        }
        return StepResult(step: step, error: failure, duration: start.duration(to: .now))
    }

    /// Retries "no suitable peers" (10005) for a while: right after a cluster starts, or while a server
    /// restarts, a 2.10 meta leader reports it until it has heard from every peer. A placement that is
    /// truly impossible (more replicas than servers) is refused by the planner before this point.
    private func retryingPlacement<T>(_ body: () async throws(JetStreamError) -> T) async throws(JetStreamError) -> T {
        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            do {
                return try await body()
            } catch where error.errCode == .noSuitablePeers && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    static func model<T: Decodable>(_ type: T.Type, _ config: JSONObject?) throws -> T {
        try JSONDecoder().decode(type, from: JSONEncoder().encode(config ?? JSONObject()))
    }
}
