/// Why a scenario could not run. Messages say what to do and never carry secrets.
public enum SmokeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing reached the subscribers of a subject within the probe time.
    case noInterest(subject: String)
    /// The topology has no `smoke` section or lacks what a scenario needs.
    case notConfigured(String)
    /// A stream or consumer the durable scenario needs is missing on the cluster.
    case missingOnCluster(String)
    /// A worker or producer process failed.
    case process(String)

    public var description: String {
        switch self {
        case .noInterest(let subject):
            "no subscriber of '\(subject)' received a probe within 5 s (are permissions or the cluster routes broken?)"
        case .notConfigured(let what): what
        case .missingOnCluster(let what): "\(what); run 'jetform apply' first"
        case .process(let what): what
        }
    }
}
