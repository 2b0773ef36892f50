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
enum Wait {
    /// Returns when `done()` holds, or when `progress()` has not changed for `idle`.
    /// Returns whether `done()` held.
    @discardableResult
    static func until(idle: Duration, progress: () -> Int, done: () -> Bool) async -> Bool {
        let clock = ContinuousClock()
        var last = progress()
        var lastChange = clock.now
        while !done() {
            if Task.isCancelled { return false }
            try? await Task.sleep(for: .milliseconds(20))
            let now = progress()
            if now != last {
                last = now
                lastChange = clock.now
            } else if clock.now - lastChange > idle {
                return done()
            }
        }
        return true
    }

    /// Seconds in a duration, as a Double.
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
