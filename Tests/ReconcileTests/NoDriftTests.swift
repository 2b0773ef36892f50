import Testing
@testable import Reconcile
import Topology

/// Configs captured from real servers (2.10.25, 2.12.1, 2.15.1) after creating the file's streams must
/// plan as "no changes": defaults, `_nats.*` metadata, capped duplicate windows, inherited consumer limits,
/// forced roll-ups and echoed empty objects are not drift.
@Suite struct NoDriftTests {
    @Test func captureYAMLMatchesWhatWasSent() throws {
        for capture in try Capture.all {
            let desired = try capturedTopology(for: capture.capabilities)
            #expect(desired.streams.count == capture.observed.streams.count, "\(capture.capabilities.version)")
            for stream in desired.streams {
                // The shipped file now declares the duplicate window the capture's server derived (5 s).
                var sent = capture.sent[stream.name]
                if sent?["duplicate_window"] == nil, let live = capture.observed.stream(named: stream.name),
                   let window = stream.config["duplicate_window"], live.config["duplicate_window"] == window {
                    sent?["duplicate_window"] = window
                }
                #expect(Ownership.marked(stream.config, topology: "users") == sent,
                        "\(capture.capabilities.version) \(stream.name)")
                for consumer in stream.consumers {
                    #expect(Ownership.marked(consumer.config, topology: "users") == capture.sentConsumers["\(stream.name).\(consumer.name)"],
                            "\(capture.capabilities.version) \(stream.name).\(consumer.name)")
                }
            }
        }
    }

    @Test func capturedConfigsPlanNoChanges() throws {
        for capture in try Capture.all {
            let desired = try capturedTopology(for: capture.capabilities)
            let plan = Planner.plan(desired: desired, observed: capture.observed, capabilities: capture.capabilities)
            // The captures were created without pedantic mode, where the server fills in what these files
            // leave out (a window under max_age, consumer limits, roll-ups for markers); jetform sends in
            // pedantic mode and asks the file to declare those. Nothing else may be an error.
            #expect(plan.errors.allSatisfy { $0.message.contains("in pedantic mode, which jetform uses") },
                    "\(capture.capabilities.version): \(plan.errors)")
            #expect(plan.warnings.isEmpty, "\(capture.capabilities.version): \(plan.warnings)")
            #expect(plan.actions.isEmpty, "\(capture.capabilities.version):\n\(PlanRenderer.render(plan))")
            #expect(plan.unmanaged.isEmpty)
        }
    }

    @Test func shippedTopologyMatchesItsCapture() throws {
        var shipped = try shippedTopology()
        // The captures hold the two streams; the CONFIG bucket came later (KVTests cover buckets).
        shipped.kv = []
        for capture in try Capture.all {
            var observed = capture.observed
            observed.streams.removeAll { shipped.stream(named: $0.name) == nil }
            let plan = Planner.plan(desired: shipped, observed: observed, capabilities: capture.capabilities)
            #expect(plan.isEmpty, "\(capture.capabilities.version):\n\(PlanRenderer.render(plan))")
            #expect(PlanRenderer.render(plan) == "No changes. The cluster matches topology.yaml.\n")
        }
    }

    /// Normalising what the server reported, as desired, gives the same comparison form: the normaliser
    /// agrees with the server on every captured config.
    @Test func normaliserAgreesWithTheServer() throws {
        for capture in try Capture.all {
            for stream in capture.observed.streams {
                let sent = try #require(capture.sent[stream.name])
                let desired = Normaliser.canonical(stream: sent, capabilities: capture.capabilities)
                let live = Normaliser.canonical(stream: stream.config, capabilities: capture.capabilities)
                #expect(desired == live, "\(capture.capabilities.version) \(stream.name)")
                // The server's filled config is a fixed point of the defaults.
                let filled = ServerDefaults.stream(sent, capabilities: capture.capabilities)
                for (key, value) in filled {
                    let reported = stream.config[key].map(Normaliser.integer)
                    #expect(Normaliser.clean([key: value], kind: .stream) == Normaliser.clean(reported.map { [key: $0] } ?? [:], kind: .stream),
                            "\(capture.capabilities.version) \(stream.name).\(key)")
                }
                let desiredStream = ServerDefaults.stream(sent, capabilities: capture.capabilities)
                for consumer in stream.consumers {
                    let csent = try #require(capture.sentConsumers["\(stream.name).\(consumer.name)"])
                    let d = Normaliser.canonical(consumer: csent, stream: desiredStream, capabilities: capture.capabilities)
                    let l = Normaliser.canonical(consumer: consumer.config, stream: stream.config, capabilities: capture.capabilities)
                    #expect(d == l, "\(capture.capabilities.version) \(stream.name).\(consumer.name)")
                }
            }
        }
    }

    @Test func observedStreamReadsInfoResponses() throws {
        let capture = try Capture.load(CapturedConfigs.v2_15_1)
        let events = try #require(capture.observed.stream(named: "EVENTS"))
        #expect(events.state == StreamHoldings(messages: 3, bytes: 138))
        #expect(events.consumers.map(\.name) == ["backoff", "replicated"])
        #expect(events.managedBy == "users")
        #expect(events.consumers.allSatisfy { $0.isDurable })
    }
}
