import Testing
@testable import JetStream
@Test func placeholder() { #expect(Bool(true)) }
