public import JetStreamSchema
import Topology

/// What the reconciler needs to know about the server it plans for: which fields and defaults the
/// release has, and how many servers can hold replicas.
///
/// The executor fills it from `$JS.API.INFO` (`api.level`), the server `INFO` (`version`) and JSZ
/// (`meta_cluster` size, 1 for a single server).
public struct ServerCapabilities: Sendable, Hashable, Codable {
    /// The nats-server release, e.g. 2.10.25.
    public var version: ServerVersion
    /// The JetStream API level the server reports (nil before 2.11).
    public var apiLevel: Int?
    /// Servers in the JetStream cluster (1 when not clustered); the most replicas a stream can have.
    /// 0 when unknown: through a JetStream domain other than the connected server's, the servers there
    /// are not announced to the client (the server then refuses what does not fit).
    public var clusterSize: Int

    /// Whether `clusterSize` is known (see there).
    public var knowsClusterSize: Bool { clusterSize > 0 }

    /// Creates capabilities for a release.
    public init(version: ServerVersion, apiLevel: Int? = nil, clusterSize: Int = 1) {
        self.version = version
        self.apiLevel = apiLevel
        self.clusterSize = clusterSize
    }

    /// Creates capabilities from a version string as the server reports it (`2.10.25`, `v2.12.0-RC.1`);
    /// nil when the string is not a version.
    public init?(version: String, apiLevel: Int? = nil, clusterSize: Int = 1) {
        guard let parsed = ServerVersion(version) else { return nil }
        self.init(version: parsed, apiLevel: apiLevel, clusterSize: clusterSize)
    }

    /// Whether the release knows a field (or enum value) introduced in `since`.
    public func supports(_ since: ServerVersion) -> Bool { version >= since }

    /// Whether the server switches on roll-ups (and `allow_msg_ttl`) for subject delete markers and
    /// schedules instead of refusing the config: 2.12 and later (2.11 refuses).
    var forcesRollupForMarkers: Bool { version >= ServerVersion(2, 12) }

    /// `max_consumers` became updatable in 2.12.5 (and 2.14.0); before, changing it needs a replace.
    var maxConsumersUpdatable: Bool { version >= ServerVersion(2, 12, 5) }

    enum CodingKeys: String, CodingKey {
        case version, apiLevel = "api_level", clusterSize = "cluster_size"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let text = try c.decode(String.self, forKey: .version)
        guard let version = ServerVersion(text) else {
            throw DecodingError.dataCorruptedError(forKey: .version, in: c, debugDescription: "not a server version: \(text)")
        }
        self.version = version
        apiLevel = try c.decodeIfPresent(Int.self, forKey: .apiLevel)
        clusterSize = try c.decode(Int.self, forKey: .clusterSize)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version.patch == 0 ? "\(version.major).\(version.minor).0" : version.description, forKey: .version)
        try c.encodeIfPresent(apiLevel, forKey: .apiLevel)
        try c.encode(clusterSize, forKey: .clusterSize)
    }
}
