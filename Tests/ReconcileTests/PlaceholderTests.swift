import Testing
@testable import Reconcile
@Test func placeholder() { #expect(Bool(true)) }
