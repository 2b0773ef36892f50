/// The users `cluster/accounts.conf` defines, for tests and for `jetform cluster up`'s hints.
public struct ClusterUser: Sendable, Hashable {
    public var user: String
    public var password: String
    public var account: String

    /// user/user in the application account APP (JetStream enabled): the `user` context.
    public static let app = ClusterUser(user: "user", password: "user", account: "APP")
    /// admin/admin in the system account SYS: the `sys` context.
    public static let system = ClusterUser(user: "admin", password: "admin", account: "SYS")
}
