import Foundation
import JetStream
import LocalCluster
import NATS
import Testing
import Topology
@testable import Reconcile

/// The apply workflow as a library service (no `jetform` process) against a real 3-node cluster.
@Suite("Apply service against a real cluster", .serialized)
struct ApplyServiceIntegrationTests {
    static func settings(_ cluster: LocalCluster, user: String) -> NATSConnectionSettings {
        NATSConnectionSettings(url: cluster.clientURLs.joined(separator: ","), user: user, password: user)
    }

    /// A session of the application account with the system account for the health check.
    static func withSession<T: Sendable>(_ cluster: LocalCluster, _ body: (ReconcileSession) async throws -> T) async throws -> T {
        try await ReconcileSession.withSession(settings(cluster, user: "user"), system: settings(cluster, user: "admin"),
                                               name: "apply service test", body)
    }

    @Test func declinedChangesNothingThenAppliedConvergesAndEventsComeInOrder() async throws {
        try await LocalCluster.withCluster { cluster in
            let topology = try shippedTopology()
            try await Self.withSession(cluster) { session in
                try await waitUntilPlacementWorks(session.jetStream)
                let service = ApplyService(session: session, options: ApplyOptions(lockExpiry: .seconds(10), command: "test"))

                // Declined at the confirmation: nothing of the topology exists afterwards.
                let asked = Recorder<Int>()
                let declined = try await service.run(topology, confirm: { plan in asked.append(plan.actions.count); return false })
                guard case .declined(let shown) = declined else { Issue.record("expected declined, got \(declined)"); return }
                #expect(shown.actions.count == 5)
                #expect(asked.items == [5], "the confirmation saw the plan that would run")
                #expect(try await session.jetStream.streamNames().filter { !ApplyLock.isLockStream($0) }.isEmpty)

                // Accepted: every step reported, the lock held around them, and the verifying re-plan empty.
                let events = Recorder<String>()
                let outcome = try await service.run(topology, confirm: { _ in true }) { event in
                    switch event {
                    case .planned(let plan): events.append("planned \(plan.actions.count)")
                    case .healthNotes: break
                    case .waitingForLock(let topology, _, _): events.append("waiting for \(topology)")
                    case .lockHeld: events.append("held")
                    case .step(let result, let done, let total):
                        events.append(result.error == nil ? "step \(done)/\(total)" : "failed \(result.step.resource)")
                    case .lockReleased: events.append("released")
                    }
                }
                guard case .applied(let plan, let results, _, let remaining) = outcome else {
                    Issue.record("expected applied, got \(outcome)"); return
                }
                #expect(plan.actions.count == 5 && results.count == 5 && remaining == nil)
                #expect(events.items == ["held", "planned 5"] + (1...5).map { "step \($0)/5" } + ["released"], "\(events.items)")
                #expect(try await session.plan(topology, options: PlanOptions()).isEmpty)

                // Nothing left to do: no lock taken, the empty plan reported.
                let again = try await service.run(topology, confirm: { _ in Issue.record("asked with nothing to do"); return false })
                guard case .noChanges(let empty) = again else { Issue.record("expected no changes, got \(again)"); return }
                #expect(empty.isEmpty)

                // A replace without allowReplace: refused before the health check and the lock, nothing asked.
                let shipped = try String(contentsOf: repositoryRoot().appendingPathComponent("topology.yaml"), encoding: .utf8)
                let at = try #require(shipped.range(of: "RESPONSES:")).lowerBound
                let fileStorage = try TopologyLoader.load(
                    yaml: String(shipped[..<at]) + shipped[at...].replacingOccurrences(of: "storage: memory", with: "storage: file"),
                    file: "topology.yaml", environment: [:]).topology
                do throws(ApplyFailure) {
                    let outcome = try await service.run(fileStorage, confirm: { _ in Issue.record("asked to confirm a blocked plan"); return true })
                    Issue.record("a blocked plan ended as \(outcome)")
                } catch .blocked(let plan) {
                    #expect(plan.actions.contains { $0.kind == .replace })
                } catch {
                    Issue.record("expected blocked, got \(error)")
                }
                #expect(try await session.plan(topology, options: PlanOptions()).isEmpty, "nothing was changed")
            }
        }
    }

    @Test func aHandEditedSavedPlanStepIsAnErrorNotASuccess() async throws {
        try await LocalCluster.withCluster { cluster in
            let topology = try shippedTopology()
            try await Self.withSession(cluster) { session in
                try await waitUntilPlacementWorks(session.jetStream)
                let observed = try await session.observe(expecting: topology)
                let plan = session.plan(topology, options: PlanOptions(), observed: observed)
                let text = SavedPlan(plan: plan, topologyFiles: ["topology.yaml"], context: "user", observed: observed).encode()
                // A stream's create step turned into a consumer operation: the executor used to skip it and
                // count it as done.
                let edited = try #require(try Self.editFirstStep(of: "RESPONSES", in: text, operation: "create_consumer"))
                let saved = try SavedPlan.decode(edited, file: "edited.plan")
                let service = ApplyService(session: session, options: ApplyOptions(lockExpiry: .seconds(10)))
                do throws(ApplyFailure) {
                    let outcome = try await service.run(saved: saved, topology: topology, confirm: { _ in true })
                    Issue.record("a malformed step was reported as \(outcome)")
                } catch .stepsFailed(let failed) {
                    #expect(failed.count == 1, "\(failed)")
                    #expect(failed.first?.error == .malformed("create consumer on stream RESPONSES: a stream cannot take that operation"),
                            "\(failed)")
                    #expect("\(ApplyFailure.stepsFailed(failed))".contains("malformed plan step"))
                } catch {
                    Issue.record("expected a failed step, got \(error)")
                }
                #expect(!(try await session.jetStream.streamNames().contains("RESPONSES")), "the malformed step sent nothing")
            }
        }
    }

    /// `text` with the `operation` of the first step of `stream`'s stream action replaced.
    static func editFirstStep(of stream: String, in text: String, operation: String) throws -> String? {
        var root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        var actions = try #require(root["actions"] as? [[String: Any]])
        guard let index = actions.firstIndex(where: { $0["resource"] as? String == "stream" && $0["name"] as? String == stream }) else { return nil }
        var steps = try #require(actions[index]["steps"] as? [[String: Any]])
        steps[0]["operation"] = operation
        actions[index]["steps"] = steps
        root["actions"] = actions
        return String(decoding: try JSONSerialization.data(withJSONObject: root), as: UTF8.self)
    }

    @Test func malformedStepsAreRefusedBeforeAnythingIsSent() throws {
        let consumerConfig = try object(#"{"durable_name": "workers", "ack_policy": "explicit"}"#)
        let cases: [(PlanStep, String)] = [
            (PlanStep(phase: .applyConsumers, operation: .createConsumer, resource: .stream("R"), config: consumerConfig),
             "create consumer on stream R: a stream cannot take that operation"),
            (PlanStep(phase: .applyConsumers, operation: .deleteConsumer, resource: .stream("R")),
             "delete consumer on stream R: a stream cannot take that operation"),
            (PlanStep(phase: .applyConsumers, operation: .createConsumer, resource: .consumer(stream: "R", name: "other"), config: consumerConfig),
             "create consumer on consumer R.other: the config names consumer 'workers'"),
            (PlanStep(phase: .applyStreams, operation: .createStream, resource: .stream("R")),
             "create stream on stream R has no config"),
        ]
        for (step, message) in cases {
            #expect(throws: StepError.malformed(message)) { try PlanExecutor.checkShape(step) }
        }
        let good = PlanStep(phase: .applyConsumers, operation: .createConsumer, resource: .consumer(stream: "R", name: "workers"), config: consumerConfig)
        #expect(throws: Never.self) { try PlanExecutor.checkShape(good) }
    }
}

/// A context's `jetstream_domain` reaches the session: its JetStream calls go to `$JS.<domain>.API`.
@Suite("JetStream domain of a context")
struct JetStreamDomainIntegrationTests {
    @Test func aContextsDomainIsTheAPIPrefixPlanAndApplyUse() async throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("jetform-domain-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: store) }
        let options = LocalServer.Options(jetStream: false, extraConfig: """
            jetstream { store_dir: "\(store.path)", domain: hub }
            """)
        try await LocalServer.withServer(options: options) { server in
            let yaml = """
                name: users
                contexts:
                  user: { url: '\(server.clientURL)', user: user, password: user, jetstream_domain: hub }
                streams:
                  DOMAIN_S: { subjects: [domain.s], storage: memory }
                """
            let topology = try TopologyLoader.load(yaml: yaml, file: "topology.yaml", environment: [:]).topology
            let resolved = try ConnectionResolver.resolve(defaultContext: topology.context, topology: topology, environment: [:])
            #expect(resolved.settings.jetStreamDomain == "hub")
            try await ReconcileSession.withSession(resolved.settings, name: "domain test") { session in
                #expect(session.jetStream.apiPrefix == "$JS.hub.API")
                let outcome = try await ApplyService(session: session, options: ApplyOptions(lockExpiry: .seconds(10)))
                    .run(topology, confirm: { _ in true })
                guard case .applied(_, let results, _, _) = outcome else { Issue.record("expected applied, got \(outcome)"); return }
                #expect(results.count == 1)
                #expect(try await session.plan(topology, options: PlanOptions()).isEmpty)
            }
        }
    }
}
