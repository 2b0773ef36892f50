/// Everything that can go wrong talking to JetStream, with messages a person can act on.
public enum JetStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with an API error. `operation` names the request (e.g. `STREAM.INFO ORDERS`).
    case api(APIError, operation: String)
    /// No reply in time, after retrying within the budget.
    case timeout(operation: String, after: Duration)
    /// Nobody answered the API subject, after retrying within the budget: JetStream is not enabled for
    /// this account or server (or no server with JetStream is reachable).
    case noResponders(operation: String)
    /// The reply could not be decoded.
    case invalidResponse(operation: String, detail: String)
    /// A pull request ended with a status the consumer cannot continue after (e.g. 409 consumer deleted).
    case pullTerminated(stream: String, consumer: String, status: Int, description: String)
    /// No message and no heartbeat for twice the idle heartbeat interval.
    case missedHeartbeats(stream: String, consumer: String)
    /// The message cannot be acknowledged (it has no JetStream reply subject).
    case notAckable(subject: String)
    /// The client is reconnecting; the request was not sent (retried within the budget).
    case disconnected(operation: String)
    /// The task was cancelled; the request may or may not have reached the server.
    case cancelled(operation: String)
    /// Any other failure of the NATS client (connection closed, payload too large, publisher closed, …).
    case transport(String)

    /// The server's API error, if this is one.
    public var apiError: APIError? { if case .api(let e, _) = self { return e }; return nil }
    /// The server's `err_code`, if this is an API error.
    public var errCode: JetStreamErrorCode? { apiError?.errCode }
    /// The HTTP-like `code`, if this is an API error.
    public var code: Int? { apiError?.code }

    /// True when an expected-last-sequence check failed because someone else wrote first: 10071, or
    /// 10164 from a clustered stream.
    public var isWrongLastSequence: Bool { errCode == .wrongLastSequence || errCode == .wrongLastSequenceClustered }

    /// True for "JetStream is not enabled" (10039, 10076 or no responders on the API).
    public var isNotEnabled: Bool {
        switch self {
        case .noResponders: return true
        case .api(let e, _): return e.errCode == .notEnabled || e.errCode == .notEnabledForAccount
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .api(let e, let op):
            var text = "\(op): \(e.description) (code \(e.code), err_code \(e.errCode.rawValue))"
            if e.errCode == .notEnabled || e.errCode == .notEnabledForAccount {
                text += " — enable JetStream on the server (`jetstream {}` / -js) and for the account (`jetstream: enabled`)"
            } else if e.errCode == .clusterNotAvailable {
                text += " — the cluster has no meta leader (election in progress or quorum lost); retry once a majority of servers is up"
            } else if e.errCode == .pedanticRefused {
                text += " — the server would have changed a value; set it explicitly"
            }
            return text
        case .timeout(let op, let after):
            return "\(op): no reply within \(after) — the cluster may be electing a leader or overloaded; check `jetform status`"
        case .noResponders(let op):
            return "\(op): no responders — JetStream is not enabled for this account or server (or no JetStream server is reachable)"
        case .invalidResponse(let op, let detail):
            return "\(op): unexpected reply: \(detail)"
        case .pullTerminated(let stream, let consumer, let status, let description):
            return "pull from \(stream) > \(consumer) ended: \(status) \(description)"
        case .missedHeartbeats(let stream, let consumer):
            return "pull from \(stream) > \(consumer): no heartbeat from the server — connection or consumer leader lost"
        case .notAckable(let subject):
            return "message on '\(subject)' has no JetStream reply subject and cannot be acknowledged"
        case .disconnected(let op):
            return "\(op): not connected to a server right now (reconnecting)"
        case .cancelled(let op):
            return "\(op): cancelled"
        case .transport(let text):
            return text
        }
    }
}
