public import NATS

/// What every scenario needs: how to connect, the run id, and how long to wait for stragglers.
public struct SmokeEnvironment: Sendable {
    /// Connection options; each producer, worker and subscriber gets its own connection.
    public var options: NATSClientOptions
    /// Carried in every payload and message id of this run.
    public var runId: String
    /// A scenario stops waiting for answers when none arrived for this long.
    public var idleTimeout: Duration
    /// The JetStream domain of the context (`$JS.<domain>.API`), if any.
    public var jetStreamDomain: String?

    public init(options: NATSClientOptions, runId: String = SmokePayload.newRunId(), idleTimeout: Duration = .seconds(3),
                jetStreamDomain: String? = nil) {
        self.options = options
        self.jetStreamDomain = jetStreamDomain
        self.runId = runId
        self.idleTimeout = idleTimeout
    }

    /// A new connection named `jetform-smoke-<role>` (the name shows in the server's `connz`).
    public func connect(_ role: String) async throws -> NATSClient {
        var o = options
        o.name = "jetform-smoke-\(role)"
        return try await NATSClient.connect(o)
    }
}

/// Waiting helpers shared by the scenarios.
public enum Wait {
    /// Returns when `done()` holds, or when `progress()` has not changed for `idle`, waking on every
    /// change of the records (`changes`). Returns whether `done()` held.
    @discardableResult
    public static func until(idle: Duration, on changes: ChangeSignal, progress: () -> Int, done: () -> Bool) async -> Bool {
        let clock = ContinuousClock()
        var last = progress()
        var lastChange = clock.now
        while true {
            let seen = changes.count
            if done() { return true }
            if Task.isCancelled { return false }
            let now = progress()
            if now != last {
                last = now
                lastChange = clock.now
            } else if clock.now - lastChange > idle {
                return done()
            }
            await changes.wait(after: seen, timeout: idle - (clock.now - lastChange) + .milliseconds(1))
        }
    }

    /// Returns when every expected answer of `recorder` is in, or when no answer (nor duplicate) has
    /// come for `idle`.
    static func untilSettled(_ recorder: SmokeRecorder, idle: Duration) async {
        await until(idle: idle, on: recorder.changes, progress: { recorder.read { $0.answered + $0.duplicatedAnswers } },
                    done: { recorder.read { $0.isSettled } })
    }

    /// Seconds in a duration, as a Double.
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
