import Foundation
import JetStreamSchema
import Testing
@testable import Topology

/// `check:` thresholds: read into `CheckSpec` with positions, in their metric's units, and never part of
/// the config sent to the server (bad ones: `Fixtures/bad/check-thresholds.yaml`).
@Suite struct CheckSpecTests {
    @Test func thresholdsAreReadWithTheirUnitsAndPositions() throws {
        let topology = try loadValid(Fixtures.text("good", "check.yaml")).topology
        let orders = try #require(topology.stream(named: "ORDERS"))
        let runners = try #require(orders.consumer(named: "runners"))
        let pending = try #require(runners.check?.threshold(.pending))
        #expect(pending.warn == 100 && pending.crit == 1000)
        #expect(pending.location.line == 14 && pending.location.column == 11)
        #expect(runners.check?.threshold(.ackPending)?.crit == nil)
        #expect(runners.check?.threshold(.lastActive)?.warn == 300_000_000_000)
        #expect(runners.check?.threshold(.lastActive)?.crit == 3_600_000_000_000)
        #expect(orders.check?.threshold(.bytes)?.crit == 1 << 30)
        #expect(orders.check?.thresholds.map(\.metric) == [.messages, .bytes])
        #expect(topology.stream(named: "COPY")?.check?.threshold(.lag)?.warn == 0)
        let bucket = try #require(topology.bucket(named: "CONFIG"))
        #expect(bucket.check?.threshold(.messages)?.warn == 1000)
        #expect(bucket.streamSpec.check == bucket.check)
    }

    @Test func checkIsNeverPartOfTheConfig() throws {
        let topology = try loadValid(Fixtures.text("good", "check.yaml")).topology
        for stream in topology.streams {
            #expect(stream.config["check"] == nil)
            for consumer in stream.consumers { #expect(consumer.config["check"] == nil) }
        }
        for bucket in topology.buckets {
            #expect(bucket.config["check"] == nil && bucket.streamSpec.config["check"] == nil)
        }
    }

    @Test func theSchemaDescribesEveryMetric() {
        let schema = TopologySchema.document()
        let consumerCheck = schema["properties"]?["streams"]?["additionalProperties"]?["properties"]?["consumers"]?[
            "additionalProperties"]?["properties"]?["check"]?["properties"]?.objectValue
        #expect(consumerCheck?.keys == CheckMetric.consumer.map(\.rawValue))
        let kvCheck = schema["properties"]?["kv"]?["additionalProperties"]?["properties"]?["check"]?["properties"]?.objectValue
        #expect(kvCheck?.keys == CheckMetric.stream.map(\.rawValue))
    }
}
