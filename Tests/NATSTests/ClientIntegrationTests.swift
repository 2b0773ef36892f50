import Foundation
import LocalCluster
import NIOCore
import Synchronization
import Testing
@testable import NATS

/// The client against real nats-server processes (from `LocalServer` / `LocalCluster`).
@Suite("NATS client against nats-server")
struct ClientIntegrationTests {
    static let userAuth = NATSAuth.userPassword(user: "user", password: "user")

    func connect(_ url: String, auth: NATSAuth = userAuth, tls: NATSTLSOptions = .init(), configure: (inout NATSClientOptions) -> Void = { _ in }) async throws -> NATSClient {
        var options = try NATSClientOptions(urls: url, auth: auth, tls: tls, name: "jetform-tests")
        configure(&options)
        return try await NATSClient.connect(options)
    }

    @Test func publishSubscribeInOrderWithHeaders() async throws {
        try await LocalServer.withServer { server in
            let client = try await connect(server.clientURL)
            let sub = try await client.subscribe(to: "orders.*")
            var headers = NATSHeaders()
            headers.append("1", for: "X-Seq")
            headers.append("2", for: "x-seq")
            for i in 0..<2_000 {
                try await client.publish("order \(i)", to: "orders.\(i % 7)", headers: i % 2 == 0 ? headers : nil)
            }
            var received = 0
            for await message in sub {
                #expect(String(buffer: message.payload) == "order \(received)")
                #expect(message.subject == "orders.\(received % 7)")
                if received % 2 == 0 {
                    #expect(message.headers?.values(for: "X-SEQ") == ["1", "2"])
                    #expect(message.headers?.fields.map(\.name) == ["X-Seq", "x-seq"])
                } else {
                    #expect(message.headers == nil)
                }
                received += 1
                if received == 2_000 { break }
            }
            #expect(received == 2_000)
            await client.close()
        }
    }

    /// Many messages of varied sizes, so socket reads end in the middle of operations in every possible
    /// way: each message must arrive whole, in order, with the right bytes.
    @Test func manyMessagesOfVariedSizesArriveIntact() async throws {
        try await LocalServer.withServer { server in
            let subscriber = try await connect(server.clientURL)
            let publisher = try await connect(server.clientURL)
            let sub = try await subscriber.subscribe(to: "sizes.>")
            try await subscriber.flush()
            let count = 20_000
            func payload(_ i: Int) -> [UInt8] {
                let size = (i * 7919) % 3_000
                return (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ i) }
            }
            let reader = Task { () -> Int in
                var received = 0
                for await message in sub {
                    guard message.subject == "sizes.\(received % 13)", Array(message.payload.readableBytesView) == payload(received) else {
                        return -received - 1
                    }
                    received += 1
                    if received == count { break }
                }
                return received
            }
            for i in 0..<count {
                var headers: NATSHeaders?
                if i % 5 == 0 { headers = NATSHeaders([("Seq", "\(i)")]) }
                try await publisher.publish(payload(i), to: "sizes.\(i % 13)", headers: headers)
            }
            try await publisher.flush()
            #expect(await reader.value == count)
            await publisher.close()
            await subscriber.close()
        }
    }

    @Test func queueGroupDeliversEachMessageToExactlyOneMember() async throws {
        try await LocalServer.withServer { server in
            let publisher = try await connect(server.clientURL)
            let members = try await withThrowingTaskGroup(of: NATSClient.self) { group in
                for _ in 0..<3 { group.addTask { try await connect(server.clientURL) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            var subs: [NATSSubscription] = []
            for member in members {
                subs.append(try await member.subscribe(to: "work", queueGroup: "workers"))
                try await member.flush()
            }
            let count = 3_000
            let received = Locked<[[Int]]>(Array(repeating: [], count: subs.count))
            let readers = subs.enumerated().map { index, sub in
                Task {
                    for await message in sub {
                        let n = Int(String(buffer: message.payload))!
                        received.withLock { $0[index].append(n) }
                    }
                }
            }
            for i in 0..<count { try await publisher.publish("\(i)", to: "work") }
            try await publisher.flush()
            let deadline = ContinuousClock.now + .seconds(20)
            while received.withLock({ $0.reduce(0) { $0 + $1.count } }) < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(200))  // room for a duplicate to show up
            for sub in subs { sub.unsubscribe() }
            for reader in readers { await reader.value }
            let seen = received.withLock { $0 }
            let all = seen.flatMap { $0 }
            #expect(all.count == count, "every message delivered once across the group")
            #expect(Set(all).count == count, "no message delivered to two members")
            #expect(seen.allSatisfy { !$0.isEmpty }, "every member took part: \(seen.map(\.count))")
            for member in members { await member.close() }
            await publisher.close()
        }
    }

    @Test func requestReplyAnswersEachRequest() async throws {
        try await LocalServer.withServer { server in
            let responder = try await connect(server.clientURL)
            let requester = try await connect(server.clientURL)
            let sub = try await responder.subscribe(to: "math.double")
            try await responder.flush()
            let service = Task {
                for await message in sub {
                    let n = Int(String(buffer: message.payload))!
                    try await responder.publish("\(n * 2)", to: message.replyTo!)
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<200 {
                    group.addTask {
                        // Generous: this checks that every request gets its own answer, not speed, and
                        // the suite shares two cores with many servers.
                        let reply = try await requester.request("\(n)", to: "math.double", timeout: .seconds(30))
                        #expect(String(buffer: reply.payload) == "\(n * 2)")
                    }
                }
                try await group.waitForAll()
            }
            service.cancel()
            await responder.close()
            await requester.close()
        }
    }

    @Test func aTaskCancelledBeforeItRequestsSendsNothingAndDoesNotWait() async throws {
        try await LocalServer.withServer { server in
            let client = try await connect(server.clientURL)
            let observer = try await connect(server.clientURL)
            let sub = try await observer.subscribe(to: "cancel.probe")
            try await observer.flush()
            let seen = Task {
                var count = 0
                for await _ in sub { count += 1 }
                return count
            }
            let task = Task { () -> (String, Duration) in
                // Already cancelled when it reaches `request` and `flush`.
                while !Task.isCancelled { await Task.yield() }
                let start = ContinuousClock.now
                var outcome: [String] = []
                do { _ = try await client.request("x", to: "cancel.probe", timeout: .seconds(20)); outcome.append("replied") } catch is CancellationError {
                    outcome.append("request cancelled")
                } catch { outcome.append("request: \(error)") }
                do { try await client.flush(timeout: .seconds(20)); outcome.append("flushed") } catch is CancellationError {
                    outcome.append("flush cancelled")
                } catch { outcome.append("flush: \(error)") }
                return (outcome.joined(separator: ", "), start.duration(to: .now))
            }
            task.cancel()
            let (outcome, took) = await task.value
            #expect(outcome == "request cancelled, flush cancelled")
            #expect(took < .seconds(2), "cancelled calls return at once, not after their 20 s timeouts (took \(took))")
            // Nothing reached the server: a request sent after them is the first message the observer sees.
            try await client.publish("after", to: "cancel.probe")
            try await client.flush()
            try await observer.flush()
            try await Task.sleep(for: .milliseconds(200))
            sub.unsubscribe()
            #expect(await seen.value == 1, "the cancelled request was never published")
            await client.close()
            await observer.close()
        }
    }

    @Test func aRequestCancelledWhileWaitingStopsWaiting() async throws {
        try await LocalServer.withServer { server in
            let client = try await connect(server.clientURL)
            let responder = try await connect(server.clientURL)
            let sub = try await responder.subscribe(to: "cancel.slow")  // never answers
            try await responder.flush()
            let task = Task { () -> Duration in
                let start = ContinuousClock.now
                _ = try? await client.request("x", to: "cancel.slow", timeout: .seconds(20))
                return start.duration(to: .now)
            }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            let took = await task.value
            // Far below the request's 20 s timeout: the cancellation ended the wait (5.4 s was seen with
            // the whole suite beside it on two cores).
            #expect(took < .seconds(15), "took \(took)")
            sub.unsubscribe()
            await client.close()
            await responder.close()
        }
    }

    @Test func waitersOfAConnectionThatDiesGetItsCauseNotConnectionClosed() async throws {
        try await LocalServer.withServer { server in
            let client = try await connect(server.clientURL) { $0.allowReconnect = false }
            let responder = try await connect(server.clientURL)
            let sub = try await responder.subscribe(to: "dies.slow")  // never answers
            try await responder.flush()
            let pending = Task { () -> (any Error)? in
                do { _ = try await client.request("x", to: "dies.slow", timeout: .seconds(30)); return nil } catch { return error }
            }
            try await Task.sleep(for: .milliseconds(200))
            await server.kill()
            let error = await pending.value
            let natsError = try #require(error as? NATSError, "\(String(describing: error))")
            guard case .noServersAvailable(let reasons) = natsError else {
                Issue.record("expected the cause of the loss, got \(natsError)")
                return
            }
            #expect(reasons.count == 1 && reasons[0].hasPrefix(server.clientURL), "\(reasons)")
            sub.unsubscribe()
            await client.close()
            await responder.close()
        }
    }

    @Test func requestWithoutRespondersFailsFast() async throws {
        try await LocalServer.withServer { server in
            let client = try await connect(server.clientURL)
            let start = ContinuousClock.now
            await #expect(throws: NATSError.noResponders(subject: "nobody.home")) {
                _ = try await client.request("hello", to: "nobody.home", timeout: .seconds(30))
            }
            #expect(ContinuousClock.now - start < .seconds(5), "no responders must not wait for the 30 s timeout")
            await client.close()
        }
    }

    @Test func requestTimesOutWhenTheResponderIsSilent() async throws {
        try await LocalServer.withServer { server in
            let client = try await connect(server.clientURL)
            let silent = try await client.subscribe(to: "silent")
            try await client.flush()
            await #expect(throws: NATSError.timeout(operation: "request on 'silent'", after: .milliseconds(300))) {
                _ = try await client.request("x", to: "silent", timeout: .milliseconds(300))
            }
            silent.unsubscribe()
            await client.close()
        }
    }

    /// Tasks that prefer a client's event loop (``NATSClient/taskExecutor``) can publish, request,
    /// subscribe and flush without deadlocking the loop they run on, including past the write high-water mark.
    @Test func tasksOnTheClientsEventLoopRequestAndReply() async throws {
        try await LocalServer.withServer { server in
            let responder = try await connect(server.clientURL)
            let requester = try await connect(server.clientURL)
            let subscription = try await responder.subscribe(to: "loop.echo")
            try await responder.flush()
            let answering = Task(executorPreference: responder.taskExecutor) {
                for await message in subscription {
                    if let reply = message.replyTo { try await responder.publish(message.payload, to: reply) }
                }
            }
            try await withTaskExecutorPreference(requester.taskExecutor) {
                var replies: [String] = []
                for n in 0..<500 {
                    let reply = try await requester.request(String(n), to: "loop.echo", timeout: .seconds(30))
                    replies.append(String(buffer: reply.payload))
                }
                #expect(replies == (0..<500).map(String.init))
                let payload = [UInt8](repeating: 0x61, count: 4096)
                for _ in 0..<20_000 { try await requester.publish(payload, to: "loop.sink") }  // past the high-water mark
                try await requester.flush(timeout: .seconds(30))
            }
            subscription.unsubscribe()
            answering.cancel()
            await requester.close()
            await responder.close()
        }
    }

    /// One timer serves every request: a short request sent while a long one waits must fail at its own
    /// deadline, not the long one's; the long one is still waiting then (it ends by cancellation here),
    /// and a request answered in between is unaffected.
    @Test func requestsWithDifferentTimeoutsExpireEachAtItsOwnDeadline() async throws {
        try await LocalServer.withServer { server in
            let client = try await connect(server.clientURL)
            let silent = try await client.subscribe(to: "silent")
            let echo = try await client.subscribe(to: "echo")
            let responder = Task {
                for await message in echo { if let reply = message.replyTo { try await client.publish(message.payload, to: reply) } }
            }
            try await client.flush()
            let long = Task { () -> (any Error)? in
                do {
                    _ = try await client.request("x", to: "silent", timeout: .seconds(120))
                    return nil
                } catch {
                    return error
                }
            }
            try await Task.sleep(for: .milliseconds(200))  // the long request armed the timer first
            let shortStart = ContinuousClock.now
            await #expect(throws: NATSError.timeout(operation: "request on 'silent'", after: .milliseconds(300))) {
                _ = try await client.request("x", to: "silent", timeout: .milliseconds(300))
            }
            // Had it waited for the long request's timer, it would have taken two minutes.
            let short = ContinuousClock.now - shortStart
            #expect(short >= .milliseconds(300) && short < .seconds(60), "the short request waited \(short)")
            let answered = try await client.request("ping", to: "echo", timeout: .seconds(60))
            #expect(String(buffer: answered.payload) == "ping")
            long.cancel()
            let longError = await long.value
            #expect(longError is CancellationError, "the long request was still waiting; it ended with \(String(describing: longError))")
            responder.cancel()
            silent.unsubscribe()
            echo.unsubscribe()
            await client.close()
        }
    }

    @Test func wrongPasswordIsAClearErrorWithoutTheSecret() async throws {
        try await LocalServer.withServer { server in
            do {
                _ = try await connect(server.clientURL, auth: .userPassword(user: "user", password: "not-the-Secret-42"))
                Issue.record("connect with a wrong password succeeded")
            } catch let error as NATSError {
                guard case .authorizationViolation = error else {
                    Issue.record("expected an authorization error, got \(error)")
                    return
                }
                #expect(error.description.contains("refused the credentials"))
                #expect(!error.description.contains("not-the-Secret-42"))
            }
        }
    }

    @Test func unreachableServersAreListedAndARefusedConnectionReadsLikeASentence() async throws {
        let port = try await LocalServer.withServer { $0.clientPort }  // free now that the server stopped
        do {
            _ = try await connect("nats://127.0.0.1:\(port)")
            Issue.record("connect to a closed port succeeded")
        } catch let error as NATSError {
            guard case .noServersAvailable(let reasons) = error else {
                Issue.record("expected noServersAvailable, got \(error)")
                return
            }
            #expect(reasons == ["nats://127.0.0.1:\(port) (connection refused)"])
            // A sentence, never NIO's `SingleConnectionFailure(target: [IPv4]…) (errno: 111)`.
            #expect(error.description.hasPrefix("cannot connect to nats://127.0.0.1:\(port) (connection refused) — is nats-server running?"),
                    "\(error)")
            #expect(!error.description.contains("SingleConnectionFailure") && !error.description.contains("errno"), "\(error)")
        }
    }

    @Test func tokenAuthentication() async throws {
        let options = LocalServer.Options(accounts: false, jetStream: false, extraConfig: "authorization { token: \"t0ken-xyz\" }")
        try await LocalServer.withServer(options: options) { server in
            let client = try await connect(server.clientURL, auth: .token("t0ken-xyz"))
            try await client.flush()
            await client.close()
            await #expect(throws: NATSError.self) { _ = try await connect(server.clientURL, auth: .token("wrong")) }
        }
    }

    @Test func nkeyAuthenticationSignsTheNonce() async throws {
        let seed = "SUAAAAICAMCAKBQHBAEQUCYMBUHA6EARCIJRIFIWC4MBSGQ3DQOR4H776Y"
        let publicKey = try NKeyPair(seed: seed).publicKey
        let options = LocalServer.Options(accounts: false, jetStream: false, extraConfig: "authorization { users: [ { nkey: \(publicKey) } ] }")
        try await LocalServer.withServer(options: options) { server in
            let seedFile = FileManager.default.temporaryDirectory.appendingPathComponent("jetform-test-\(UUID()).nk")
            try "\(seed)\n".write(to: seedFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: seedFile) }
            let client = try await connect(server.clientURL, auth: .nkeySeedFile(path: seedFile.path))
            let sub = try await client.subscribe(to: "nk")
            try await client.publish("signed", to: "nk")
            var iterator = sub.makeAsyncIterator()
            #expect(await iterator.next().map { String(buffer: $0.payload) } == "signed")
            await client.close()
        }
    }

    /// Decentralised auth end to end: a server in operator mode (memory resolver) trusts an operator we
    /// mint here; the account and user JWTs are signed by their issuers; the client reads a `.creds`
    /// file and signs the server's nonce with the user seed. A user JWT signed by a stranger is refused.
    @Test func credsFileAuthenticatesAgainstAnOperatorModeServer() async throws {
        let operatorKey = try JWTMint.key(.operator, fill: 1)
        let accountKey = try JWTMint.key(.account, fill: 2)
        let userKey = try JWTMint.key(.user, fill: 3)
        let strangerKey = try JWTMint.key(.account, fill: 4)
        let operatorJWT = try JWTMint.jwt(issuer: operatorKey, subject: operatorKey.publicKey, nats: #"{"type":"operator","version":2}"#)
        let accountJWT = try JWTMint.jwt(issuer: operatorKey, subject: accountKey.publicKey, nats: #"{"limits":{"subs":-1,"data":-1,"payload":-1,"imports":-1,"exports":-1,"wildcards":true,"conn":-1,"leaf":-1},"default_permissions":{"pub":{},"sub":{}},"type":"account","version":2}"#)
        let userNATS = #"{"pub":{},"sub":{},"subs":-1,"data":-1,"payload":-1,"type":"user","version":2}"#
        let userJWT = try JWTMint.jwt(issuer: accountKey, subject: userKey.publicKey, nats: userNATS)
        let forgedJWT = try JWTMint.jwt(issuer: strangerKey, subject: userKey.publicKey, nats: userNATS)
        let config = """
        operator: \(operatorJWT)
        resolver: MEMORY
        resolver_preload: { \(accountKey.publicKey): \(accountJWT) }
        """
        try await LocalServer.withServer(options: LocalServer.Options(accounts: false, jetStream: false, extraConfig: config)) { server in
            let dir = FileManager.default.temporaryDirectory
            let creds = dir.appendingPathComponent("jetform-test-\(UUID()).creds")
            let forged = dir.appendingPathComponent("jetform-test-\(UUID()).creds")
            try JWTMint.credsFile(jwt: userJWT, seed: userKey.seed).write(to: creds, atomically: true, encoding: .utf8)
            try JWTMint.credsFile(jwt: forgedJWT, seed: userKey.seed).write(to: forged, atomically: true, encoding: .utf8)
            defer {
                try? FileManager.default.removeItem(at: creds)
                try? FileManager.default.removeItem(at: forged)
            }
            let client = try await connect(server.clientURL, auth: .credentialsFile(path: creds.path))
            let sub = try await client.subscribe(to: "creds")
            try await client.publish("by jwt", to: "creds")
            var iterator = sub.makeAsyncIterator()
            #expect(await iterator.next().map { String(buffer: $0.payload) } == "by jwt")
            await client.close()

            do {
                _ = try await connect(server.clientURL, auth: .credentialsFile(path: forged.path))
                Issue.record("a user JWT signed by an unknown account was accepted")
            } catch let error as NATSError {
                guard case .authorizationViolation = error else {
                    Issue.record("expected an authorization error, got \(error)")
                    return
                }
                #expect(!String(describing: error).contains(userKey.seed), "the seed must not appear in errors")
            }
        }
    }

    static var fixtures: URL { Bundle.module.resourceURL!.appendingPathComponent("Fixtures") }

    static func tlsConfig(verifyClients: Bool = false, handshakeFirst: Bool = false) -> String {
        let dir = fixtures.path
        return """
        tls {
          cert_file: "\(dir)/server-cert.pem"
          key_file: "\(dir)/server-key.pem"
          ca_file: "\(dir)/ca.pem"
          verify: \(verifyClients)
          \(handshakeFirst ? "handshake_first: true" : "")
        }
        """
    }

    @Test func tlsWithTheProjectCA() async throws {
        let options = LocalServer.Options(extraConfig: Self.tlsConfig())
        try await LocalServer.withServer(options: options) { server in
            let tls = NATSTLSOptions(caFile: Self.fixtures.appendingPathComponent("ca.pem").path)
            let client = try await connect(server.clientURL, tls: tls)
            let reply = try await roundTrip(client)
            #expect(reply == "over tls")
            await client.close()
            // Without our CA the server's certificate is not trusted: a clear TLS failure, not a hang.
            do {
                _ = try await connect(server.clientURL)
                Issue.record("connected without trusting the server certificate")
            } catch let error as NATSError {
                #expect("\(error)".lowercased().contains("tls") || "\(error)".lowercased().contains("certificate"), "\(error)")
            }
        }
    }

    @Test func tlsClientCertificateAndHandshakeFirst() async throws {
        let options = LocalServer.Options(extraConfig: Self.tlsConfig(verifyClients: true, handshakeFirst: true))
        try await LocalServer.withServer(options: options) { server in
            let tls = NATSTLSOptions(
                caFile: Self.fixtures.appendingPathComponent("ca.pem").path,
                certificateFile: Self.fixtures.appendingPathComponent("client-cert.pem").path,
                keyFile: Self.fixtures.appendingPathComponent("client-key.pem").path,
                handshakeFirst: true
            )
            let client = try await connect(server.clientURL, tls: tls)
            #expect(try await roundTrip(client) == "over tls")
            await client.close()
        }
    }

    func roundTrip(_ client: NATSClient) async throws -> String {
        let sub = try await client.subscribe(to: "tls.check")
        try await client.publish("over tls", to: "tls.check")
        var iterator = sub.makeAsyncIterator()
        return await iterator.next().map { String(buffer: $0.payload) } ?? ""
    }

    @Test func payloadLargerThanMaxPayloadIsRefused() async throws {
        let options = LocalServer.Options(extraConfig: "max_payload: 1024")
        try await LocalServer.withServer(options: options) { server in
            let client = try await connect(server.clientURL)
            await #expect(throws: NATSError.payloadTooLarge(size: 2048, max: 1024)) {
                try await client.publish([UInt8](repeating: 1, count: 2048), to: "big")
            }
            try await client.publish([UInt8](repeating: 1, count: 1000), to: "small")
            try await client.flush()
            await client.close()
        }
    }

    @Test func autoUnsubscribeEndsTheSequence() async throws {
        try await LocalServer.withServer { server in
            let client = try await connect(server.clientURL)
            let sub = try await client.subscribe(to: "five")
            sub.unsubscribe(after: 5)
            for i in 0..<10 { try await client.publish("\(i)", to: "five") }
            var got: [String] = []
            for await message in sub { got.append(String(buffer: message.payload)) }
            #expect(got == ["0", "1", "2", "3", "4"])
            await client.close()
        }
    }

    @Test func drainDeliversWhatWasReceivedThenCloses() async throws {
        try await LocalServer.withServer { server in
            let client = try await connect(server.clientURL)
            let sub = try await client.subscribe(to: "d")
            for i in 0..<100 { try await client.publish("\(i)", to: "d") }
            try await client.flush()
            try await client.drain()
            var count = 0
            for await _ in sub { count += 1 }
            #expect(count == 100)
            #expect(!client.isConnected)
            await #expect(throws: NATSError.connectionClosed) { try await client.publish("late", to: "d") }
        }
    }

    @Test func invalidSubjectsAreRefusedBeforeSending() async throws {
        try await LocalServer.withServer { server in
            let client = try await connect(server.clientURL)
            await #expect(throws: NATSError.self) { try await client.publish("x", to: "has space") }
            await #expect(throws: NATSError.self) { try await client.publish("x", to: "wild.*") }
            await #expect(throws: NATSError.self) { _ = try await client.subscribe(to: "a..b") }
            // The connection is still fine afterwards.
            try await client.flush()
            await client.close()
        }
    }

    @Test func reconnectsToAnotherServerWithoutLosingSubscriptions() async throws {
        try await LocalCluster.withCluster { cluster in
            let urls = cluster.clientURLs
            let subscriber = try await connect(urls[0]) { $0.reconnectWait = .milliseconds(100) }
            let sub = try await subscriber.subscribe(to: "survive.>")
            let queueSub = try await subscriber.subscribe(to: "survive.q", queueGroup: "g")
            try await subscriber.flush()
            let publisher = try await connect(urls[2])
            try await publisher.publish("before", to: "survive.a")
            var iterator = sub.makeAsyncIterator()
            #expect(await iterator.next().map { String(buffer: $0.payload) } == "before")

            // Kill the server the subscriber talks to; it must move to another one and resubscribe.
            let connectedPort = subscriber.connectedServer!.port
            let index = cluster.servers.firstIndex { $0.clientPort == connectedPort }!
            try await cluster.kill(server: index)
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline {
                if subscriber.isConnected, subscriber.connectedServer?.port != connectedPort { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(subscriber.isConnected)
            #expect(subscriber.connectedServer?.port != connectedPort)
            try await subscriber.flush()
            // Interest propagates across routes asynchronously; publish until the new subscription sees it.
            var delivered: String?
            for attempt in 0..<50 where delivered == nil {
                try await publisher.publish("after \(attempt)", to: "survive.a")
                try await publisher.flush()
                try await Task.sleep(for: .milliseconds(100))
                if sub.buffer.pendingCount > 0 { delivered = await iterator.next().map { String(buffer: $0.payload) } }
            }
            #expect(delivered?.hasPrefix("after") == true, "the subscription survived the reconnect")
            try await publisher.publish("queued", to: "survive.q")
            var queueIterator = queueSub.makeAsyncIterator()
            #expect(await queueIterator.next().map { String(buffer: $0.payload) } == "queued")
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test func publishesWhileDisconnectedAreSentAfterReconnect() async throws {
        try await LocalServer.withServer { server in
            let client = try await connect(server.clientURL) { options in
                options.reconnectWait = .milliseconds(100)
                options.maxReconnectAttempts = -1
            }
            // The same connection subscribes: on reconnect its SUBs go out before the buffered publishes.
            let sub = try await client.subscribe(to: "buffered")
            try await client.flush()
            await server.kill()
            let down = ContinuousClock.now + .seconds(10)
            while client.isConnected, ContinuousClock.now < down { try await Task.sleep(for: .milliseconds(20)) }
            #expect(!client.isConnected)
            for i in 0..<50 { try await client.publish("\(i)", to: "buffered") }
            await #expect(throws: NATSError.disconnected) { try await client.flush() }
            try await server.start()
            let up = ContinuousClock.now + .seconds(15)
            while !client.isConnected, ContinuousClock.now < up { try await Task.sleep(for: .milliseconds(20)) }
            #expect(client.isConnected)
            try await client.flush()
            var got: [String] = []
            var iterator = sub.makeAsyncIterator()
            while got.count < 50, let message = await iterator.next() { got.append(String(buffer: message.payload)) }
            #expect(got == (0..<50).map(String.init))
            await client.close()
        }
    }
}

/// A value shared between test tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}


/// Mints nkeys and JWTs for tests, the way `nsc` would (header `ed25519-nkey`, claims signed by the issuer).
enum JWTMint {
    struct Key {
        let seed: String
        let pair: NKeyPair
        var publicKey: String { pair.publicKey }
    }

    /// A deterministic key of `kind` whose Ed25519 seed is 32 bytes of `fill`.
    static func key(_ kind: NKeyKind, fill: UInt8) throws -> Key {
        let prefix: [UInt8] = [NKeyCoding.seedPrefix | kind.rawValue >> 5, (kind.rawValue & 31) << 3]
        let seed = NKeyCoding.encodeChecked(prefix + [UInt8](repeating: fill, count: 32))
        return Key(seed: seed, pair: try NKeyPair(seed: seed))
    }

    static func jwt(issuer: Key, subject: String, nats: String) throws -> String {
        let header = NKeyPair.base64URLNoPadding(Array(#"{"typ":"JWT","alg":"ed25519-nkey"}"#.utf8))
        let claims = #"{"jti":"\#(UUID().uuidString)","iat":\#(Int(Date().timeIntervalSince1970)),"iss":"\#(issuer.publicKey)","name":"test","sub":"\#(subject)","nats":\#(nats)}"#
        let body = header + "." + NKeyPair.base64URLNoPadding(Array(claims.utf8))
        return body + "." + NKeyPair.base64URLNoPadding(try issuer.pair.sign(Array(body.utf8)))
    }

    static func credsFile(jwt: String, seed: String) -> String {
        """
        -----BEGIN NATS USER JWT-----
        \(jwt)
        ------END NATS USER JWT------

        -----BEGIN USER NKEY SEED-----
        \(seed)
        ------END USER NKEY SEED------
        """
    }
}
