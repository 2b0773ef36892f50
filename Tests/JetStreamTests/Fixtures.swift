import Foundation

// Replies captured from real servers (nats-server 2.15.1 and 2.10.25, single node and 3-node cluster)
// by a raw-protocol capture script; keys sorted. The JSON files are in Replies/<release>/<name>.json.

enum Fixtures {
    enum v2_15_1 {
        static var accountInfo: String { Fixtures.reply("2.15.1", "accountInfo") }
        static var consumerCreate: String { Fixtures.reply("2.15.1", "consumerCreate") }
        static var consumerDelete: String { Fixtures.reply("2.15.1", "consumerDelete") }
        static var consumerInfo: String { Fixtures.reply("2.15.1", "consumerInfo") }
        static var consumerList: String { Fixtures.reply("2.15.1", "consumerList") }
        static var consumerNames: String { Fixtures.reply("2.15.1", "consumerNames") }
        static var errorConsumerNotFound: String { Fixtures.reply("2.15.1", "errorConsumerNotFound") }
        static var errorStreamNotFound: String { Fixtures.reply("2.15.1", "errorStreamNotFound") }
        static var pubAck: String { Fixtures.reply("2.15.1", "pubAck") }
        static var pubAckDuplicate: String { Fixtures.reply("2.15.1", "pubAckDuplicate") }
        static var pubAckErrorWrongLastSeq: String { Fixtures.reply("2.15.1", "pubAckErrorWrongLastSeq") }
        static var streamCreate: String { Fixtures.reply("2.15.1", "streamCreate") }
        static var streamDelete: String { Fixtures.reply("2.15.1", "streamDelete") }
        static var streamInfo: String { Fixtures.reply("2.15.1", "streamInfo") }
        static var streamList: String { Fixtures.reply("2.15.1", "streamList") }
        static var streamNames: String { Fixtures.reply("2.15.1", "streamNames") }
        static var streamPurge: String { Fixtures.reply("2.15.1", "streamPurge") }
        static var sysHealthz: String { Fixtures.reply("2.15.1", "sysHealthz") }
        static var sysJsz: String { Fixtures.reply("2.15.1", "sysJsz") }
        static var sysVarz: String { Fixtures.reply("2.15.1", "sysVarz") }
    }
    enum v2_10_25 {
        static var accountInfo: String { Fixtures.reply("2.10.25", "accountInfo") }
        static var consumerCreate: String { Fixtures.reply("2.10.25", "consumerCreate") }
        static var consumerDelete: String { Fixtures.reply("2.10.25", "consumerDelete") }
        static var consumerInfo: String { Fixtures.reply("2.10.25", "consumerInfo") }
        static var consumerList: String { Fixtures.reply("2.10.25", "consumerList") }
        static var consumerNames: String { Fixtures.reply("2.10.25", "consumerNames") }
        static var errorConsumerNotFound: String { Fixtures.reply("2.10.25", "errorConsumerNotFound") }
        static var errorStreamNotFound: String { Fixtures.reply("2.10.25", "errorStreamNotFound") }
        static var pubAck: String { Fixtures.reply("2.10.25", "pubAck") }
        static var pubAckDuplicate: String { Fixtures.reply("2.10.25", "pubAckDuplicate") }
        static var pubAckErrorWrongLastSeq: String { Fixtures.reply("2.10.25", "pubAckErrorWrongLastSeq") }
        static var streamCreate: String { Fixtures.reply("2.10.25", "streamCreate") }
        static var streamDelete: String { Fixtures.reply("2.10.25", "streamDelete") }
        static var streamInfo: String { Fixtures.reply("2.10.25", "streamInfo") }
        static var streamList: String { Fixtures.reply("2.10.25", "streamList") }
        static var streamNames: String { Fixtures.reply("2.10.25", "streamNames") }
        static var streamPurge: String { Fixtures.reply("2.10.25", "streamPurge") }
        static var sysHealthz: String { Fixtures.reply("2.10.25", "sysHealthz") }
        static var sysJsz: String { Fixtures.reply("2.10.25", "sysJsz") }
        static var sysVarz: String { Fixtures.reply("2.10.25", "sysVarz") }
    }

    /// A captured reply from the test bundle's `Replies` folder. A missing file is a broken checkout,
    /// not a test outcome: it stops the run saying which file.
    static func reply(_ release: String, _ name: String) -> String {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Replies/\(release)/\(name).json")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { fatalError("missing test fixture \(url.path)") }
        return text
    }
}
