import Testing
@testable import Smoke
@Test func placeholder() { #expect(Bool(true)) }
