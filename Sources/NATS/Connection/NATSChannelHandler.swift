import NIOCore
import NIOTLS

/// What the channel handler tells: the client, or a recorder in tests.
protocol NATSChannelSink: AnyObject {
    func channelActive(_ channel: any Channel)
    func channelInactive(_ channel: any Channel, reason: String?)
    /// Messages in the order they arrived, each batch before the control operation that followed it.
    func deliver(_ messages: [InboundMessage])
    func handleControl(_ op: ServerOp, channel: any Channel)
    func writabilityChanged(_ channel: any Channel)
    func tlsEstablished(_ channel: any Channel)
}

extension NATSClient: NATSChannelSink {}

/// Decodes what the server sends and feeds it to the client; reports the channel's life to it.
///
/// It keeps its own cumulation buffer (rather than `ByteToMessageHandler`) so it can hand the client
/// everything one socket read decoded in a single call, and raise the payload limit after INFO.
/// Generic over the sink so the hot path calls the client directly (no existential).
final class NATSChannelHandler<Sink: NATSChannelSink>: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let client: Sink
    private var decoder = ServerOpDecoder()
    private var cumulation: ByteBuffer?
    /// Messages decoded from this read, delivered together (in order with the control operations).
    private var messages: [InboundMessage] = []
    private var closeReason: String?

    init(client: Sink) {
        self.client = client
        messages.reserveCapacity(256)
    }

    func channelActive(context: ChannelHandlerContext) {
        client.channelActive(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.channelInactive(context.channel, reason: closeReason)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Work on locals and store them back once: class properties are checked for exclusive
        // access on every use, which shows up at a million messages a second.
        var buffer = unwrapInboundIn(data)
        var decoder = self.decoder
        var messages = self.messages
        self.messages = []
        defer {
            self.decoder = decoder
            messages.removeAll(keepingCapacity: true)
            self.messages = messages
        }
        do {
            if var pending = cumulation.take() {
                try finish(&pending, with: &buffer, decoder: &decoder, messages: &messages, context: context)
            }
            while let op = try decoder.decode(buffer: &buffer) {
                switch op {
                case .message(let message):
                    messages.append(message)
                default:
                    // Control operations act after the messages before them (a PONG completes a
                    // flush only once what preceded it has been delivered).
                    deliver(&messages)
                    if case .info(let info) = op { decoder.maxPayload = info.maxPayload }
                    client.handleControl(op, channel: context.channel)
                }
            }
        } catch {
            closeReason = "\(error)"
            deliver(&messages)
            context.close(promise: nil)
            return
        }
        if buffer.readableBytes > 0 {
            if buffer.readerIndex > 64 * 1024 { buffer.discardReadBytes() }
            cumulation = buffer
        }
        deliver(&messages)
    }

    /// Completes the operation left partial by the last read. Copying the whole new read behind the
    /// leftover (as a cumulation buffer does) costs a memmove of every byte received when messages are
    /// small; instead the new data is added a slice at a time until the leftover's operation decodes,
    /// and decoding then goes on in the new buffer itself. Only a large operation copies more.
    private func finish(
        _ pending: inout ByteBuffer, with buffer: inout ByteBuffer, decoder: inout ServerOpDecoder,
        messages: inout [InboundMessage], context: ChannelHandlerContext
    ) throws {
        let leftover = pending.readableBytes
        let start = pending.readerIndex
        var appended = 0
        while true {
            let chunk = min(buffer.readableBytes - appended, max(4096, appended))
            if chunk > 0, var slice = buffer.getSlice(at: buffer.readerIndex + appended, length: chunk) {
                pending.writeBuffer(&slice)
                appended += chunk
            }
            guard let op = try decoder.decode(buffer: &pending) else {
                if appended == buffer.readableBytes {  // the whole read belongs to one unfinished operation
                    buffer = pending
                    return
                }
                continue
            }
            switch op {
            case .message(let message):
                messages.append(message)
            default:
                deliver(&messages)
                if case .info(let info) = op { decoder.maxPayload = info.maxPayload }
                client.handleControl(op, channel: context.channel)
            }
            let consumed = pending.readerIndex - start
            if consumed >= leftover {
                // Past the leftover: the rest of `pending` is a copy of the new read; continue there.
                buffer.moveReaderIndex(forwardBy: consumed - leftover)
                return
            }
        }
    }

    private func deliver(_ messages: inout [InboundMessage]) {
        guard !messages.isEmpty else { return }
        client.deliver(messages)
        messages.removeAll(keepingCapacity: true)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        client.writabilityChanged(context.channel)
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            client.tlsEstablished(context.channel)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if closeReason == nil { closeReason = NATSClient.describe(error) }
        context.close(promise: nil)
    }
}
