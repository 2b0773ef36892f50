import Foundation
public import Topology

extension ReconcileSession {
    /// `jetform check`: reads what the file declares (at the cost of a plan: `ClusterObserver.read`, which
    /// asks for consumers only of the streams the file declares or its topology owns) and judges it with
    /// `CheckEvaluator`.
    public func check(_ topology: TopologySpec) async throws(SessionError) -> CheckReport {
        let readings: [StreamReading]
        do {
            readings = try await ClusterObserver(jetStream: jetStream).read(expecting: topology).streams
        } catch {
            throw .cannotRead(error)
        }
        trace("read the cluster: \(readings.count) streams")
        let report = CheckEvaluator.evaluate(topology, readings: readings, capabilities: capabilities, now: Date())
        trace("checked: \(report.findings.count) findings")
        return report
    }
}
