/// What happens to a connection over its life, for logs and for tests.
public enum NATSEvent: Sendable, Equatable {
    case connected(server: String)
    case disconnected(server: String, reason: String)
    case reconnected(server: String)
    /// The server reported an error that leaves the connection open (e.g. a permissions violation).
    case serverError(String)
    /// A subscription dropped messages because its reader was too slow.
    case slowConsumer(subject: String, dropped: Int)
    /// The server announced it is shutting down (lame duck mode).
    case lameDuckMode(server: String)
    case closed
}
