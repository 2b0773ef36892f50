import NIOCore

extension JetStreamContext {
    /// `STREAM.CREATE.<name>`. Creating a stream that exists with the identical config succeeds;
    /// a different config fails with 10058.
    ///
    /// - Parameter pedantic: ask the server to refuse instead of silently changing a value (10157).
    ///   Sent only to servers that understand it (2.11+); ignored for older ones.
    public func createStream(_ config: StreamConfig, pedantic: Bool = false) async throws(JetStreamError) -> StreamInfo {
        let body = Self.encode(PedanticRequest(body: config, pedantic: pedantic && (serverVersion?.supportsPedantic ?? false)))
        return try await request("STREAM.CREATE.\(config.name)", body: body)
    }

    /// `STREAM.UPDATE.<name>`. Immutable fields fail with 10052.
    public func updateStream(_ config: StreamConfig, pedantic: Bool = false) async throws(JetStreamError) -> StreamInfo {
        let body = Self.encode(PedanticRequest(body: config, pedantic: pedantic && (serverVersion?.supportsPedantic ?? false)))
        return try await request("STREAM.UPDATE.\(config.name)", body: body)
    }

    /// `STREAM.INFO.<name>`. A missing stream fails with 10059.
    public func streamInfo(_ name: String) async throws(JetStreamError) -> StreamInfo {
        try await request("STREAM.INFO.\(name)")
    }

    /// `STREAM.DELETE.<name>`.
    public func deleteStream(_ name: String) async throws(JetStreamError) {
        let reply: SuccessResponse = try await request("STREAM.DELETE.\(name)")
        guard reply.success == true else { throw .invalidResponse(operation: "STREAM DELETE \(name)", detail: "success not set") }
    }

    /// `STREAM.PURGE.<name>`: removes messages (all, those on `filter`, or all but the last `keep`,
    /// or those below `sequence`). Returns how many were removed.
    @discardableResult
    public func purgeStream(_ name: String, filter: String? = nil, keep: UInt64? = nil, sequence: UInt64? = nil) async throws(JetStreamError) -> UInt64 {
        let body = Self.encode(PurgeRequest(filter: filter, keep: keep, seq: sequence))
        let reply: PurgeResponse = try await request("STREAM.PURGE.\(name)", body: body)
        return reply.purged ?? 0
    }

    /// `STREAM.NAMES`, every page: the names of all streams (optionally only those listening on `subjectFilter`).
    public func streamNames(subjectFilter: String? = nil) async throws(JetStreamError) -> [String] {
        try await paged("STREAM.NAMES", subject: subjectFilter, as: StreamNamesPage.self)
    }

    /// `STREAM.LIST`, every page (256 per page): the info of all streams.
    ///
    /// In a cluster the meta leader collects the infos from the stream leaders and leaves out (lists as
    /// `missing`) those that do not answer in time — a stream electing its leader, e.g. right after it was
    /// created. Those are asked for one by one (`STREAM.INFO`, retried), so the list is complete; a
    /// stream deleted in the meantime is left out.
    public func streams(subjectFilter: String? = nil) async throws(JetStreamError) -> [StreamInfo] {
        let (infos, missing) = try await pagedWithMissing("STREAM.LIST", subject: subjectFilter, as: StreamListPage.self)
        var all = infos
        for name in missing where !all.contains(where: { $0.config.name == name }) {
            do {
                all.append(try await streamInfo(name))
            } catch where error.errCode == .streamNotFound {
                continue
            }
        }
        return all
    }

    /// Requests `api` with offsets 0, n, 2n… until `total` items are collected or a page is empty.
    func paged<Page: PagedResponse>(_ api: String, subject: String? = nil, as: Page.Type) async throws(JetStreamError) -> [Page.Item] {
        try await pagedWithMissing(api, subject: subject, as: Page.self).items
    }

    /// `paged`, plus the names a clustered list left out because their leaders did not answer in time.
    func pagedWithMissing<Page: PagedResponse>(_ api: String, subject: String? = nil, as: Page.Type)
        async throws(JetStreamError) -> (items: [Page.Item], missing: [String]) {
        let operation = Self.operationName(api)
        return try await pages(api, subject: subject) { (payload) throws(JetStreamError) -> ListPage<Page.Item> in
            let page = try Self.decodeAPIResponse(Page.self, from: payload, operation: operation)
            return ListPage(total: page.total, items: page.items, missing: page.missing ?? [])
        }
    }

    /// Every page of a list API, each read by `read`: requests offsets 0, n, 2n… until `total` items are
    /// collected or a page is empty.
    func pages<Item: Sendable>(_ api: String, subject: String? = nil,
                               reading read: @escaping @Sendable (ByteBuffer) throws(JetStreamError) -> ListPage<Item>)
        async throws(JetStreamError) -> (items: [Item], missing: [String]) {
        @Sendable func page(_ offset: Int) async throws(JetStreamError) -> ListPage<Item> {
            try await request(api, body: Self.encode(PageRequest(offset: offset, subject: subject)), reading: read)
        }
        var items: [Item] = []
        var missing: [String] = []
        // The first page tells the total; the other pages of a long list are asked for at once.
        let first = try await page(0)
        items = first.items
        missing = first.missing
        let pageSize = items.count + missing.count
        if let total = first.total, pageSize > 0, total > pageSize {
            let offsets = Array(stride(from: pageSize, to: total, by: pageSize))
            // (A child result of `(Int, Result<ListPage<Item>, JetStreamError>)` came back with a garbage
            // index from release builds of Swift 6.3.1, so every page was asked for twice; plain throwing
            // children carry the index intact.)
            let pages: [ListPage<Item>?]
            do {
                pages = try await withThrowingTaskGroup(of: (Int, ListPage<Item>).self) { group in
                    for (index, offset) in offsets.enumerated() {
                        group.addTask { (index, try await page(offset)) }
                    }
                    var all = [ListPage<Item>?](repeating: nil, count: offsets.count)
                    for try await (index, page) in group { all[index] = page }
                    return all
                }
            } catch let error as JetStreamError {
                throw error
            } catch {
                throw .cancelled(operation: Self.operationName(api))
            }
            for page in pages {
                items.append(contentsOf: page?.items ?? [])
                missing.append(contentsOf: page?.missing ?? [])
            }
        }
        if items.count + missing.count >= (first.total ?? 0) || pageSize == 0 { return (items, missing) }
        // The list grew while it was read: carry on page by page.
        while true {
            let next = try await page(items.count + missing.count)
            items.append(contentsOf: next.items)
            missing.append(contentsOf: next.missing)
            // `total` can change while paging (streams created/deleted); stop on an empty page too.
            if next.items.isEmpty && next.missing.isEmpty || items.count + missing.count >= (next.total ?? 0) {
                return (items, missing)
            }
        }
    }
}

/// One page of a list reply, as its reader made it.
public struct ListPage<Item: Sendable>: Sendable {
    /// The list's length when the page was made (`total`).
    public var total: Int?
    public var items: [Item]
    /// Names a clustered list could not get the info of in time (`missing`).
    public var missing: [String]

    public init(total: Int?, items: [Item], missing: [String] = []) {
        self.total = total
        self.items = items
        self.missing = missing
    }
}

/// Encodes `body`'s fields plus `"pedantic": true` when asked.
struct PedanticRequest<Body: Encodable>: Encodable {
    var body: Body
    var pedantic: Bool

    func encode(to encoder: any Encoder) throws {
        try body.encode(to: encoder)
        if pedantic {
            var c = encoder.container(keyedBy: JSONKey.self)
            try c.encode(true, forKey: "pedantic")
        }
    }
}

struct SuccessResponse: Decodable, Sendable { var success: Bool? }
struct PurgeRequest: Encodable { var filter: String?; var keep: UInt64?; var seq: UInt64? }
struct PurgeResponse: Decodable, Sendable { var success: Bool?; var purged: UInt64? }
struct PageRequest: Encodable { var offset: Int; var subject: String? }

protocol PagedResponse: Decodable, Sendable {
    associatedtype Item: Sendable
    var total: Int? { get }
    var items: [Item] { get }
    /// Names a clustered list could not get the info of in time (`STREAM.LIST`, `CONSUMER.LIST`).
    var missing: [String]? { get }
}

extension PagedResponse {
    var missing: [String]? { nil }
}

struct StreamNamesPage: PagedResponse {
    var total: Int?
    var streams: [String]?
    var items: [String] { streams ?? [] }
}

struct StreamListPage: PagedResponse {
    var total: Int?
    var streams: [StreamInfo]?
    var missing: [String]?
    var items: [StreamInfo] { streams ?? [] }
}

struct ConsumerNamesPage: PagedResponse {
    var total: Int?
    var consumers: [String]?
    var items: [String] { consumers ?? [] }
}

struct ConsumerListPage: PagedResponse {
    var total: Int?
    var consumers: [ConsumerInfo]?
    var missing: [String]?
    var items: [ConsumerInfo] { consumers ?? [] }
}
