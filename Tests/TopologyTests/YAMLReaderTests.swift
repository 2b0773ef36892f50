import Testing
@testable import Topology

/// The YAML tree composed from libyaml's events: positions, styles, anchors, and the document-level
/// problems (repeated keys, aliases that expand without end, a second document, an undefined alias).
@Suite struct YAMLReaderTests {
    func read(_ yaml: String, environment: [String: String] = [:]) -> (node: YNode?, diagnostics: [String]) {
        var reader = YAMLReader(file: "t.yaml", environment: environment)
        var bag = DiagnosticBag()
        let node = reader.read(yaml, into: &bag)
        return (node, bag.sorted.map(\.rendered))
    }

    @Test func scalarsKeepStylePositionAndExpansion() throws {
        let (node, diagnostics) = read("a: plain\nb: 'quoted'\nc: ${X}\ne: &x 7\nd: [1, *x]\n", environment: ["X": "from env"])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        guard case .mapping(let entries, _)? = node else { Issue.record("not a mapping"); return }
        #expect(entries.map(\.key.text) == ["a", "b", "c", "e", "d"])
        guard case .scalar(let a) = entries[0].value, case .scalar(let b) = entries[1].value, case .scalar(let c) = entries[2].value else {
            Issue.record("not scalars"); return
        }
        #expect(a.text == "plain" && a.isPlain && a.location.line == 1 && a.location.column == 4)
        #expect(b.text == "quoted" && !b.isPlain)
        #expect(c.text == "from env" && c.expanded)
        guard case .sequence(let items, _) = entries[4].value, case .scalar(let aliased) = items[1] else { Issue.record("no alias"); return }
        #expect(aliased.text == "7", "an alias is its anchor's node")
    }

    @Test func keysAreNamesAsWrittenAndMayBeAliases() {
        let (node, diagnostics) = read("&k ${UNSET}: 1\nother: { *k : 2 }\n")
        #expect(diagnostics.isEmpty, "a key is never expanded: \(diagnostics)")
        guard case .mapping(let entries, _)? = node, case .mapping(let inner, _) = entries[1].value else { Issue.record("not mappings"); return }
        #expect(entries[0].key.text == "${UNSET}" && !entries[0].key.expanded)
        #expect(inner.first?.key.text == "${UNSET}", "an alias of a scalar is a key")
        #expect(read("[a]: 1\n").diagnostics.first?.contains("a key is a list or mapping") == true)
    }

    @Test func documentProblemsAreReportedWithTheirPositions() {
        #expect(read("a: 1\nb: 2\na: 3\n").diagnostics == ["t.yaml:3:1: error: duplicate key 'a' — each key may appear once in a mapping; merge the two entries or rename one"])
        #expect(read("a: *nothing\n").diagnostics.first?.contains("YAML syntax: found undefined alias") == true)
        #expect(read("a: 1\n---\nb: 2\n").diagnostics.first?.hasPrefix("t.yaml:2:1: error: YAML syntax: but found another document") == true)
        #expect(read("").diagnostics.first?.contains("the file is empty") == true)
        // Ten levels of ten aliases each: 10^10 values when walked.
        var bomb = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { bomb += "l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let exploded = read(bomb)
        #expect(exploded.node == nil && exploded.diagnostics.first?.contains("expands to more than 200000 values") == true, "\(exploded.diagnostics)")
        // Twenty levels would overflow a count that is only checked at the end.
        for i in 10...19 { bomb += "l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        #expect(read(bomb).diagnostics.count == 1)
    }
}
