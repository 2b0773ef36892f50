public import JetStreamSchema
public import NATS
import NIOCore
import Foundation

/// Everything jetform says to JetStream goes through a context: management requests, publishes with
/// acks, pull consumers.
///
/// ```swift
/// let js = JetStreamContext(client: client)
/// let info = try await js.createStream(StreamConfig(name: "ORDERS", subjects: ["orders.>"]), pedantic: true)
/// ```
///
/// Requests are retried on transient failures per ``retry`` (see ``RetryPolicy``).
public struct JetStreamContext: Sendable {
    public let client: NATSClient
    /// The JetStream domain, if any (`$JS.<domain>.API`).
    public let domain: String?
    /// The API subject prefix, without a trailing dot: `$JS.API`, `$JS.<domain>.API` or a custom import prefix.
    public let apiPrefix: String
    /// Time to wait for each API reply.
    public var requestTimeout: Duration
    public var retry: RetryPolicy

    /// - Parameters:
    ///   - domain: JetStream domain; ignored when `apiPrefix` is given.
    ///   - apiPrefix: a custom prefix (e.g. an import from another account); `$JS.API` by default.
    public init(client: NATSClient, domain: String? = nil, apiPrefix: String? = nil, requestTimeout: Duration = .seconds(5), retry: RetryPolicy = .default) {
        self.client = client
        self.domain = domain
        if let apiPrefix {
            self.apiPrefix = apiPrefix.hasSuffix(".") ? String(apiPrefix.dropLast()) : apiPrefix
        } else if let domain, !domain.isEmpty {
            self.apiPrefix = "$JS.\(domain).API"
        } else {
            self.apiPrefix = "$JS.API"
        }
        self.requestTimeout = requestTimeout
        self.retry = retry
    }

    /// The version of the server the client is connected to, if known.
    public var serverVersion: ServerVersion? { client.serverInfo.flatMap { ServerVersion($0.version) } }

    // MARK: - Requests

    /// Sends an API request (`<prefix>.<api>`) and decodes the reply, retrying per ``retry``.
    func request<Response: Decodable & Sendable>(_ api: String, body: ByteBuffer = ByteBuffer(), as: Response.Type = Response.self) async throws(JetStreamError) -> Response {
        let subject = apiPrefix + "." + api
        let operation = Self.operationName(api)
        return try await withRetry(retry) { () async throws(JetStreamError) -> Response in
            let reply = try await rawRequest(subject: subject, body: body, operation: operation)
            return try Self.decodeAPIResponse(Response.self, from: reply.payload, operation: operation)
        }
    }

    /// Sends an API request and hands the reply to `read` once it is known not to be an API error,
    /// retrying per ``retry``: for callers that read the JSON themselves.
    func request<Value: Sendable>(_ api: String, body: ByteBuffer = ByteBuffer(),
                                  reading read: (ByteBuffer) throws(JetStreamError) -> Value) async throws(JetStreamError) -> Value {
        let subject = apiPrefix + "." + api
        let operation = Self.operationName(api)
        return try await withRetry(retry) { () async throws(JetStreamError) -> Value in
            let reply = try await rawRequest(subject: subject, body: body, operation: operation)
            if let error = Self.apiError(in: reply.payload) { throw .api(error, operation: operation) }
            return try read(reply.payload)
        }
    }

    /// `STREAM.INFO.ORDERS` → `STREAM INFO ORDERS`, the name errors give a call (bytes, not Foundation:
    /// it runs for every request).
    static func operationName(_ api: String) -> String {
        String(decoding: api.utf8.map { $0 == UInt8(ascii: ".") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    /// One request, NATS errors mapped to ``JetStreamError``.
    func rawRequest(subject: String, body: ByteBuffer, headers: NATSHeaders? = nil, operation: String) async throws(JetStreamError) -> InboundMessage {
        do {
            return try await client.request(body, to: subject, headers: headers, timeout: requestTimeout)
        } catch let error as NATSError {
            throw JetStreamError(error, operation: operation)
        } catch is CancellationError {
            throw .cancelled(operation: operation)
        } catch {
            throw .transport(String(describing: error))
        }
    }

    /// Decodes `{"error": …}` as an API error, anything else as `Response`.
    static func decodeAPIResponse<Response: Decodable>(_ type: Response.Type, from payload: ByteBuffer, operation: String) throws(JetStreamError) -> Response {
        if let error = apiError(in: payload) { throw .api(error, operation: operation) }
        let data = Data(payload.readableBytesView)
        let decoder = JSONDecoder()
        do {
            return try decoder.decode(Response.self, from: data)
        } catch {
            let text = String(decoding: data.prefix(300), as: UTF8.self)
            throw .invalidResponse(operation: operation, detail: "\(error) in \(text)")
        }
    }

    /// The `error` of an API reply, if it is one. Only a reply that holds the bytes `"error"` is decoded
    /// for it: parsing every reply twice cost as much as the decode itself on long list pages.
    static func apiError(in payload: ByteBuffer) -> APIError? {
        guard payload.withUnsafeReadableBytes({ Self.holdsErrorKey($0) }) else { return nil }
        return (try? JSONDecoder().decode(ErrorEnvelope.self, from: Data(payload.readableBytesView)))?.error
    }

    /// Whether the bytes contain `"error"`, by a plain loop: the generic `firstRange(of:)` was the largest
    /// single cost of reading the 20,000 replies of a 10,000-stream plan.
    static func holdsErrorKey(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let b = bytes.bindMemory(to: UInt8.self)
        guard b.count >= 7 else { return false }
        var i = 0
        let end = b.count - 6
        while i < end {
            // `"error"`: the quote, e, r, r, o, r, quote.
            if b[i] == 0x22 && b[i + 1] == 0x65 && b[i + 2] == 0x72 && b[i + 3] == 0x72 && b[i + 4] == 0x6F
                && b[i + 5] == 0x72 && b[i + 6] == 0x22 {
                return true
            }
            i += 1
        }
        return false
    }

    static func encode(_ value: some Encodable) -> ByteBuffer {
        // Encoding our own models cannot fail (no floats that are NaN, no non-string keys).
        let data = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        return ByteBuffer(bytes: data)
    }

    // MARK: - Account

    /// `$JS.API.INFO`: usage, limits, API level.
    public func accountInfo() async throws(JetStreamError) -> AccountInfo {
        try await request("INFO")
    }
}

struct ErrorEnvelope: Decodable {
    var error: APIError?
}

extension JetStreamError {
    init(_ error: NATSError, operation: String) {
        switch error {
        case .noResponders: self = .noResponders(operation: operation)
        case .timeout(_, let after): self = .timeout(operation: operation, after: after)
        case .disconnected: self = .disconnected(operation: operation)
        default: self = .transport("\(operation): \(error.description)")
        }
    }
}
