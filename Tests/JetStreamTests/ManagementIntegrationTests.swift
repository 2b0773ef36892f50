import JetStreamSchema
import Foundation
import LocalCluster
import NATS
import Testing
@testable import JetStream

/// Management calls against a real 3-node cluster, on the pinned release and an older one.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct ManagementIntegrationTests {
    @Test(arguments: Releases.all)
    func configsRoundTripErrorsAndPaging(version: String) async throws {
        try await withJetStreamCluster(version: version) { _, js, _ in
            let release = try #require(js.serverVersion)
            #expect(release.description == version)
            let account = try await js.accountInfo()
            #expect(account.limits != nil)
            try await streamConfigsRoundTrip(js, release)
            try await consumerConfigsRoundTrip(js, release)
            try await errorsAreTyped(js, release)
            try await pagingPast256Streams(js)
            try await pagingPast256Consumers(js)
        }
    }

    /// Errors a single server gives: resource limits of the server, and an account without JetStream.
    /// (A cluster answers the resource cases with 10005 no suitable peers, checked above.)
    @Test func resourceLimitsAndAccountsWithoutJetStream() async throws {
        try await LocalServer.withServer { server in
            let user = try await NATSClient.connect(try NATSClientOptions(urls: server.clientURL, auth: .userPassword(user: "user", password: "user")))
            let admin = try await NATSClient.connect(try NATSClientOptions(urls: server.clientURL, auth: .userPassword(user: "admin", password: "admin")))
            let js = JetStreamContext(client: user)
            var memory = StreamConfig(name: "TOO_BIG_MEM", subjects: ["big.mem"])
            memory.storage = .memory
            memory.maxBytes = 2 << 30  // the server allows 1 GB of memory streams
            await expectAPIError(.memoryResourcesExceeded) { try await js.createStream(memory) }
            var file = StreamConfig(name: "TOO_BIG_FILE", subjects: ["big.file"])
            file.storage = .file
            file.maxBytes = 8 << 30  // and 4 GB of file streams
            await expectAPIError(.storageResourcesExceeded) { try await js.createStream(file) }
            #expect(try await js.streamNames().isEmpty, "a refused create leaves nothing behind")

            let system = JetStreamContext(client: admin)  // the system account has no JetStream
            let error = await expectAPIError(.notEnabledForAccount) { try await system.accountInfo() }
            #expect(error?.isNotEnabled == true)
            await user.close()
            await admin.close()
        }
    }

    // MARK: - Round trips

    /// Creates a config, reads it back, and checks every field sent came back unchanged (metadata
    /// without `_nats.` keys) and the server sent nothing the models do not know.
    func checkRoundTrip(_ sent: some Encodable, _ got: some Encodable, extra: [String: JSONValue], _ label: String) throws {
        #expect(extra.isEmpty, "\(label): fields the models do not know: \(extra.keys.sorted())")
        let s = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(sent))
        let g = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(got))
        compare(s, g, label)
    }

    func compare(_ sent: JSONValue, _ got: JSONValue, _ path: String) {
        guard case .object(let s) = sent, case .object(let g) = got else {
            #expect(sent == got, "\(path): sent \(sent), got \(got)")
            return
        }
        for (key, value) in s {
            var back = g[key]
            if key == "metadata", case .object(let m)? = back { back = .object(JSONObject(m.filter { !$0.key.hasPrefix("_nats.") }.map { ($0.key, $0.value) })) }
            if case .object = value, let back { compare(value, back, "\(path).\(key)"); continue }
            #expect(back == value, "\(path).\(key): sent \(value), got \(back.map { "\($0)" } ?? "nothing")")
        }
    }

    func streamConfigsRoundTrip(_ js: JetStreamContext, _ release: ServerVersion) async throws {
        let modern = release >= ServerVersion(major: 2, minor: 11, patch: 0)
        var source = StreamConfig(name: "RT_SRC", subjects: ["rt.src.>"])
        source.storage = .memory
        source.numReplicas = 1
        _ = try await js.createStream(source)

        var full = StreamConfig(name: "RT_FULL", subjects: ["rt.a.>", "rt.b.*"])
        full.description = "every field"
        full.retention = .limits
        full.maxConsumers = 10
        full.maxMsgs = 1000
        full.maxBytes = 1 << 20
        full.maxAge = .minutes(60)
        full.maxMsgsPerSubject = 10
        full.maxMsgSize = 1024
        full.discard = .new
        full.storage = .file
        full.numReplicas = 3
        full.duplicateWindow = .minutes(1)
        full.placement = Placement(cluster: "jetform")
        full.compression = .s2
        full.firstSeq = 100
        full.subjectTransform = SubjectTransform(source: "rt.a.>", destination: "rt.a.t.>")
        full.republish = RePublish(source: "rt.a.>", destination: "repub.a.>", headersOnly: true)
        full.allowDirect = true
        full.mirrorDirect = false
        full.discardNewPerSubject = true
        full.sealed = false
        full.denyDelete = true
        full.denyPurge = false
        full.allowRollupHeaders = true
        full.consumerLimits = StreamConsumerLimits(inactiveThreshold: .minutes(60), maxAckPending: 500)
        full.metadata = ["owner": "jetform-test"]
        if modern {
            full.allowMsgTTL = true
            full.subjectDeleteMarkerTTL = .minutes(1)
        }
        // Right after a start, 2.10 places R3 streams only once the meta leader has every peer's
        // statistics; until then it answers 10005 (the helpers ask the servers for them). With the whole
        // suite running beside it on two cores that took over a minute.
        try await waitUntilPlacementWorks(js)
        try await createRetryingPlacement(js, full, pedantic: true, timeout: .seconds(120))
        let fullBack = try await js.streamInfo("RT_FULL")
        try checkRoundTrip(full, fullBack.config, extra: fullBack.config.extra, "RT_FULL")
        #expect(fullBack.extra.isEmpty && fullBack.state.extra.isEmpty)
        #expect(fullBack.cluster?.leader != nil)

        if release >= ServerVersion(major: 2, minor: 12, patch: 0) {
            // Counters exclude TTLs and schedules, so the 2.12 fields need two streams.
            var counters = StreamConfig(name: "RT_COUNTER", subjects: ["rt.n.>"])
            counters.storage = .file
            counters.numReplicas = 1
            counters.allowMsgCounter = true
            counters.allowAtomic = true
            if release >= ServerVersion(major: 2, minor: 14, patch: 0) { counters.allowBatched = true }
            let back = try await js.createStream(counters, pedantic: true)
            try checkRoundTrip(counters, back.config, extra: back.config.extra, "RT_COUNTER")

            // Async persistence excludes atomic batches, so it goes here.
            var schedules = StreamConfig(name: "RT_SCHED", subjects: ["rt.s.>"])
            schedules.storage = .file
            schedules.persistMode = .async
            schedules.allowMsgSchedules = true
            schedules.allowMsgTTL = true
            schedules.allowRollupHeaders = true  // schedules need roll-ups
            let sched = try await js.createStream(schedules, pedantic: true)
            try checkRoundTrip(schedules, sched.config, extra: sched.config.extra, "RT_SCHED")
        }

        var sourced = StreamConfig(name: "RT_SOURCED")
        sourced.storage = .memory
        sourced.numReplicas = 1
        var s1 = StreamSource(name: "RT_SRC", filterSubject: "rt.src.x")
        s1.optStartSeq = 2
        var s2 = StreamSource(name: "RT_FULL")
        s2.subjectTransforms = [SubjectTransform(source: "rt.a.>", destination: "sourced.a.>")]
        var s3 = StreamSource(name: "REMOTE")
        s3.external = ExternalStream(apiPrefix: "$JS.hub.API", deliverPrefix: "deliver.hub")
        sourced.sources = [s1, s2, s3]
        let sourcedBack = try await js.createStream(sourced)
        try checkRoundTrip(sourced, sourcedBack.config, extra: sourcedBack.config.extra, "RT_SOURCED")

        var mirror = StreamConfig(name: "RT_MIRROR")
        mirror.storage = .memory
        var origin = StreamSource(name: "RT_SRC")
        origin.optStartTime = Timestamp(rawValue: "2020-01-01T00:00:00Z")
        mirror.mirror = origin
        let mirrorBack = try await js.createStream(mirror)
        try checkRoundTrip(mirror, mirrorBack.config, extra: mirrorBack.config.extra, "RT_MIRROR")

        // Read back through the list too: same configs.
        let listed = try await js.streams()
        // STREAM.LIST leaves out `_nats.ver`/`_nats.level` metadata that STREAM.INFO shows; compare without `_nats.`.
        #expect(listed.first { $0.config.name == "RT_FULL" }.map { stripNATS($0.config.metadata) } == stripNATS(fullBack.config.metadata))
        var listedConfig = try #require(listed.first { $0.config.name == "RT_FULL" }?.config)
        var infoConfig = fullBack.config
        listedConfig.metadata = nil
        infoConfig.metadata = nil
        #expect(listedConfig == infoConfig)

        // Updates that are allowed go through, with pedantic where supported.
        var update = fullBack.config
        update.description = "updated"
        update.maxMsgs = 2000
        let updated = try await js.updateStream(update, pedantic: true)
        #expect(updated.config.description == "updated" && updated.config.maxMsgs == 2000)
    }

    func consumerConfigsRoundTrip(_ js: JetStreamContext, _ release: ServerVersion) async throws {
        let modern = release >= ServerVersion(major: 2, minor: 11, patch: 0)
        var pull = ConsumerConfig(durableName: "pull_all", ackPolicy: .explicit)
        pull.description = "pull with every field"
        pull.deliverPolicy = .byStartSequence
        pull.optStartSeq = 3
        pull.ackWait = .seconds(1)  // the first backoff entry wins over ack_wait
        pull.maxDeliver = 5
        pull.backoff = [.seconds(1), .seconds(2)]
        pull.filterSubjects = ["rt.a.x", "rt.b.y"]
        pull.replayPolicy = .instant
        pull.maxWaiting = 100
        pull.maxAckPending = 200
        pull.headersOnly = true
        pull.maxRequestBatch = 50
        pull.maxRequestExpires = .seconds(10)
        pull.maxRequestMaxBytes = 1 << 20
        pull.inactiveThreshold = .minutes(60)
        pull.numReplicas = 1
        pull.memStorage = true
        pull.metadata = ["k": "v"]
        if modern {
            pull.pauseUntil = Timestamp(rawValue: "2030-01-01T00:00:00Z")
            pull.priorityGroups = ["g1"]
            pull.priorityPolicy = .overflow
        }
        let pullBack = try await js.createConsumer(stream: "RT_FULL", config: pull, action: .create, pedantic: true)
        try checkRoundTrip(pull, try #require(pullBack.config), extra: pullBack.config?.extra ?? [:], "pull_all")
        #expect(pullBack.extra.isEmpty)
        if modern { #expect(pullBack.paused == true) }

        var push = ConsumerConfig(durableName: "push_all", ackPolicy: .explicit, filterSubject: "rt.a.>")
        push.deliverSubject = "deliver.push"
        push.deliverGroup = "grp"
        push.deliverPolicy = .byStartTime
        push.optStartTime = Timestamp(rawValue: "2020-01-01T00:00:00Z")
        push.flowControl = true
        push.idleHeartbeat = .seconds(5)
        push.rateLimitBps = 1_000_000
        push.sampleFrequency = "50%"
        push.replayPolicy = .original
        let pushBack = try await js.createConsumer(stream: "RT_FULL", config: push, action: .create)
        try checkRoundTrip(push, try #require(pushBack.config), extra: pushBack.config?.extra ?? [:], "push_all")

        // A literal single filter goes into the create subject.
        let filtered = try await js.createConsumer(stream: "RT_SRC", config: ConsumerConfig(durableName: "by_filter", ackPolicy: .explicit, filterSubject: "rt.src.x"))
        #expect(filtered.config?.filterSubject == "rt.src.x")

        if modern {
            var pinned = ConsumerConfig(durableName: "pinned", ackPolicy: .explicit)
            pinned.priorityGroups = ["g"]
            pinned.priorityPolicy = .pinnedClient
            pinned.priorityTimeout = .seconds(30)
            let back = try await js.createConsumer(stream: "RT_FULL", config: pinned)
            try checkRoundTrip(pinned, try #require(back.config), extra: back.config?.extra ?? [:], "pinned")
        }

        let names = try await js.consumerNames(stream: "RT_FULL")
        #expect(Set(names).isSuperset(of: ["pull_all", "push_all"]))
        let infos = try await js.consumers(stream: "RT_FULL")
        var listedPull = try #require(infos.first { $0.name == "pull_all" }?.config)
        var createdPull = try #require(pullBack.config)
        #expect(stripNATS(listedPull.metadata) == stripNATS(createdPull.metadata))
        listedPull.metadata = nil
        createdPull.metadata = nil
        #expect(listedPull == createdPull)
        try await js.deleteConsumer(stream: "RT_FULL", name: "push_all")
        await expectAPIError(.consumerNotFound) { try await js.consumerInfo(stream: "RT_FULL", name: "push_all") }
    }

    func stripNATS(_ metadata: [String: String]?) -> [String: String] {
        (metadata ?? [:]).filter { !$0.key.hasPrefix("_nats.") }
    }

    // MARK: - Errors

    func errorsAreTyped(_ js: JetStreamContext, _ release: ServerVersion) async throws {
        await expectAPIError(.streamNotFound) { try await js.streamInfo("NO_SUCH_STREAM") }
        await expectAPIError(.consumerNotFound) { try await js.consumerInfo(stream: "RT_SRC", name: "nope") }

        var source = StreamConfig(name: "RT_SRC", subjects: ["other.>"])
        source.storage = .memory
        await expectAPIError(.streamNameExists) { try await js.createStream(source) }

        // Identical config: idempotent.
        var same = try await js.streamInfo("RT_SRC").config
        _ = try await js.createStream(same)
        same.storage = .file
        await expectAPIError(.streamUpdateRefused) { try await js.updateStream(same) }

        var overlap = StreamConfig(name: "OVERLAP", subjects: ["rt.src.x"])
        overlap.storage = .memory
        await expectAPIError(.subjectsOverlap) { try await js.createStream(overlap) }

        var huge = StreamConfig(name: "HUGE", subjects: ["huge"])
        huge.storage = .memory
        huge.maxBytes = 100 << 30
        await expectAPIError(.noSuitablePeers) { try await js.createStream(huge) }

        var wq = StreamConfig(name: "RT_WQ", subjects: ["rt.wq.>"])
        wq.retention = .workQueue
        wq.storage = .memory
        wq.numReplicas = 3
        _ = try await js.createStream(wq)
        _ = try await js.createConsumer(stream: "RT_WQ", config: ConsumerConfig(durableName: "w1", ackPolicy: .explicit))
        await expectAPIError(.workQueueMultipleUnfiltered) {
            try await js.createConsumer(stream: "RT_WQ", config: ConsumerConfig(durableName: "w2", ackPolicy: .explicit))
        }
        try await js.deleteConsumer(stream: "RT_WQ", name: "w1")
        _ = try await js.createConsumer(stream: "RT_WQ", config: ConsumerConfig(durableName: "f1", ackPolicy: .explicit, filterSubject: "rt.wq.a.>"))
        await expectAPIError(.workQueueFilterNotUnique) {
            try await js.createConsumer(stream: "RT_WQ", config: ConsumerConfig(durableName: "f2", ackPolicy: .explicit, filterSubject: "rt.wq.>"))
        }

        let c1 = ConsumerConfig(durableName: "c1", ackPolicy: .explicit)
        _ = try await js.createConsumer(stream: "RT_SRC", config: c1)
        var changed = c1
        changed.deliverPolicy = .new
        await expectAPIError(.consumerUpdateRefused) { try await js.createConsumer(stream: "RT_SRC", config: changed) }
        var described = c1
        described.description = "different"
        await expectAPIError(.consumerAlreadyExists) { try await js.createConsumer(stream: "RT_SRC", config: described, action: .create) }
        _ = try await js.createConsumer(stream: "RT_SRC", config: c1, action: .create)  // same config: fine
        await expectAPIError(.consumerDoesNotExist) {
            try await js.createConsumer(stream: "RT_SRC", config: ConsumerConfig(durableName: "c9", ackPolicy: .explicit), action: .update)
        }
        let updated = try await js.createConsumer(stream: "RT_SRC", config: described, action: .update)
        #expect(updated.config?.description == "different")

        // Pedantic: 2.11+ refuses the silent duplicate-window cap; 2.10 never gets the flag.
        var capped = StreamConfig(name: "PEDANTIC", subjects: ["ped.>"])
        capped.storage = .memory
        capped.maxAge = .seconds(5)
        if release.supportsPedantic {
            await expectAPIError(.pedanticRefused) { try await js.createStream(capped, pedantic: true) }
        } else {
            let info = try await js.createStream(capped, pedantic: true)
            #expect(info.config.duplicateWindow == .seconds(5))
        }
    }

    // MARK: - Paging

    func pagingPast256Streams(_ js: JetStreamContext) async throws {
        let count = 300
        try await withThrowingTaskGroup(of: Void.self) { group in
            for start in stride(from: 0, to: count, by: count / 10) {
                group.addTask {
                    for i in start..<(start + count / 10) {
                        var config = StreamConfig(name: "PAGE_\(i)", subjects: ["page.\(i)"])
                        config.storage = .memory
                        config.numReplicas = 1
                        config.maxMsgs = 10
                        _ = try await js.createStream(config)
                    }
                }
            }
            try await group.waitForAll()
        }
        let names = try await js.streamNames()
        #expect(Set(names.filter { $0.hasPrefix("PAGE_") }).count == count)
        #expect(Set(names).count == names.count, "duplicates across pages")
        let infos = try await js.streams()
        #expect(Set(infos.map(\.config.name).filter { $0.hasPrefix("PAGE_") }).count == count)
        let filtered = try await js.streamNames(subjectFilter: "page.7")
        #expect(filtered == ["PAGE_7"])
        let purged = try await js.purgeStream("PAGE_7")
        #expect(purged == 0)
        try await js.deleteStream("PAGE_7")
        await expectAPIError(.streamNotFound) { try await js.streamInfo("PAGE_7") }
    }

    /// CONSUMER.NAMES and CONSUMER.LIST answer at most 256 names / 256 infos per page.
    func pagingPast256Consumers(_ js: JetStreamContext) async throws {
        let count = 300
        var config = StreamConfig(name: "PAGED_CONSUMERS", subjects: ["paged.consumers.>"])
        config.storage = .memory
        config.numReplicas = 1
        _ = try await js.createStream(config)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for start in stride(from: 0, to: count, by: count / 10) {
                group.addTask {
                    for i in start..<(start + count / 10) {
                        var consumer = ConsumerConfig(durableName: "c\(i)", ackPolicy: .explicit)
                        consumer.numReplicas = 1
                        consumer.memStorage = true
                        _ = try await js.createConsumer(stream: "PAGED_CONSUMERS", config: consumer)
                    }
                }
            }
            try await group.waitForAll()
        }
        let names = try await js.consumerNames(stream: "PAGED_CONSUMERS")
        #expect(names.count == count && Set(names).count == count, "\(names.count) names, \(Set(names).count) distinct")
        let infos = try await js.consumers(stream: "PAGED_CONSUMERS")
        #expect(Set(infos.map(\.name)) == Set((0..<count).map { "c\($0)" }))
        try await js.deleteStream("PAGED_CONSUMERS")
    }
}
