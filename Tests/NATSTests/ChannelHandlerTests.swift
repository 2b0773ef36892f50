import NIOCore
import NIOEmbedded
import Testing
import TestSupport

@testable import NATS

/// The channel handler's own buffer handling (its cumulation of a partial operation across reads, with the
/// leftover completed slice by slice), on an `EmbeddedChannel`: however the bytes are split into reads,
/// the client sees the same operations in the same order, each message batch before the control operation
/// that followed it.
@Suite("Channel handler")
struct ChannelHandlerTests {
    /// Records what the handler tells the client.
    final class Recorder: NATSChannelSink {
        enum Event: Equatable {
            case messages([InboundMessage])
            case control(ServerOp)
        }
        var events: [Event] = []
        var inactive: [String?] = []

        func channelActive(_ channel: any Channel) {}
        func channelInactive(_ channel: any Channel, reason: String?) { inactive.append(reason) }
        func deliver(_ messages: [InboundMessage]) { events.append(.messages(messages)) }
        func handleControl(_ op: ServerOp, channel: any Channel) { events.append(.control(op)) }
        func writabilityChanged(_ channel: any Channel) {}
        func tlsEstablished(_ channel: any Channel) {}

        /// Every operation in order, messages unbatched.
        var ops: [ServerOp] {
            events.flatMap { event -> [ServerOp] in
                switch event {
                case .messages(let batch): return batch.map { .message($0) }
                case .control(let op): return [op]
                }
            }
        }
    }

    static let info = #"INFO {"server_id":"S","server_name":"inst-1","version":"2.15.1","proto":1,"headers":true,"max_payload":1048576} "# + "\r\n"

    /// INFO, messages of every size class (empty, small, one past the 4 KiB slice, one of 9 KB that
    /// takes several slices), headers, and control operations between them.
    static var transcript: [UInt8] {
        var text = info + "PING\r\n"
        text += "MSG a 1 0\r\n\r\n"
        text += "MSG b.c 2 reply.x 5\r\nhello\r\n"
        text += "MSG big 3 5000\r\n" + String(repeating: "x", count: 5000) + "\r\n"
        text += "+OK\r\n"
        let block = "NATS/1.0\r\nX: 1\r\n\r\n"
        text += "HMSG h 4 \(block.utf8.count) \(block.utf8.count + 2)\r\n\(block)hi\r\n"
        text += "MSG huge 5 9000\r\n" + String(repeating: "y", count: 9000) + "\r\n"
        text += "-ERR 'Permissions Violation for Publish to \"z\"'\r\n"
        for n in 0..<20 { text += "MSG s.\(n) 6 \(String(n).utf8.count)\r\n\(n)\r\n" }
        text += "PONG\r\n"
        return Array(text.utf8)
    }

    /// Feeds `reads` to a fresh handler and returns what it told the client.
    static func feed(_ reads: [ArraySlice<UInt8>]) throws -> Recorder {
        let recorder = Recorder()
        let channel = EmbeddedChannel(handler: NATSChannelHandler(client: recorder))
        for read in reads { try channel.writeInbound(channel.allocator.buffer(bytes: read)) }
        _ = try? channel.finish()
        return recorder
    }

    /// The operations of the transcript decoded in one read, the reference.
    static let expected: [ServerOp] = {
        var buffer = ByteBuffer(bytes: transcript)
        var decoder = ServerOpDecoder()
        var ops: [ServerOp] = []
        while let op = try? decoder.decode(buffer: &buffer) { ops.append(op) }
        return ops
    }()

    /// Each control operation comes after every message before it, and messages never after a later control op.
    static func checkOrder(_ recorder: Recorder, split: String) {
        #expect(recorder.ops == expected, "split \(split)")
        #expect(!recorder.events.contains(.messages([])), "no empty batches (split \(split))")
    }

    @Test func oneReadDecodesEverything() throws {
        let recorder = try Self.feed([Self.transcript[...]])
        #expect(Self.expected.count == 30)
        Self.checkOrder(recorder, split: "none")
        // One read: the messages before each control operation come as one batch.
        #expect(recorder.events.first == .control(Self.expected[0]))
    }

    @Test func splitIntoTwoReadsAtEveryByte() throws {
        let bytes = Self.transcript
        for cut in 1..<bytes.count {
            Self.checkOrder(try Self.feed([bytes[..<cut], bytes[cut...]]), split: "at \(cut)")
        }
    }

    @Test func oneByteAtATime() throws {
        let bytes = Self.transcript
        Self.checkOrder(try Self.feed(bytes.indices.map { bytes[$0...$0] }), split: "byte by byte")
    }

    @Test func randomSplitsIntoManyReads() throws {
        let bytes = Self.transcript
        var random = SplitMix64(seed: 14)
        for round in 0..<300 {
            var cuts = Set<Int>()
            for _ in 0..<Int(random.next() % 12) { cuts.insert(1 + Int(random.next() % UInt64(bytes.count - 1))) }
            let points = [0] + cuts.sorted() + [bytes.count]
            let reads = zip(points, points.dropFirst()).map { bytes[$0..<$1] }
            Self.checkOrder(try Self.feed(reads), split: "round \(round) at \(cuts.sorted())")
        }
    }

    @Test func aProtocolErrorClosesTheChannelAfterDeliveringWhatCameBefore() throws {
        let good = Array("MSG a 1 2\r\nok\r\n".utf8)
        let bad = Array("BOGUS\r\n".utf8)
        let bytes = good + bad
        for cut in 1..<bytes.count {
            let recorder = try Self.feed([bytes[..<cut], bytes[cut...]])
            #expect(recorder.ops.count == 1, "the message before the error is delivered (split at \(cut))")
            #expect(recorder.inactive.count == 1 && recorder.inactive.first??.isEmpty == false, "closed with a reason (split at \(cut))")
        }
    }
}
