/// When and how long to retry a JetStream request.
///
/// Only transient failures are retried: err_code 10008 (cluster temporarily unavailable), timeouts
/// and no responders (both happen while a Raft leader is being elected, which takes 4–9 s, or right
/// after a server restart), and requests made while the client is reconnecting. Everything else is
/// returned at once. Delays grow exponentially with full jitter, and the whole sequence stops once
/// `budget` is spent; the default 20 s outlasts an election.
public struct RetryPolicy: Sendable, Hashable {
    /// Total time for all attempts and delays. Zero disables retries.
    public var budget: Duration
    public var initialDelay: Duration
    public var maxDelay: Duration
    public var multiplier: Double

    public init(budget: Duration = .seconds(20), initialDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(2), multiplier: Double = 2) {
        self.budget = budget
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.multiplier = multiplier
    }

    public static let `default` = RetryPolicy()
    /// No retries: every error is returned at once.
    public static let none = RetryPolicy(budget: .zero)

    /// The delay before retry number `attempt` (1-based): uniformly random in [d/2, d] where d grows
    /// by `multiplier` up to `maxDelay`. Half-jitter keeps a floor so a burst of callers does not
    /// hammer a recovering leader, while still spreading them out.
    func delay(attempt: Int) -> Duration {
        let initial = Double(initialDelay.components.seconds) + Double(initialDelay.components.attoseconds) / 1e18
        let cap = Double(maxDelay.components.seconds) + Double(maxDelay.components.attoseconds) / 1e18
        var d = initial
        for _ in 1..<max(attempt, 1) { d = min(d * multiplier, cap) }
        d = min(d, cap)
        let jittered = Double.random(in: (d / 2)...max(d, d / 2 + 1e-9))
        return .nanoseconds(Int64(jittered * 1e9))
    }
}

extension JetStreamError {
    /// Transient (timeout, no responders, 10008, reconnecting): worth retrying within a budget.
    public var isRetryable: Bool {
        switch self {
        case .timeout, .noResponders: return true
        case .api(let e, _): return e.errCode == .clusterNotAvailable
        case .disconnected: return true
        default: return false
        }
    }
}

extension RetryPolicy {
    /// Runs `body` until it succeeds, fails with an error `retryable` refuses (default: transient ones
    /// only), the budget is spent, or the task is cancelled: the one retry loop, for callers that retry
    /// more than the context does (give the context `.none` then, so attempts are not retried twice).
    public func run<T: Sendable>(retryable: (JetStreamError) -> Bool = { $0.isRetryable },
                                 _ body: () async throws(JetStreamError) -> T) async throws(JetStreamError) -> T {
        try await withRetry(self, retryable: retryable, body)
    }
}

/// Runs `body` until it succeeds, fails with an error `retryable` refuses (default: not transient), the
/// budget is spent, or the task is cancelled.
func withRetry<T: Sendable>(_ policy: RetryPolicy, retryable: (JetStreamError) -> Bool = { $0.isRetryable },
                            _ body: () async throws(JetStreamError) -> T) async throws(JetStreamError) -> T {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: policy.budget)
    var attempt = 0
    while true {
        do {
            return try await body()
        } catch {
            attempt += 1
            guard retryable(error), !Task.isCancelled else { throw error }
            let delay = policy.delay(attempt: attempt)
            guard clock.now.advanced(by: delay) < deadline else { throw error }
            do { try await Task.sleep(for: delay) } catch { throw .cancelled(operation: "retry") }
        }
    }
}
