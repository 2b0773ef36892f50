import Foundation
import Testing
@testable import Topology

@Suite struct ContextExportTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("jetform-ctx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func writesNatscliFilesWithVariablesExpanded() throws {
        let yaml = """
        name: t
        contexts:
          user:
            description: App
            url: nats://a:4222,nats://b:4222
            user: bob
            password: ${PW}
            tls_first: true
            jetstream_domain: hub
          sys: { url: nats://a:4222, token: tok }
        context: user
        """
        let t = try loadValid(yaml, environment: ["PW": "s3cr3t-xyz"]).topology
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try NatsContextExport.export(t.contexts, to: dir.path)
        #expect(written.map(\.context) == ["user", "sys"])
        let userPath = dir.appendingPathComponent("nats/context/user.json").path
        #expect(written[0].path == userPath)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: userPath))) as? [String: Any])
        #expect(json["url"] as? String == "nats://a:4222,nats://b:4222")
        #expect(json["user"] as? String == "bob")
        #expect(json["password"] as? String == "s3cr3t-xyz")
        #expect(json["tls_first"] as? Bool == true)
        #expect(json["jetstream_domain"] as? String == "hub")
        #expect(json["description"] as? String == "App")
        #expect(json["token"] == nil)
        #expect(try mode(userPath) == 0o600)
        #expect(try mode(dir.appendingPathComponent("nats/context").path) == 0o700)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("nats/context.txt").path))
        for file in written { #expect(!"\(file)".contains("s3cr3t-xyz")) }
    }

    @Test func selectWritesContextTxtAndExistingFilesGetTightened() throws {
        let t = try loadValid("name: t\ncontexts:\n  user: { url: nats://a:4222 }\n").topology
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("nats/context")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("user.json").path
        _ = FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
        _ = try NatsContextExport.export(t.contexts, to: dir.path, select: "user")
        #expect(try mode(path) == 0o600)
        let selected = try String(contentsOf: dir.appendingPathComponent("nats/context.txt"), encoding: .utf8)
        #expect(selected == "user\n")
        #expect(throws: NatsContextExport.ExportError.self) {
            try NatsContextExport.export(t.contexts, to: dir.path, select: "nope")
        }
    }

    @Test func defaultDirectory() {
        #expect(NatsContextExport.defaultConfigDirectory(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x")
        #expect(NatsContextExport.defaultConfigDirectory(environment: ["HOME": "/h"]) == "/h/.config")
    }
}
