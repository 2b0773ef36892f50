import Testing
@testable import NATS
@Test func placeholder() { #expect(Bool(true)) }
