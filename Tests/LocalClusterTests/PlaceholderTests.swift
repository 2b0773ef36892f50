import Testing
@testable import LocalCluster
@Test func placeholder() { #expect(Bool(true)) }
