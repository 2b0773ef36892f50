public import Foundation
public import NATS
import NIOCore

/// A message as `STREAM.MSG.GET` returns it.
public struct StoredMessage: Equatable, Sendable {
    public var subject: String
    public var sequence: UInt64
    public var data: Data
    /// When the server stored it.
    public var time: Timestamp?
    /// Its headers (a Key-Value delete carries `KV-Operation: DEL`), nil when it has none.
    public var headers: NATSHeaders?

    /// `KV-Operation` is `DEL` or `PURGE`: a Key-Value bucket's marker that the key was deleted.
    public var isKVDelete: Bool {
        guard let operation = headers?["KV-Operation"] else { return false }
        return operation == "DEL" || operation == "PURGE"
    }
}

extension JetStreamContext {
    /// `STREAM.MSG.GET.<stream>` with `last_by_subj`: the newest message on `subject`, or nil when the
    /// subject holds none (10037).
    public func lastMessage(stream: String, subject: String) async throws(JetStreamError) -> StoredMessage? {
        let body = Self.encode(["last_by_subj": subject])
        do {
            let reply: MessageGetResponse = try await request("STREAM.MSG.GET.\(stream)", body: body)
            guard let m = reply.message else { return nil }
            let headers = m.hdrs.flatMap { Data(base64Encoded: $0) }.flatMap { try? NATSHeaders(parsing: ByteBuffer(bytes: $0)) }
            return StoredMessage(subject: m.subject, sequence: m.seq, data: m.data.flatMap { Data(base64Encoded: $0) } ?? Data(),
                                 time: m.time, headers: headers)
        } catch where error.errCode == .noMessageFound {
            return nil
        }
    }

    /// `STREAM.MSG.DELETE.<stream>`: removes the message with this sequence (without overwriting its
    /// bytes). False when there was no such message.
    @discardableResult
    public func deleteMessage(stream: String, sequence: UInt64) async throws(JetStreamError) -> Bool {
        let body = Self.encode(MessageDeleteRequest(seq: sequence, noErase: true))
        do {
            let reply: SuccessResponse = try await request("STREAM.MSG.DELETE.\(stream)", body: body)
            return reply.success == true
        } catch where error.errCode == .noMessageFound || error.errCode == .sequenceNotFound {
            return false
        }
    }
}

struct MessageGetResponse: Decodable, Sendable {
    struct Message: Decodable, Sendable {
        var subject: String
        var seq: UInt64
        var data: String?
        var hdrs: String?
        var time: Timestamp?
    }
    var message: Message?
}

struct MessageDeleteRequest: Encodable {
    var seq: UInt64
    var noErase: Bool
    enum CodingKeys: String, CodingKey { case seq, noErase = "no_erase" }
}
