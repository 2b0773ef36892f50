public import NATS
public import NIOCore

extension JetStreamContext {
    /// Publishes a message to a stream's subject and waits for the stream's acknowledgement.
    ///
    /// No responders (no stream listens yet, or its leader is being elected) is retried within the
    /// budget: nothing was stored. A timeout is retried only when `options.msgId` is set, because
    /// the message may have been stored and only the id makes a second attempt harmless.
    public func publish(subject: String, payload: ByteBuffer, headers: NATSHeaders? = nil, options: PublishOptions = .none) async throws(JetStreamError) -> PubAck {
        let allHeaders = options.apply(to: headers)
        let operation = "publish to '\(subject)'"
        let idempotent = options.msgId != nil
        // A timed-out publish may have been stored: only an id makes a second attempt harmless.
        let retryable: (JetStreamError) -> Bool = { error in
            if case .timeout = error { return idempotent }
            return error.isRetryable
        }
        return try await withRetry(retry, retryable: retryable) { () async throws(JetStreamError) -> PubAck in
            let reply = try await rawRequest(subject: subject, body: payload, headers: allHeaders, operation: operation)
            return try PubAckParser.parse(reply.payload, operation: operation)
        }
    }

    /// ``publish(subject:payload:headers:options:)`` with a string body.
    public func publish(subject: String, _ text: String, headers: NATSHeaders? = nil, options: PublishOptions = .none) async throws(JetStreamError) -> PubAck {
        try await publish(subject: subject, payload: ByteBuffer(string: text), headers: headers, options: options)
    }
}
