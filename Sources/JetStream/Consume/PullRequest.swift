import NATS

/// The body of `CONSUMER.MSG.NEXT`.
struct PullRequest: Encodable {
    var batch: Int
    var expires: Int64?
    var noWait: Bool?
    var maxBytes: Int?
    var idleHeartbeat: Int64?

    enum CodingKeys: String, CodingKey {
        case batch, expires
        case noWait = "no_wait"
        case maxBytes = "max_bytes"
        case idleHeartbeat = "idle_heartbeat"
    }
}

/// What a status message on a pull inbox means for the pull.
enum PullStatus: Equatable {
    /// Idle heartbeat (100): the request is alive.
    case heartbeat
    /// The request ended normally (404 no messages, 408 expired, 409 batch completed / max bytes):
    /// `unfilled` messages of it will not come (nil = unknown).
    case requestEnded(unfilled: Int?)
    /// The consumer's leader changed or the server is shutting down (409): the request is gone.
    case requestLost(unfilled: Int?)
    /// Nobody serves the consumer right now (503): it does not exist or has no leader.
    case noResponders
    /// The consumer cannot be pulled from any more (409 consumer deleted, push based, 400 bad request,
    /// exceeded limits).
    case fatal(Int, String)

    init(_ status: NATSStatus, headers: NATSHeaders?) {
        let unfilled = headers?["Nats-Pending-Messages"].flatMap { Int($0) }
        let text = status.description ?? ""
        switch status.code {
        case NATSStatus.controlCode:
            self = .heartbeat
        case NATSStatus.noMessagesCode, NATSStatus.requestTimeoutCode:
            self = .requestEnded(unfilled: unfilled)
        case NATSStatus.conflictCode:
            let lower = text.lowercased()
            if lower.contains("leadership change") || lower.contains("server shutdown") {
                self = .requestLost(unfilled: unfilled)
            } else if lower.contains("batch completed") || lower.contains("max bytes") || lower.contains("maxbytes") {
                self = .requestEnded(unfilled: unfilled)
            } else {
                // consumer deleted, consumer is push based, exceeded max waiting / request batch /
                // request expires / request max bytes: retrying the same request cannot help.
                self = .fatal(status.code, text)
            }
        case NATSStatus.noRespondersCode:
            self = .noResponders
        default:
            self = .fatal(status.code, text)
        }
    }
}
