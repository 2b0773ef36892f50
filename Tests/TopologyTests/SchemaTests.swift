import JetStreamSchema
import Foundation
import Testing
@testable import Topology

@Suite struct SchemaTests {
    @Test func shippedSchemaEqualsGenerated() throws {
        let url = repositoryRoot().appendingPathComponent("schema/topology.schema.json")
        let shipped = try String(contentsOf: url, encoding: .utf8)
        #expect(shipped == TopologySchema.jsonString(), "run: swift run jetform schema > schema/topology.schema.json")
    }

    @Test func generationIsDeterministicAndValidJSON() throws {
        let a = TopologySchema.jsonString()
        #expect(a == TopologySchema.jsonString())
        let parsed = try JSONSerialization.jsonObject(with: Data(a.utf8)) as? [String: Any]
        #expect(parsed?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }

    @Test func everyCatalogFieldIsInTheSchema() throws {
        let doc = TopologySchema.document()
        let streamProps = doc["properties"]?["streams"]?["additionalProperties"]?["properties"]?.objectValue
        #expect(streamProps?.keys == FieldCatalog.stream.map(\.name))
        let consumerProps = doc["properties"]?["streams"]?["additionalProperties"]?["properties"]?["consumers"]?[
            "additionalProperties"]?["properties"]?.objectValue
        #expect(consumerProps?.keys == FieldCatalog.consumer.map(\.name))
    }

    @Test func catalogKnowsVersionedFields() {
        func since(_ name: String, _ fields: [FieldSpec]) -> String? { FieldCatalog.field(name, in: fields)?.since.description }
        #expect(since("allow_msg_ttl", FieldCatalog.stream) == "2.11")
        #expect(since("subject_delete_marker_ttl", FieldCatalog.stream) == "2.11")
        #expect(since("allow_msg_counter", FieldCatalog.stream) == "2.12")
        #expect(since("persist_mode", FieldCatalog.stream) == "2.12")
        #expect(since("max_age", FieldCatalog.stream) == "2.10")
        #expect(since("priority_groups", FieldCatalog.consumer) == "2.11")
        #expect(since("pause_until", FieldCatalog.consumer) == "2.11")
    }
}
