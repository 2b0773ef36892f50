import Testing
@testable import Topology

@Suite struct ExpansionTests {
    @Test func expandsSetVariables() {
        let r = VariableExpansion.expand("nats://${HOST}:${PORT:-4222}", environment: ["HOST": "h"])
        #expect(r.value == "nats://h:4222")
        #expect(r.problems.isEmpty)
    }

    @Test func defaultAppliesToEmptyValue() {
        #expect(VariableExpansion.expand("${A:-x}", environment: ["A": ""]).value == "x")
        #expect(VariableExpansion.expand("${A}", environment: ["A": ""]).value == "")
    }

    @Test func dollarDollarIsALiteralDollar() {
        #expect(VariableExpansion.expand("$${A}", environment: ["A": "no"]).value == "${A}")
        #expect(VariableExpansion.expand("a$b", environment: [:]).value == "a$b")
    }

    @Test func unsetWithoutDefaultIsAProblem() {
        let r = VariableExpansion.expand("x${NOPE}", environment: [:])
        #expect(r.problems == [.unset(name: "NOPE", offset: 1)])
    }

    @Test func malformed() {
        #expect(VariableExpansion.expand("${", environment: [:]).problems == [.malformed(offset: 0)])
        #expect(VariableExpansion.expand("${1A}", environment: [:]).problems == [.malformed(offset: 0)])
    }

    @Test func expansionHappensBeforeTypeChecking() throws {
        let yaml = """
        name: t
        contexts:
          user: { url: "${URL}" }
        streams:
          S:
            subjects: ["${SUBJECT:-s.a}"]
            max_age: ${MAX_AGE:-5s}
            num_replicas: ${REPLICAS}
            deny_delete: ${DENY:-true}
        """
        let t = try loadValid(yaml, environment: ["URL": "nats://x:1", "REPLICAS": "3"]).topology
        let s = try #require(t.stream(named: "S"))
        #expect(s.subjects == ["s.a"])
        #expect(s.int("max_age") == 5_000_000_000)
        #expect(s.int("num_replicas") == 3)
        #expect(s.config["deny_delete"] == .bool(true))
        #expect(t.contexts[0].url == "nats://x:1")
    }

    @Test func unsetVariableNamesItAtItsPosition() {
        let yaml = "name: t\ncontexts:\n  user:\n    url: nats://${HOST}:4222\n"
        #expect(renderedDiagnostics(yaml) == [
            "4:17: error: environment variable 'HOST' is not set — export HOST, or give a default with ${HOST:-value}",
        ])
    }

    @Test func expandedValuesAreNotQuotedInErrors() {
        let yaml = "name: t\ncontexts:\n  user: { url: nats://h:1 }\nstreams:\n  S:\n    max_age: ${AGE}\n"
        #expect(renderedDiagnostics(yaml, environment: ["AGE": "forever"]) == [
            "6:14: error: 'max_age' in stream 'S' is not a duration: the value — write it like 500ms, 5s, 2m or 1h30m, or as integer nanoseconds",
        ])
    }
}
