import NIOCore

extension JetStreamContext {
    /// `CONSUMER.CREATE.<stream>.<name>[.<filter>]` (or `CONSUMER.CREATE.<stream>` for an unnamed
    /// ephemeral consumer).
    ///
    /// The filter goes into the subject (useful for subject-based permissions) only when the config has
    /// a single literal `filter_subject` and no `filter_subjects`: 2.10 refuses a subject filter that does
    /// not match `filter_subject` (10131) or that is combined with `filter_subjects`, and a wildcard cannot
    /// be part of a published subject.
    ///
    /// - Parameters:
    ///   - action: `.create` fails with 10148 if a different consumer exists, `.update` fails with 10149
    ///     if none exists, `.createOrUpdate` does either.
    ///   - pedantic: sent only to 2.11+ servers.
    public func createConsumer(stream: String, config: ConsumerConfig, action: ConsumerAction = .createOrUpdate, pedantic: Bool = false) async throws(JetStreamError) -> ConsumerInfo {
        var api = "CONSUMER.CREATE.\(stream)"
        if let name = config.effectiveName {
            api += ".\(name)"
            if let filter = config.filterSubject, config.filterSubjects?.isEmpty ?? true,
               !filter.isEmpty, !filter.contains("*"), !filter.contains(">"),
               serverVersion?.supportsFilterInCreateSubject ?? false {
                api += ".\(filter)"
            }
        }
        let request = CreateConsumerRequest(
            streamName: stream, config: config, action: action,
            pedantic: pedantic && (serverVersion?.supportsPedantic ?? false)
        )
        return try await self.request(api, body: Self.encode(request))
    }

    /// `CONSUMER.INFO.<stream>.<name>`. A missing consumer fails with 10014.
    public func consumerInfo(stream: String, name: String) async throws(JetStreamError) -> ConsumerInfo {
        try await request("CONSUMER.INFO.\(stream).\(name)")
    }

    /// `CONSUMER.DELETE.<stream>.<name>`.
    public func deleteConsumer(stream: String, name: String) async throws(JetStreamError) {
        let reply: SuccessResponse = try await request("CONSUMER.DELETE.\(stream).\(name)")
        guard reply.success == true else { throw .invalidResponse(operation: "CONSUMER DELETE \(stream) \(name)", detail: "success not set") }
    }

    /// `CONSUMER.NAMES.<stream>`, every page.
    public func consumerNames(stream: String) async throws(JetStreamError) -> [String] {
        try await paged("CONSUMER.NAMES.\(stream)", as: ConsumerNamesPage.self)
    }

    /// `CONSUMER.LIST.<stream>`, every page; consumers whose leaders did not answer the list in time
    /// (`missing`) are asked for one by one (see `streams()`).
    public func consumers(stream: String) async throws(JetStreamError) -> [ConsumerInfo] {
        let (infos, missing) = try await pagedWithMissing("CONSUMER.LIST.\(stream)", as: ConsumerListPage.self)
        var all = infos
        for name in missing where !all.contains(where: { $0.name == name }) {
            do {
                all.append(try await consumerInfo(stream: stream, name: name))
            } catch where error.errCode == .consumerNotFound {
                continue
            }
        }
        return all
    }
}

struct CreateConsumerRequest: Encodable {
    var streamName: String
    var config: ConsumerConfig
    var action: ConsumerAction
    var pedantic: Bool

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(streamName, forKey: "stream_name")
        try c.encode(config, forKey: "config")
        // "" means create-or-update; leave it out so the request is the same as a pre-2.10 one.
        if action != .createOrUpdate { try c.encode(action, forKey: "action") }
        if pedantic { try c.encode(true, forKey: "pedantic") }
    }
}
