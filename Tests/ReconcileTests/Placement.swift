import JetStream

/// Waits until a fresh cluster places R3 streams: right after the start the meta leader answers "no
/// suitable peers" (10005) until it has every peer's statistics — on 2.10 under load that took over 30 s.
func waitUntilPlacementWorks(_ js: JetStreamContext, timeout: Duration = .seconds(120)) async throws {
    let deadline = ContinuousClock.now + timeout
    var probe = StreamConfig(name: "WARMUP", subjects: ["warmup"])
    probe.numReplicas = 3
    while true {
        do {
            _ = try await js.createStream(probe)
            try await js.deleteStream("WARMUP")
            return
        } catch {
            guard error.errCode == JetStreamErrorCode.noSuitablePeers, ContinuousClock.now < deadline else { throw error }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
