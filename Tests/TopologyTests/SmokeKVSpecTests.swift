import Foundation
import Testing
@testable import Topology

/// `smoke.kv`: the bucket it names must be a writable bucket of the file.
@Suite struct SmokeKVSpecTests {
    static let contexts = "name: t\ncontexts:\n  user: { url: nats://localhost:4222 }\n"

    @Test func decodesTheSection() throws {
        let yaml = Self.contexts + "kv:\n  CONFIG: { history: 5 }\nsmoke:\n  kv: { bucket: CONFIG, count: 300, keys: 4 }\n"
        let smoke = try #require(try loadValid(yaml).topology.smoke)
        #expect(smoke.kv == .init(bucket: "CONFIG", count: 300, keys: 4))
        let defaults = try #require(try loadValid(Self.contexts + "kv:\n  CONFIG: {}\nsmoke:\n  kv: { bucket: CONFIG }\n").topology.smoke)
        #expect(defaults.kv == .init(bucket: "CONFIG"))
    }

    /// The error names the file, line and column of `bucket`, the bucket, and how to fix it.
    @Test func anUndeclaredBucketIsAnErrorAtItsPosition() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smoke-kv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("users.yaml")
        try (Self.contexts + "kv:\n  CONFIG: { history: 5 }\n  FLAGS: {}\nsmoke:\n  kv: { bucket: SETTINGS, count: 100 }\n")
            .write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try TopologyLoader.load(path: file.path, environment: [:])
            Issue.record("an undeclared smoke kv bucket was accepted")
        } catch {
            #expect(error.diagnostics.map(\.rendered) == [
                "\(file.path):8:9: error: smoke kv bucket 'SETTINGS' is not declared — declare it under 'kv' or use one of: CONFIG, FLAGS",
            ])
        }
    }

    @Test func withoutBucketsTheFixSaysWhereToDeclareOne() {
        let rendered = renderedDiagnostics(Self.contexts + "smoke:\n  kv: { bucket: CONFIG }\n")
        #expect(rendered == ["5:9: error: smoke kv bucket 'CONFIG' is not declared — declare it under 'kv' (e.g. kv: {CONFIG: {history: 5}})"])
    }

    @Test func aMirrorBucketTakesNoPuts() {
        let yaml = Self.contexts + "kv:\n  CONFIG: {}\n  COPY: { mirror: { name: CONFIG } }\nsmoke:\n  kv: { bucket: COPY }\n"
        #expect(renderedDiagnostics(yaml) == ["8:9: error: smoke kv bucket 'COPY' is a mirror, which takes no puts — name a bucket that is not a mirror"])
    }

    @Test func bucketIsRequired() {
        let rendered = renderedDiagnostics(Self.contexts + "kv:\n  CONFIG: {}\nsmoke:\n  kv: { count: 10 }\n")
        #expect(rendered == ["7:7: error: 'smoke.kv' has no 'bucket' — add 'bucket: …' (A Key-Value bucket declared under kv)"])
    }
}
