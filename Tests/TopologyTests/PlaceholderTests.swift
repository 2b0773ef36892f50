import Testing
@testable import Topology
@Test func placeholder() { #expect(Bool(true)) }
