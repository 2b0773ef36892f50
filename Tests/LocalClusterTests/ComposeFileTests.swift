import Foundation
import Testing

@testable import LocalCluster

/// docker-compose.yml must run the cluster LocalCluster runs: the same config files, server names,
/// ports and variables. Docker can't run here, so these read the files.
struct ComposeFileTests {
    let root = ClusterConfig.sourceTreeRoot
    let standard = ClusterLayout.standard(
        configDir: ClusterConfig.sourceTreeDirectory, stateDir: URL(fileURLWithPath: "/state"))

    func compose() throws -> [String: ComposeService] {
        try ComposeService.parse(String(contentsOf: root.appendingPathComponent("docker-compose.yml"), encoding: .utf8))
    }

    @Test func hasTheSameServersAndClientPorts() throws {
        let services = try compose()
        #expect(services.keys.sorted() == standard.names)
        #expect(standard.names == ["inst-1", "inst-2", "inst-3"])
        #expect(standard.clientPorts == [4222, 4223, 4224])
        for server in standard.servers {
            let service = try #require(services[server.name])
            #expect(service.environment["NATS_SERVER_NAME"] == server.name)
            #expect(service.ports.contains("127.0.0.1:\(server.clientPort):\(server.clientPort)"))
            #expect(service.ports.contains("127.0.0.1:\(server.monitorPort):\(server.monitorPort)"))
            #expect(service.image.hasPrefix("nats:\(ServerBinary.pinnedVersion)"))
        }
    }

    @Test func mountsTheConfigFilesLocalClusterStartsWith() throws {
        for (name, service) in try compose() {
            // ./cluster is mounted at /etc/nats and the server runs /etc/nats/server.conf, so it reads
            // the very files LocalCluster passes with -c (and the accounts.conf that one includes).
            let mount = try #require(service.volumes.first { $0.hasSuffix(":/etc/nats:ro") }, "\(name)")
            let hostDirectory = String(mount.dropLast(":/etc/nats:ro".count))
            #expect(root.appendingPathComponent(hostDirectory).standardizedFileURL.path == standard.configDir.path)
            #expect(service.command == ["--config", "/etc/nats/\(ClusterConfig.serverFileName)"])
        }
        #expect(standard.serverConfigFile.lastPathComponent == ClusterConfig.serverFileName)
        let serverConf = try String(contentsOf: standard.serverConfigFile, encoding: .utf8)
        #expect(serverConf.contains("include \"\(ClusterConfig.accountsFileName)\""))
    }

    @Test func setsTheSameVariablesAsLocalCluster() throws {
        // Every $VARIABLE the config files read is set by LocalCluster and by every service.
        let referenced = try Set(
            ClusterConfig.fileNames.flatMap { name in
                let text = try String(contentsOf: standard.configDir.appendingPathComponent(name), encoding: .utf8)
                return variables(in: text)
            })
        #expect(!referenced.isEmpty)
        for (name, service) in try compose() {
            let server = try standard.server(named: name)
            let local = standard.environment(for: server)
            #expect(Set(local.keys) == referenced)
            #expect(Set(service.environment.keys) == referenced, "\(name)")
            // The same values where the two can agree (addresses and paths differ by nature).
            for key in ["NATS_SERVER_NAME", "NATS_CLIENT_PORT", "NATS_CLIENT_ADVERTISE", "NATS_CLUSTER_PORT", "NATS_MONITOR_PORT"] {
                #expect(service.environment[key] == local[key], "\(name) \(key)")
            }
            let composeRoutes = try #require(service.environment["NATS_ROUTES"])
            let localRoutes = try #require(local["NATS_ROUTES"])
            #expect(composeRoutes.replacingOccurrences(of: #"inst-\d"#, with: "127.0.0.1", options: .regularExpression) == localRoutes)
        }
    }

    @Test func builtInCopiesMatchTheFiles() throws {
        for name in ClusterConfig.fileNames {
            let file = try String(contentsOf: standard.configDir.appendingPathComponent(name), encoding: .utf8)
            #expect(ClusterConfig.builtIn[name] == file, "paste cluster/\(name) into ClusterConfig+BuiltIn.swift")
        }
    }

    @Test func configFilesPassNATSServersCheck() throws {
        let binary = try ServerBinary.locate()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["-t", "-c", standard.serverConfigFile.path]
        process.environment = ProcessInfo.processInfo.environment.merging(
            standard.environment(for: standard.servers[0])) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
    }

    func variables(in config: String) -> [String] {
        config.split(separator: "\n")
            .map { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }
            .flatMap { line in
                line.matches(of: /\$([A-Za-z_][A-Za-z0-9_]*)/).map { String($0.output.1) }
            }
    }
}

/// The parts of a docker-compose service these tests look at, read from the simple block style
/// docker-compose.yml is written in (no YAML library in this target).
struct ComposeService {
    var image = ""
    var command: [String] = []
    var environment: [String: String] = [:]
    var ports: [String] = []
    var volumes: [String] = []

    static func parse(_ text: String) throws -> [String: ComposeService] {
        var services: [String: ComposeService] = [:]
        var inServices = false
        var current: String?
        var section = ""
        for raw in text.split(separator: "\n") {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
                .replacingOccurrences(of: "\t", with: "  ")
            let indent = line.prefix { $0 == " " }.count
            let content = line.trimmingCharacters(in: .whitespaces)
            guard !content.isEmpty else { continue }
            switch indent {
            case 0:
                inServices = content == "services:"
                current = nil
            case 2 where inServices:
                current = String(content.dropLast())  // "inst-1:"
                services[current!] = ComposeService()
            case 4 where current != nil:
                let (key, value) = split(content)
                section = key
                if key == "image" { services[current!]!.image = value }
                if key == "command" {
                    services[current!]!.command = value.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                        .split(separator: ",").map { unquote($0.trimmingCharacters(in: .whitespaces)) }
                }
            case 6 where current != nil:
                if content.hasPrefix("- ") {
                    let item = unquote(String(content.dropFirst(2)))
                    if section == "ports" { services[current!]!.ports.append(item) }
                    if section == "volumes" { services[current!]!.volumes.append(item) }
                } else if section == "environment" {
                    let (key, value) = split(content)
                    services[current!]!.environment[key] = value
                }
            default:
                continue
            }
        }
        return services
    }

    private static func split(_ content: String) -> (String, String) {
        guard let colon = content.firstIndex(of: ":") else { return (content, "") }
        let value = content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return (String(content[..<colon]), unquote(value))
    }

    private static func unquote(_ value: String) -> String {
        value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"") ? String(value.dropFirst().dropLast()) : value
    }
}

struct AccountsFileTests {
    @Test func definesTheUsersTheLibraryNames() throws {
        let text = try String(
            contentsOf: ClusterConfig.sourceTreeDirectory.appendingPathComponent(ClusterConfig.accountsFileName),
            encoding: .utf8)
        for user in [ClusterUser.app, ClusterUser.system] {
            #expect(text.contains("\(user.account) {"))
            #expect(text.contains("{ user: \(user.user), password: \(user.password) }"))
        }
        #expect(text.contains("system_account: \(ClusterUser.system.account)"))
        #expect(text.contains("jetstream: enabled"))
    }
}
