import NIOCore
import Testing
import TestSupport

@testable import NATS

/// What feeding some input to a fresh decoder produced.
struct DecodeOutcome: Equatable, CustomStringConvertible {
    var ops: [ServerOp]
    /// The protocol error that stopped decoding, if any.
    var errorKind: NATSProtocolError.Kind?
    /// Bytes not yet decoded when the input ran out (0 after an error: not meaningful).
    var leftover: Int

    var description: String { "ops: \(ops), error: \(String(describing: errorKind)), leftover: \(leftover)" }
}

/// Feeds `chunks` in order to one `NIOSingleStepByteToMessageProcessor`, as the channel handler will.
func decode(chunks: [ByteBuffer], maxPayload: Int = 1_048_576) -> DecodeOutcome {
    let processor = NIOSingleStepByteToMessageProcessor(ServerOpDecoder(maxPayload: maxPayload))
    var ops: [ServerOp] = []
    do {
        for chunk in chunks {
            try processor.process(buffer: chunk) { ops.append($0) }
        }
    } catch let error as NATSProtocolError {
        return DecodeOutcome(ops: ops, errorKind: error.kind, leftover: 0)
    } catch {
        Issue.record("unexpected error type \(type(of: error)): \(error)")
        return DecodeOutcome(ops: ops, errorKind: nil, leftover: -1)
    }
    return DecodeOutcome(ops: ops, errorKind: nil, leftover: processor.unprocessedBytes)
}

func decode(_ input: String, maxPayload: Int = 1_048_576) -> DecodeOutcome {
    decode(chunks: [ByteBuffer(string: input)], maxPayload: maxPayload)
}

/// Feeds the input one byte at a time.
func decodeByteByByte(_ input: ByteBuffer, maxPayload: Int = 1_048_576) -> DecodeOutcome {
    decode(chunks: input.readableBytesView.map { ByteBuffer(bytes: [$0]) }, maxPayload: maxPayload)
}

/// Feeds the input in two pieces split at `index`.
func decodeSplit(_ input: ByteBuffer, at index: Int, maxPayload: Int = 1_048_576) -> DecodeOutcome {
    let bytes = Array(input.readableBytesView)
    return decode(
        chunks: [ByteBuffer(bytes: bytes[..<index]), ByteBuffer(bytes: bytes[index...])],
        maxPayload: maxPayload
    )
}

/// Checks that the input decodes to `expected` fed whole, byte by byte and split at every point.
func expectDecodes(
    _ input: String, to expected: [ServerOp], maxPayload: Int = 1_048_576,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let buffer = ByteBuffer(string: input)
    let whole = decode(chunks: [buffer], maxPayload: maxPayload)
    #expect(whole == DecodeOutcome(ops: expected, errorKind: nil, leftover: 0), sourceLocation: sourceLocation)
    #expect(decodeByteByByte(buffer, maxPayload: maxPayload) == whole, "byte by byte", sourceLocation: sourceLocation)
    for index in 0...buffer.readableBytes {
        let split = decodeSplit(buffer, at: index, maxPayload: maxPayload)
        #expect(split == whole, "split at \(index)", sourceLocation: sourceLocation)
        if split != whole { break }
    }
}

/// Checks that the input fails with `kind` fed whole and byte by byte.
func expectFails(
    _ input: String, with kind: NATSProtocolError.Kind, maxPayload: Int = 1_048_576,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let buffer = ByteBuffer(string: input)
    #expect(decode(chunks: [buffer], maxPayload: maxPayload).errorKind == kind, "whole", sourceLocation: sourceLocation)
    #expect(decodeByteByByte(buffer, maxPayload: maxPayload).errorKind == kind, "byte by byte", sourceLocation: sourceLocation)
}

func message(
    _ subject: String, _ sid: UInt64, reply: String? = nil, headers: NATSHeaders? = nil, _ payload: String
) -> ServerOp {
    .message(InboundMessage(subject: subject, sid: sid, replyTo: reply, headers: headers, payload: ByteBuffer(string: payload)))
}

