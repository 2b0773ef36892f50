import JetStreamSchema
import Testing
@testable import Topology

@Suite struct ValueParsingTests {
    @Test(arguments: [
        ("5s", Int64(5_000_000_000)), ("2m", 120_000_000_000), ("1h30m", 5_400_000_000_000),
        ("500ms", 500_000_000), ("1.5s", 1_500_000_000), ("10us", 10_000), ("10µs", 10_000),
        ("7ns", 7), ("0", 0), ("1000", 1000), ("0s", 0), ("1h0m1s", 3_601_000_000_000),
    ])
    func durations(_ text: String, _ nanos: Int64) {
        #expect(DurationText.parse(text) == nanos)
    }

    @Test(arguments: ["", "5 sec", "-1s", "s", "1.2.3s", "5x", "5sm", "1d", ".s", "99999999999h", "1e3s"])
    func badDurations(_ text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func formatDurations() {
        #expect(DurationText.format(5_000_000_000) == "5s")
        #expect(DurationText.format(5_400_000_000_000) == "1h30m")
        #expect(DurationText.format(2_000_000) == "2ms")
        #expect(DurationText.format(0) == "0s")
    }

    @Test(arguments: [
        ("512MB", Int64(512 << 20)), ("1GiB", 1 << 30), ("1GB", 1 << 30), ("64K", 64 << 10), ("1024", 1024),
        ("1.5KB", 1536), ("2 TB", 2 << 40), ("10b", 10), ("1kib", 1024),
    ])
    func sizes(_ text: String, _ bytes: Int64) {
        #expect(ByteSizeText.parse(text) == bytes)
    }

    @Test(arguments: ["", "-1", "12XB", "MB", "1.1B", "1.2.3MB", "lots"])
    func badSizes(_ text: String) {
        #expect(ByteSizeText.parse(text) == nil)
    }

    @Test func subjects() {
        #expect(Subjects.isValid("a.b.c"))
        #expect(Subjects.isValid("a.*.c"))
        #expect(Subjects.isValid("a.>"))
        #expect(!Subjects.isValid("a.>", wildcards: false))
        #expect(!Subjects.isValid("a.>.c"))
        #expect(!Subjects.isValid("a*.b"))
        #expect(!Subjects.isValid("a..b"))
        #expect(!Subjects.isValid(".a"))
        #expect(!Subjects.isValid("a b"))
        #expect(Subjects.overlap("a.*", "a.b"))
        #expect(Subjects.overlap("a.>", "a.b.c"))
        #expect(!Subjects.overlap("a.>", "a"))
        #expect(!Subjects.overlap("a.*", "a.b.c"))
        #expect(Subjects.overlap(">", "x"))
        #expect(!Subjects.overlap("a.b", "a.c"))
    }

    /// The byte-slice comparisons agree with token lists split the plain way, over every pair of 150
    /// subjects (22,500 pairs) built from short tokens, wildcards, empty tokens and dots at either end.
    @Test func overlapAndSubsetAgreeWithSplitTokens() {
        func tokens(_ s: String) -> [Substring] { s.split(separator: ".", omittingEmptySubsequences: false) }
        func overlap(_ a: String, _ b: String) -> Bool {
            let x = tokens(a), y = tokens(b)
            for i in 0..<min(x.count, y.count) {
                if x[i] == ">" || y[i] == ">" { return true }
                if x[i] != "*" && y[i] != "*" && x[i] != y[i] { return false }
            }
            return x.count == y.count
        }
        func subset(_ a: String, _ b: String) -> Bool {
            let x = tokens(a), y = tokens(b)
            for (i, token) in y.enumerated() {
                if token == ">" { return i < x.count }
                guard i < x.count, x[i] != ">" else { return false }
                if token != "*" && x[i] != token { return false }
            }
            return x.count == y.count
        }
        let parts = ["a", "b", "*", ">", "", "ab"]
        var subjects = parts
        defer { #expect(subjects.count == 150) }
        for p in parts { for q in parts { subjects.append("\(p).\(q)"); for r in ["a", "*", ">"] { subjects.append("\(p).\(q).\(r)") } } }
        for a in subjects {
            for b in subjects {
                #expect(Subjects.overlap(a, b) == overlap(a, b), "overlap(\(a), \(b))")
                #expect(Subjects.isSubset(a, of: b) == subset(a, b), "isSubset(\(a), \(b))")
            }
            #expect(Subjects.hasWildcard(a) == a.split(separator: ".").contains { $0 == "*" || $0 == ">" }, "hasWildcard(\(a))")
        }
    }

    @Test func names() {
        #expect(Names.isValidAssetName("ORDERS_1-x"))
        #expect(!Names.isValidAssetName("A.B"))
        #expect(!Names.isValidAssetName("A B"))
        #expect(!Names.isValidAssetName("A/B"))
        #expect(!Names.isValidAssetName(String(repeating: "x", count: 256)))
        #expect(Names.isValidContextName("user"))
        #expect(!Names.isValidContextName("../x"))
        #expect(!Names.isValidContextName(""))
    }

    @Test func suggestions() {
        let stream = FieldCatalog.stream.map(\.name)
        #expect(Suggestions.suggest("replicas", among: stream, aliases: FieldCatalog.keyAliases) == "num_replicas")
        #expect(Suggestions.suggest("dupe_window", among: stream, aliases: FieldCatalog.keyAliases) == "duplicate_window")
        #expect(Suggestions.suggest("max_age_", among: stream) == "max_age")
        #expect(Suggestions.suggest("colour", among: stream) == nil)
    }

    @Test func jsonValueIsOrderedAndStable() {
        let o: JSONObject = ["b": .int(1), "a": .string("x\"y"), "c": .array([.bool(true), .null])]
        #expect(JSONValue.object(o).jsonString(pretty: false) == #"{"b":1,"a":"x\"y","c":[true,null]}"#)
        let reordered: JSONObject = ["a": .string("x\"y"), "c": .array([.bool(true), .null]), "b": .int(1)]
        #expect(o == reordered)
        #expect(o.hashValue == reordered.hashValue)
    }
}
