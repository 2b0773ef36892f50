import NIOCore
import NIOTLS

/// Decodes what the server sends and feeds it to the client; reports the channel's life to it.
///
/// It keeps its own cumulation buffer (rather than `ByteToMessageHandler`) so it can hand the client
/// everything one socket read decoded in a single call, and raise the payload limit after INFO.
final class NATSChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let client: NATSClient
    private var decoder = ServerOpDecoder()
    private var cumulation: ByteBuffer?
    private var ops: [ServerOp] = []
    private var closeReason: String?

    init(client: NATSClient) {
        self.client = client
        ops.reserveCapacity(256)
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
        var incoming = unwrapInboundIn(data)
        if cumulation == nil {
            cumulation = incoming
        } else {
            cumulation!.writeBuffer(&incoming)
        }
        do {
            while let op = try decoder.decode(buffer: &cumulation!) {
                if case .info(let info) = op { decoder.maxPayload = info.maxPayload }
                ops.append(op)
            }
        } catch {
            closeReason = "\(error)"
            deliverOps(context: context)
            cumulation = nil
            context.close(promise: nil)
            return
        }
        if cumulation!.readableBytes == 0 {
            cumulation = nil
        } else if cumulation!.readerIndex > 64 * 1024 {
            cumulation!.discardReadBytes()
        }
        deliverOps(context: context)
    }

    private func deliverOps(context: ChannelHandlerContext) {
        guard !ops.isEmpty else { return }
        let batch = ops
        ops.removeAll(keepingCapacity: true)
        client.handle(batch, channel: context.channel)
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
