import NIOCore
import NIOPosix
import NIOSSL

/// How the client carries out what the state machine decides, and how it routes what the server sends.
extension NATSClient {
    func start() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let action = state.withLock { s in
                s.connectWaiter = continuation
                return s.machine.start()
            }
            perform(action)
        }
    }

    func perform(_ action: ConnectionStateMachine.Action, channel: (any Channel)? = nil) {
        switch action {
        case .none:
            break
        case .connect(let address, let pause):
            if pause {
                let jitterNanos = Int64.random(in: 0...max(0, Int64(TimeAmount(options.reconnectJitter).nanoseconds)))
                let delay = TimeAmount(options.reconnectWait) + .nanoseconds(jitterNanos)
                eventLoop.scheduleTask(in: delay) {
                    let next = self.state.withLock { $0.machine.reconnectTimerFired(address) }
                    self.perform(next)
                }
            } else {
                openChannel(to: address)
            }
        case .startTLS(let address):
            guard let channel else { return }
            do {
                let context = try tlsContext ?? TLSContextBox.make(options.tls, anyServerWantsTLS: true)!
                let handler = try context.makeHandler(serverHostname: address.host)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            } catch {
                let next = state.withLock { $0.machine.handshakeFailed { .tls(server: $0, message: "TLS setup failed: \(error)") } }
                perform(next, channel: channel)
            }
        case .sendConnect(let address, let info):
            guard let channel else { return }
            do {
                let connect = try auth.connectInfo(for: info, address: address, options: options)
                var buffer = channel.allocator.buffer(capacity: 512)
                buffer.writeConnect(connect)
                buffer.writePing()
                channel.writeAndFlush(buffer, promise: nil)
            } catch {
                let next = state.withLock { $0.machine.handshakeFailed { .authorization(server: $0, message: "cannot sign in: \(error)") } }
                perform(next, channel: channel)
            }
        case .connectionReady(let info, let isReconnect):
            connectionReady(info: info, isReconnect: isReconnect, channel: channel)
        case .pongReceived:
            let waiter = state.withLock { s -> ClientState.PongWaiter? in
                defer { s.nextPongSeq += 1 }
                return s.pongWaiters.removeValue(forKey: s.nextPongSeq)
            }
            waiter?.timeout?.cancel()
            waiter?.continuation.resume()
        case .sendPong:
            guard let channel else { return }
            var buffer = channel.allocator.buffer(capacity: 8)
            buffer.writePong()
            channel.writeAndFlush(buffer, promise: nil)
        case .sendPing:
            let channel = state.withLock { s -> (any Channel)? in
                _ = s.queuePing()
                return Self.scheduleFlushLocked(&s)
            }
            channel?.eventLoop.execute { self.flushPending() }
        case .infoUpdated(let info):
            state.withLock { s in
                s.serverInfo = info
                s.maxPayload = info.maxPayload
            }
            if info.ldm { eventsContinuation.yield(.lameDuckMode(server: info.serverName ?? info.serverID)) }
        case .closeChannel:
            let open = channel ?? state.withLock { $0.channel }
            open?.close(promise: nil)
        case .disconnected(let failure, let next):
            options.logger.debug("disconnected", metadata: ["reason": "\(failure?.message ?? "closed")"])
            disconnected(failure: failure)
            switch next {
            case .connect(let address, let pause): perform(.connect(address, pause: pause))
            case .close: finishClose(error: failure.map { NATSError.noServersAvailable([$0.message]) } ?? .connectionClosed)
            }
        case .failInitialConnect(let failures):
            let error = ConnectionStateMachine.Failure.initialConnectError(failures)
            let waiter = state.withLock { s in
                defer { s.connectWaiter = nil }
                return s.connectWaiter
            }
            finishClose(error: error)
            waiter?.resume(throwing: error)
        case .reportError(let text):
            options.logger.debug("server error", metadata: ["error": "\(text)"])
            eventsContinuation.yield(.serverError(text))
        case .finishClose(let failure):
            finishClose(error: failure.map { NATSError.noServersAvailable([$0.message]) } ?? .connectionClosed)
        }
    }

    private func openChannel(to address: ServerAddress) {
        options.logger.debug("connecting", metadata: ["server": "\(address)"])
        let tlsFirst = options.tls.handshakeFirst
        let tlsContext = self.tlsContext
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(options.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if tlsFirst, let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(try tlsContext.makeHandler(serverHostname: address.host))
                    }
                    try channel.pipeline.syncOperations.addHandler(NATSChannelHandler(client: self))
                }
            }
        bootstrap.connect(host: address.host, port: address.port).whenFailure { error in
            let next = self.state.withLock { $0.machine.channelClosed(reason: Self.describe(error)) }
            self.perform(next)
        }
    }

    /// Why a connection attempt failed, in words (`connection refused`), never NIO's type dumps.
    static func describe(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            if error.dnsAError != nil || error.dnsAAAAError != nil, error.connectionErrors.isEmpty {
                return "cannot resolve the host name"
            }
            if let first = error.connectionErrors.first { return describe(first.error) }
            return "cannot connect"
        }
        if let error = error as? IOError { return describe(errno: error.errnoCode) }
        if let error = error as? ChannelError, case .connectTimeout(let after) = error {
            return "no answer within \(Duration(after).formattedForHumans)"
        }
        if let error = error as? NIOSSLError { return "TLS: \(error)" }
        if let error = error as? NATSProtocolError { return error.description }
        return "\(error)"
    }

    static func describe(errno code: CInt) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ETIMEDOUT: return "timed out"
        case EHOSTUNREACH: return "host unreachable"
        case ENETUNREACH: return "network unreachable"
        case ECONNRESET: return "connection reset"
        default: return String(cString: strerror(code)).lowercased()
        }
    }

    private func connectionReady(info: ServerInfo, isReconnect: Bool, channel: (any Channel)?) {
        guard let channel else { return }
        options.logger.debug(isReconnect ? "reconnected" : "connected",
                             metadata: ["server": "\(info.serverName ?? info.serverID)", "version": "\(info.version)"])
        let interval = TimeAmount(options.pingInterval)
        let task = channel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let action = self.state.withLock { $0.machine.pingTimerFired() }
            self.perform(action)
        }
        let (buffer, waiter) = state.withLock { s -> (ByteBuffer, CheckedContinuation<Void, any Error>?) in
            s.pingTask?.cancel()
            s.pingTask = task
            s.serverInfo = info
            s.maxPayload = info.maxPayload
            s.headersSupported = info.headers
            var out = channel.allocator.buffer(capacity: 256 + s.pending.readableBytes)
            for (sid, entry) in s.subscriptions.sorted(by: { $0.key < $1.key }) {
                try? out.writeSubscribe(subject: entry.subject, queue: entry.queueGroup, sid: sid)
                if let max = entry.max { out.writeUnsubscribe(sid: sid, max: UInt64(max - entry.delivered)) }
            }
            if let sid = s.responseSID { try? out.writeSubscribe(subject: responsePrefix + "*", queue: nil, sid: sid) }
            out.writeImmutableBuffer(s.pending)
            s.pending.clear()
            s.pendingPings = 0
            s.flushScheduled = false
            defer { s.connectWaiter = nil }
            return (out, s.connectWaiter)
        }
        channel.writeAndFlush(buffer, promise: nil)
        let server = info.serverName.map { "\($0) (\(connectedServer?.description ?? "?"))" } ?? (connectedServer?.description ?? "?")
        eventsContinuation.yield(isReconnect ? .reconnected(server: server) : .connected(server: server))
        waiter?.resume()
    }

    private func disconnected(failure: ConnectionStateMachine.Failure?) {
        let (flushes, server) = state.withLock { s -> ([ClientState.PongWaiter], String) in
            s.pingTask?.cancel()
            s.pingTask = nil
            s.channel = nil
            s.flushScheduled = false
            // PINGs already sent will never be answered; those still queued go out after the reconnect.
            let inFlightEnd = s.nextPingSeq - UInt64(s.pendingPings)
            var failed: [ClientState.PongWaiter] = []
            for seq in s.nextPongSeq..<inFlightEnd {
                if let w = s.pongWaiters.removeValue(forKey: seq) { failed.append(w) }
            }
            s.nextPongSeq = inFlightEnd
            return (failed, failure?.server.description ?? "?")
        }
        for waiter in flushes {
            waiter.timeout?.cancel()
            waiter.continuation.resume(throwing: NATSError.disconnected)
        }
        eventsContinuation.yield(.disconnected(server: server, reason: failure?.message ?? "connection lost"))
    }

    private func finishClose(error: NATSError) {
        let (subs, flushes, requests, drains, closers, channel) = state.withLock { s in
            s.pingTask?.cancel()
            s.pingTask = nil
            s.requestTimer?.task.cancel()
            s.requestTimer = nil
            defer {
                s.subscriptions = [:]
                s.pongWaiters = [:]
                s.responses = [:]
                s.drainWaiters = []
                s.closeWaiters = []
                s.channel = nil
            }
            return (Array(s.subscriptions.values.map(\.buffer)), Array(s.pongWaiters.values), Array(s.responses.values), s.drainWaiters, s.closeWaiters, s.channel)
        }
        channel?.close(promise: nil)
        for sub in subs { sub.finish() }
        for waiter in flushes {
            waiter.timeout?.cancel()
            waiter.continuation.resume(throwing: error)
        }
        // The real cause (servers unreachable, credentials refused), `.connectionClosed` after `close()`.
        for waiter in requests {
            waiter.continuation.resume(throwing: error)
        }
        for waiter in drains { waiter.resume(throwing: error) }
        eventsContinuation.yield(.closed)
        eventsContinuation.finish()
        for closer in closers { closer.resume() }
    }

    // MARK: - Channel events (on the event loop)

    func channelActive(_ channel: any Channel) {
        let action = state.withLock { s -> ConnectionStateMachine.Action in
            let action = s.machine.channelActive()
            if case .awaitingInfo = s.machine.state { s.channel = channel }
            return action
        }
        perform(action, channel: channel)
    }

    func channelInactive(_ channel: any Channel, reason: String?) {
        let action = state.withLock { s -> ConnectionStateMachine.Action in
            guard let current = s.channel, current === channel else { return .none }
            return s.machine.channelClosed(reason: reason)
        }
        perform(action, channel: channel)
    }

    func tlsEstablished(_ channel: any Channel) {
        let action = state.withLock { $0.machine.tlsEstablished() }
        perform(action, channel: channel)
    }

    func writabilityChanged(_ channel: any Channel) {
        let writable = channel.isWritable
        state.withLock { $0.writable = writable }
        if writable { flushPending() }
    }

    /// Acts on one control operation from the server (everything but messages).
    func handleControl(_ op: ServerOp, channel: any Channel) {
        let action: ConnectionStateMachine.Action = state.withLock { s in
            switch op {
            case .info(let info): return s.machine.receivedInfo(info)
            case .ping: return s.machine.receivedPing()
            case .pong: return s.machine.receivedPong()
            case .error(let text): return s.machine.receivedError(ServerError(text))
            case .ok, .message: return .none
            }
        }
        perform(action, channel: channel)
    }

    /// Where a run of consecutive messages with the same sid goes.
    private enum Destination {
        case subscription(SubscriptionBuffer, subject: String, endsAfterRun: Bool)
        case replies
        case nowhere
    }

    /// Routes the messages of one socket read, with one lock for the lot.
    ///
    /// Messages are grouped in runs of the same sid. The common case, one run for a plain subscription,
    /// hands the whole array to the subscription without copying a message.
    func deliver(_ messages: [InboundMessage]) {
        var runs: [(Destination, Range<Int>)] = []
        var replies: [(ClientState.ResponseWaiter, InboundMessage)] = []
        state.withLock { s in
            var start = 0
            while start < messages.count {
                let sid = messages[start].sid
                var end = start + 1
                while end < messages.count, messages[end].sid == sid { end += 1 }
                if sid == s.responseSID {
                    for message in messages[start..<end] {
                        let key = message.subject.utf8.count > responsePrefix.utf8.count
                            ? message.subject.dropFirst(responsePrefix.count) : Substring()
                        if let waiter = s.responses.removeValue(forKey: key) { replies.append((waiter, message)) }
                    }
                    runs.append((.replies, start..<end))
                } else if let entry = s.subscriptions[sid] {
                    var ends = false
                    if let max = entry.max {
                        let left = max - entry.delivered
                        if end - start >= left {
                            end = start + left
                            ends = true
                            s.subscriptions[sid] = nil
                        } else {
                            s.subscriptions[sid]?.delivered += end - start
                        }
                    }
                    runs.append((.subscription(entry.buffer, subject: entry.subject, endsAfterRun: ends), start..<end))
                    // Messages past an auto-unsubscribe max were in flight; they go nowhere.
                    while end < messages.count, messages[end].sid == sid { end += 1 }
                } else {
                    runs.append((.nowhere, start..<end))  // unsubscribed already; the server had them in flight
                }
                start = end
            }
        }
        for (destination, range) in runs {
            guard case .subscription(let buffer, let subject, let endsAfterRun) = destination else { continue }
            let batch = range.count == messages.count ? messages : Array(messages[range])
            let dropped = batch.isEmpty ? 0 : buffer.append(batch)
            if dropped > 0 { eventsContinuation.yield(.slowConsumer(subject: subject, dropped: dropped)) }
            if endsAfterRun { buffer.finish() }
        }
        for (waiter, message) in replies {
            if message.status?.code == NATSStatus.noRespondersCode, message.payload.readableBytes == 0 {
                waiter.continuation.resume(throwing: NATSError.noResponders(subject: waiter.subject))
            } else {
                waiter.continuation.resume(returning: message)
            }
        }
    }
}
