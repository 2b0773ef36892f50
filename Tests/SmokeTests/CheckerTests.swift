import Foundation
import Testing
@testable import Smoke

@Suite struct CheckerTests {
    @Test func cleanRunHasNoLossAndLatency() {
        var c = Checker(count: 3, workers: 2)
        for id in 0..<3 {
            c.sent(id, at: Int64(id) * 1_000_000)
            c.acknowledged(id)
            c.handled(id, by: id % 2)
            c.answered(id, at: Int64(id) * 1_000_000 + 2_000_000)
        }
        #expect(c.sent == 3 && c.acknowledged == 3 && c.answered == 3)
        #expect(c.lost == 0 && c.unexpected == 0 && c.duplicated == 0)
        #expect(c.handledPerWorker == [2, 1])
        #expect(c.latency.valueAtPercentile(50) == 2000)
        #expect(c.isSettled)
        // 3 answers between t=0 and t=4ms.
        #expect(abs(c.throughput - 750) < 1)
    }

    @Test func acknowledgedButUnansweredIsLost() {
        var c = Checker(count: 4)
        for id in 0..<4 { c.sent(id, at: 0) }
        for id in 0..<3 { c.acknowledged(id) }
        c.answered(0, at: 10)
        // 1 and 2 acknowledged and unanswered; 3 never acknowledged, so not lost.
        #expect(c.lost == 2)
        #expect(c.unansweredIds == [1, 2])
        #expect(!c.isSettled)
    }

    @Test func answersNeverSentAreUnexpected() {
        var c = Checker(count: 2)
        c.sent(0, at: 0)
        c.acknowledged(0)
        c.answered(1, at: 5) // in range but never sent
        c.answered(7, at: 5) // out of range
        c.answered(-1, at: 5)
        #expect(c.unexpected == 3)
        #expect(c.answered == 0)
        #expect(c.lost == 1)
    }

    @Test func duplicatesAreCountedNotDoubleCountedAsAnswers() {
        var c = Checker(count: 1, workers: 2)
        c.sent(0, at: 0)
        c.acknowledged(0)
        c.handled(0, by: 0, delivery: 1, at: 1)
        c.handled(0, by: 1, delivery: 2, at: 9)
        c.answered(0, at: 10)
        c.answered(0, at: 11)
        #expect(c.answered == 1)
        #expect(c.duplicatedAnswers == 1 && c.duplicatedHandlings == 1 && c.duplicated == 2)
        #expect(c.redeliveries == 1 && c.firstRedeliveryAt == 9)
        #expect(c.latency.totalCount == 1)
        #expect(c.lost == 0)
    }

    @Test func expiredIsSeparateFromLost() {
        var c = Checker(count: 3)
        for id in 0..<3 {
            c.sent(id, at: 0)
            c.acknowledged(id)
        }
        c.answered(0, at: 1)
        c.markExpired([0, 1]) // 0 was answered: not expired
        #expect(c.expired == 1)
        #expect(c.lost == 1)
        #expect(c.unansweredIds == [2])
        c.markExpired([1]) // idempotent
        #expect(c.expired == 1)
    }

    @Test func fanOutNeedsEverySlot() {
        var c = Checker(count: 2, fanOut: 3)
        for id in 0..<2 {
            c.sent(id, at: 0)
            c.acknowledged(id)
        }
        for slot in 0..<3 { c.answered(0, slot: slot, at: 1) }
        c.answered(1, slot: 0, at: 2)
        #expect(c.isComplete(0) && !c.isComplete(1))
        #expect(c.lost == 2) // slots 1 and 2 of request 1
        #expect(c.answeredPerSlot == [2, 1, 1])
        #expect(c.expectedAnswers == 6)
        c.answered(1, slot: 3, at: 3) // no such subscriber
        #expect(c.unexpected == 1)
    }

    @Test func reorderingPerSlotIsCounted() {
        var c = Checker(count: 3)
        for id in 0..<3 {
            c.sent(id, at: 0)
            c.acknowledged(id)
        }
        c.answered(0, at: 1)
        c.answered(2, at: 2)
        c.answered(1, at: 3)
        #expect(c.outOfOrder == 1)
    }

    @Test func answersOfUnacknowledgedRequestsDoNotSettleTheRun() {
        var c = Checker(count: 3)
        for id in 0..<3 { c.sent(id, at: 0) }
        c.answered(2, at: 1) // its ack was never seen (the producer died)
        c.acknowledged(0)
        c.acknowledged(1)
        c.answered(0, at: 2)
        #expect(c.answered == 2 && c.expectedAnswers == 2)
        #expect(!c.isSettled) // request 1 is still out
        c.answered(1, at: 3)
        #expect(c.isSettled)
    }

    @Test func staleIsNeitherLostNorUnexpected() {
        var c = Checker(count: 1)
        c.staleSeen(3)
        #expect(c.stale == 3 && c.unexpected == 0 && c.lost == 0)
    }

    @Test func recordsStayCompact() {
        let c = Checker(count: 100_000)
        // About 13 bytes a request plus the histogram: well under 2 MB for 100k requests.
        #expect(c.footprintBytes < 2_000_000)
    }
}

@Suite struct ReportTests {
    func sampleChecker() -> Checker {
        var c = Checker(count: 1000, workers: 2)
        for id in 0..<1000 {
            c.sent(id, at: Int64(id) * 100_000)
            c.acknowledged(id)
            c.handled(id, by: id < 512 ? 0 : 1)
            c.answered(id, at: Int64(id) * 100_000 + Int64(500_000 + (id % 10) * 300_000))
        }
        return c
    }

    @Test func textShowsCountsSplitLatencyAndVerdict() {
        let s = ScenarioReport(scenario: .durable, flow: "REQUESTS → workers → RESPONSES → producers",
                               checker: sampleChecker(), workerNames: ["w1", "w2"], durationSeconds: 0.1)
        let text = SmokeReportRenderer.text(SmokeReport(runId: "r1", scenarios: [s]))
        #expect(text.contains("sent 1000  acked 1000  answered 1000  lost 0  unexpected 0  duplicated 0  expired 0  redelivered 0"))
        #expect(text.contains("workers: w1 512 (51%)  w2 488 (49%)"))
        #expect(text.contains("latency p50"))
        #expect(text.contains("█"))
        #expect(text.hasSuffix("PASS  lost 0, unexpected 0  (run r1)\n"))
        #expect(s.histogram.reduce(0) { $0 + $1.count } == 1000)
    }

    @Test func lostFailsTheReport() {
        var c = Checker(count: 2)
        c.sent(0, at: 0); c.acknowledged(0)
        c.sent(1, at: 0); c.acknowledged(1)
        c.answered(0, at: 1000)
        let s = ScenarioReport(scenario: .queue, flow: "q", checker: c, workerNames: [], durationSeconds: 1)
        let report = SmokeReport(runId: "r", scenarios: [s])
        #expect(!report.passed)
        #expect(SmokeReportRenderer.text(report).contains("FAIL  lost 1, unexpected 0"))
    }

    @Test func failedCheckFailsTheScenario() {
        let s = ScenarioReport(scenario: .request, flow: "r", checker: sampleChecker(), workerNames: [], durationSeconds: 1,
                               checks: [ScenarioCheck(name: "no responders", passed: false, detail: "timed out")])
        #expect(!s.passed)
    }

    @Test func jsonRoundTrips() throws {
        let s = ScenarioReport(scenario: .durable, flow: "f", checker: sampleChecker(), workerNames: ["w1", "w2"], durationSeconds: 0.1)
        let report = SmokeReport(runId: "r1", scenarios: [s])
        let data = try JSONEncoder().encode(report)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["passed"] as? Bool == true)
        let back = try JSONDecoder().decode(SmokeReport.self, from: data)
        #expect(back == report)
    }

    @Test func formatting() {
        #expect(SmokeReportRenderer.grouped(8214) == "8,214")
        #expect(SmokeReportRenderer.grouped(1_234_567) == "1,234,567")
        #expect(SmokeReportRenderer.ms(1.25) == "1.3ms" || SmokeReportRenderer.ms(1.25) == "1.2ms")
        #expect(SmokeReportRenderer.ms(0.5) == "0.5ms")
        #expect(SmokeReportRenderer.ms(35.2) == "35ms")
        #expect(SmokeReportRenderer.ms(1500) == "1.5s")
    }
}

@Suite struct RedeliveryDelayTests {
    /// A request whose answer failed is nak'ed with a growing delay, never at once (an immediate nak spins
    /// through an election) and never near the requests' 5 s max_age.
    @Test func growsFrom200MillisecondsAndStopsAtOneSecond() {
        #expect((1...6).map(SmokeWorker.redeliveryDelay(afterDelivery:)) == [200, 400, 800, 1000, 1000, 1000].map { .milliseconds($0) })
        #expect(SmokeWorker.redeliveryDelay(afterDelivery: 0) == .milliseconds(200))
        #expect(SmokeWorker.redeliveryDelay(afterDelivery: 1_000_000) == .seconds(1))
    }
}
