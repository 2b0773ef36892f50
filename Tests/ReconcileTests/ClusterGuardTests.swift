import NATS
import Testing
@testable import Reconcile
import Topology

/// The cluster guard of an environment and of a saved plan, against what a server's INFO says.
@Suite struct ClusterGuardTests {
    let prod = EnvironmentSpec(name: "prod", cluster: "prod-east", domain: "hub", location: SourceLocation(file: "t.yaml", line: 9, column: 3),
                               fieldLocations: ["cluster": SourceLocation(file: "t.yaml", line: 10, column: 5),
                                                "domain": SourceLocation(file: "t.yaml", line: 11, column: 5)])

    @Test func theServerMustReportTheEnvironmentsClusterAndDomain() {
        #expect(ClusterGuard.check(prod, info: ServerInfo(serverName: "p1", cluster: "prod-east", domain: "hub")) == nil)
        #expect(ClusterGuard.check(nil, info: ServerInfo(cluster: "anything")) == nil, "no environment, no guard")
        #expect(ClusterGuard.check(EnvironmentSpec(name: "dev", location: prod.location), info: ServerInfo()) == nil, "nothing declared")

        let other = ClusterGuard.check(prod, info: ServerInfo(serverName: "n1", cluster: "nats", domain: "hub"))
        #expect(other?.description == "environment 'prod' is cluster 'prod-east' (t.yaml:10:5), but server n1 reports cluster 'nats'; nothing was read or changed — check --env / JETFORM_ENV and the context's URL")
        let single = ClusterGuard.check(prod, info: ServerInfo(serverName: "solo"))
        #expect(single?.description.contains("server solo reports no cluster") == true)
        let leaf = ClusterGuard.check(prod, info: ServerInfo(serverName: "l1", cluster: "prod-east", domain: "leaf"))
        #expect(leaf?.what == "JetStream domain" && leaf?.found == "leaf" && leaf?.location?.line == 11)
    }

    @Test func aSavedPlanRunsOnlyOnTheClusterItWasMadeFor() {
        #expect(ClusterGuard.check(savedFor: "jetform", environment: "local", info: ServerInfo(cluster: "jetform")) == nil)
        #expect(ClusterGuard.check(savedFor: nil, environment: nil, info: ServerInfo(cluster: "x")) == nil, "older plans record none")
        let moved = ClusterGuard.check(savedFor: "jetform", environment: "local", info: ServerInfo(serverName: "p2", cluster: "prod-east"))
        #expect(moved?.description == "the saved plan was made against cluster 'jetform' (environment 'local'), but server p2 reports cluster 'prod-east'; nothing was read or changed — check --env / JETFORM_ENV and the context's URL")
    }
}
