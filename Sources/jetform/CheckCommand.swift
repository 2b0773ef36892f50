import ArgumentParser
import Foundation
import JetStreamSchema
import Reconcile
import Topology

/// `jetform check [FILE]`: whether the live cluster is healthy by the file — what it declares exists
/// without drift, has a leader and current replicas, is not paused, and stays within the file's
/// `check:` thresholds. Monitoring-plugin exit codes.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the live cluster against the topology file's health expectations (monitoring-plugin exit codes).",
        discussion: """
        Built in, for every stream, consumer and bucket the file declares: it exists (CRITICAL when not) and \
        matches the file (WARNING naming the fields that drifted; `jetform apply` fixes it); it has a leader \
        and every replica is online and current (CRITICAL, naming the peer); a consumer is not paused unless \
        the file declares a pause_until still ahead (CRITICAL). Thresholds under `check:` (warn, crit): \
        consumers pending, ack_pending, redelivered, waiting, last_active; streams and buckets messages, \
        bytes, lag (of a mirror or sources). Above crit is CRITICAL, above warn a WARNING.

        Output: a line per finding and a summary; --format nagios (one status line with perfdata), json, or \
        prometheus (text exposition, a gauge per measured value).

        Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (a bad file, cannot connect or read the cluster).
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, nagios, json, prometheus
    }

    @OptionGroup var topologyFile: TopologyFileArguments

    @Option(help: "Output: text, nagios (status line with perfdata), json, prometheus.")
    var format: Format = .text

    @Flag(help: "Same as --format json.")
    var json = false

    @OptionGroup var connection: ConnectionFlags

    func run() async throws {
        let format = json ? .json : self.format
        let file = topologyFile.path
        let report: CheckReport
        var name = "?"
        do {
            let topology = try topologyFile.load()
            name = topology.name
            report = try await connection.withSession(topology: topology, file: file, purpose: "check") { session in
                try await session.check(topology)
            }
        } catch let failure as CommandFailure {
            throw unknown(failure.message, topology: name, format: format)
        } catch {
            throw unknown("error: \(error)", topology: name, format: format)
        }
        switch format {
        case .text: print(CheckRenderer.text(report))
        case .nagios: print(CheckRenderer.nagios(report))
        case .json: print(CheckRenderer.json(report))
        case .prometheus: print(CheckRenderer.prometheus(report), terminator: "")
        }
        if report.status != .ok { throw ExitCode(Int32(report.status.rawValue)) }
    }

    /// UNKNOWN (exit 3): the reason on standard error, and in the chosen format on standard output for
    /// the formats a monitoring system reads.
    func unknown(_ message: String, topology: String, format: Format) -> CommandFailure {
        let reason = message.hasPrefix("error: ") ? String(message.dropFirst("error: ".count)) : message
        let firstLine = reason.split(separator: "\n").first.map(String.init) ?? reason
        switch format {
        case .text:
            break
        case .nagios:
            print("JETFORM UNKNOWN: \(firstLine.replacingOccurrences(of: "|", with: "/"))")
        case .json:
            print(JSONValue.object(JSONObject([("topology", .string(topology)), ("status", .string("unknown")), ("exit_code", .int(3)),
                                               ("error", .string(reason))])).jsonString(pretty: true))
        case .prometheus:
            print("# HELP jetform_check_status Worst status of the check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.")
            print("# TYPE jetform_check_status gauge")
            print("jetform_check_status{topology=\"\(CheckRenderer.escape(topology))\"} 3")
        }
        return CommandFailure(message.isEmpty ? "error: the check could not be made" : message, code: 3)
    }
}
