import Foundation
import Testing
@testable import Topology

/// Each `Fixtures/bad/*.yaml` ends with `# expect:` lines: the exact diagnostics, in order.
@Suite struct BadFixtureTests {
    @Test func thereAreEnoughBadFixtures() {
        #expect(Fixtures.names(in: "bad").count >= 40)
    }

    @Test(arguments: Fixtures.names(in: "bad"))
    func reportsExactDiagnostics(_ name: String) throws {
        let text = Fixtures.text("bad", name)
        let expected = Fixtures.expectations(in: text)
        let actual = renderedDiagnostics(text)
        if ProcessInfo.processInfo.environment["JETFORM_PRINT_FIXTURES"] != nil {
            for line in actual { print("FIXTURE \(name) # expect: \(line)") }
        }
        #expect(!expected.isEmpty, "\(name) has no '# expect:' lines")
        #expect(actual == expected, "\(name)")
        #expect(actual.contains { $0.contains(": error: ") }, "\(name) must produce an error")
    }
}
