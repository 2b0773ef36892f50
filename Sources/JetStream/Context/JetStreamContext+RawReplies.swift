public import NIOCore

/// The management reads with the reply handed over as bytes, for a caller that reads the JSON itself
/// instead of decoding it into this module's models. The planner does: it compares configs as JSON,
/// and a 1,000-stream cluster's list pages are megabytes that a typed decode would only turn back into
/// JSON. API errors are recognised and thrown as for the typed calls; `read` sees only answers.
extension JetStreamContext {
    /// `STREAM.LIST`, every page read by `read`. Unlike ``streams(subjectFilter:)`` the streams a
    /// clustered list left out are returned as `missing`, not asked for.
    public func streamList<Item: Sendable>(subjectFilter: String? = nil,
                                           reading read: @escaping @Sendable (ByteBuffer) throws(JetStreamError) -> ListPage<Item>)
        async throws(JetStreamError) -> (items: [Item], missing: [String]) {
        try await pages("STREAM.LIST", subject: subjectFilter, reading: read)
    }

    /// `CONSUMER.LIST.<stream>`, every page read by `read`; consumers left out are returned as `missing`.
    public func consumerList<Item: Sendable>(stream: String,
                                             reading read: @escaping @Sendable (ByteBuffer) throws(JetStreamError) -> ListPage<Item>)
        async throws(JetStreamError) -> (items: [Item], missing: [String]) {
        try await pages("CONSUMER.LIST.\(stream)", reading: read)
    }

    /// `STREAM.INFO.<name>`, the reply read by `read`. A missing stream fails with 10059.
    public func streamInfo<Value: Sendable>(_ name: String, reading read: (ByteBuffer) throws(JetStreamError) -> Value)
        async throws(JetStreamError) -> Value {
        try await request("STREAM.INFO.\(name)", reading: read)
    }

    /// `CONSUMER.INFO.<stream>.<name>`, the reply read by `read`. A missing consumer fails with 10014.
    public func consumerInfo<Value: Sendable>(stream: String, name: String, reading read: (ByteBuffer) throws(JetStreamError) -> Value)
        async throws(JetStreamError) -> Value {
        try await request("CONSUMER.INFO.\(stream).\(name)", reading: read)
    }
}
