import Foundation
import Testing
@testable import Topology

/// `Fixtures/good/*.yaml` load; their `# expect:` lines list the exact warnings.
@Suite struct GoodFixtureTests {
    @Test(arguments: Fixtures.names(in: "good"))
    func loads(_ name: String) throws {
        let text = Fixtures.text("good", name)
        let loaded = try loadValid(text, environment: ["TOKEN": "t"])
        let warnings = loaded.warnings.map { String($0.rendered.dropFirst("topology.yaml:".count)) }
        if ProcessInfo.processInfo.environment["JETFORM_PRINT_FIXTURES"] != nil {
            for line in warnings { print("FIXTURE \(name) # expect: \(line)") }
        }
        #expect(warnings == Fixtures.expectations(in: text), "\(name)")
    }
}
