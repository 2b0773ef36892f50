import Testing

@testable import NATS

@Suite("Subject")
struct SubjectTests {
    @Test(arguments: ["a", "orders.new", "$JS.API.STREAM.INFO.ORDERS", "_INBOX.abc.1", "a*b.c>d", "a-b_c.d~e", "ünï.cödé"])
    func validPublish(_ subject: String) {
        #expect(Subject.isValidPublish(subject))
        #expect(Subject.isValidSubscribe(subject))
    }

    @Test(arguments: ["", ".", "a.", ".a", "a..b", "a b", "a\tb", "a\r\nb", "a\u{0}b", "a\u{7F}", "*", ">", "a.*", "a.>", "*.a", "a.*.b"])
    func invalidPublish(_ subject: String) {
        #expect(!Subject.isValidPublish(subject))
    }

    @Test(arguments: ["*", ">", "a.*", "a.>", "*.a", "a.*.b", "*.*.>", "$JS.API.>", "_INBOX.abc.*"])
    func validSubscribe(_ subject: String) {
        #expect(Subject.isValidSubscribe(subject))
    }

    @Test(arguments: ["", "a.>.b", ">.a", "> ", "a..*", "a.*.", "a b.*", ">.>"])
    func invalidSubscribe(_ subject: String) {
        #expect(!Subject.isValidSubscribe(subject))
    }

    @Test func queueGroups() {
        #expect(Subject.isValidQueueGroup("workers"))
        #expect(Subject.isValidQueueGroup("q.1"))
        #expect(!Subject.isValidQueueGroup(""))
        #expect(!Subject.isValidQueueGroup("a b"))
        #expect(!Subject.isValidQueueGroup("a\r\n"))
    }
}
