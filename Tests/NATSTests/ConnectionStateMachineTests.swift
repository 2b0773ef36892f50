import Testing
@testable import NATS

@Suite("Connection state machine")
struct ConnectionStateMachineTests {
    let a = ServerAddress(host: "a", port: 4222)
    let b = ServerAddress(host: "b", port: 4223)

    func machine(_ servers: [ServerAddress], reconnect: Bool = true, tls: Bool = false, tlsFirst: Bool = false, maxAttempts: Int = 60) -> ConnectionStateMachine {
        ConnectionStateMachine(
            pool: ServerPool(servers, maxAttemptsPerServer: maxAttempts),
            allowReconnect: reconnect, wantsTLS: tls, tlsFirst: tlsFirst, maxPingsOutstanding: 2
        )
    }

    func info(tlsRequired: Bool = false, tlsAvailable: Bool = false, urls: [String] = []) -> ServerInfo {
        ServerInfo(serverID: "S1", version: "2.15.1", tlsRequired: tlsRequired, tlsAvailable: tlsAvailable, connectURLs: urls)
    }

    /// Drives a machine through a plain handshake with the first server.
    func connected(_ m: inout ConnectionStateMachine) {
        _ = m.start()
        _ = m.channelActive()
        _ = m.receivedInfo(info())
        _ = m.receivedPong()
    }

    @Test func plainHandshake() {
        var m = machine([a])
        #expect(m.start() == .connect(a, pause: false))
        #expect(m.channelActive() == .none)
        #expect(m.receivedInfo(info()) == .sendConnect(a, info()))
        #expect(m.receivedPong() == .connectionReady(info(), isReconnect: false))
        #expect(m.isConnected)
    }

    @Test func tlsUpgradeWhenServerRequiresIt() {
        var m = machine([a])
        _ = m.start()
        _ = m.channelActive()
        let i = info(tlsRequired: true)
        #expect(m.receivedInfo(i) == .startTLS(a))
        #expect(m.tlsEstablished() == .sendConnect(a, i))
        #expect(m.receivedPong() == .connectionReady(i, isReconnect: false))
    }

    @Test func tlsFirstSkipsTheUpgrade() {
        var m = machine([a], tls: true, tlsFirst: true)
        _ = m.start()
        _ = m.channelActive()
        #expect(m.receivedInfo(info(tlsRequired: true)) == .sendConnect(a, info(tlsRequired: true)))
    }

    @Test func tlsWantedButNotOfferedFailsTheAttempt() {
        var m = machine([a], tls: true)
        _ = m.start()
        _ = m.channelActive()
        guard case .closeChannel(.tls) = m.receivedInfo(info()) else {
            Issue.record("expected the channel to close with a TLS failure")
            return
        }
        guard case .failInitialConnect(let failures) = m.channelClosed(reason: nil) else {
            Issue.record("expected the first connect to fail")
            return
        }
        #expect(ConnectionStateMachine.Failure.initialConnectError(failures) == .tlsMismatch(server: "nats://a:4222", message: "TLS was requested but the server does not offer it"))
    }

    @Test func firstConnectTriesEachServerOnceThenFails() {
        var m = machine([a, b])
        #expect(m.start() == .connect(a, pause: false))
        #expect(m.channelClosed(reason: "connection refused") == .connect(b, pause: false))
        guard case .failInitialConnect(let failures) = m.channelClosed(reason: "connection refused") else {
            Issue.record("expected failure after trying both servers")
            return
        }
        #expect(failures.count == 2)
        #expect(m.state == .closed)
        #expect(ConnectionStateMachine.Failure.initialConnectError(failures)
            == .noServersAvailable(["nats://a:4222 (connection refused)", "nats://b:4223 (connection refused)"]))
    }

    @Test(arguments: [
        ("Authorization Violation", ServerError.authorization("Authorization Violation")),
        ("User Authentication Expired", .authorization("User Authentication Expired")),
        ("Secure Connection - TLS Required", .tlsRequired("Secure Connection - TLS Required")),
        ("Stale Connection", .staleConnection),
        ("Permissions Violation for Publish to \"x\"", .permissionsViolation("Permissions Violation for Publish to \"x\"")),
        ("Invalid Subject", .invalidSubject("Invalid Subject")),
        ("Maximum Connections Exceeded", .other("Maximum Connections Exceeded")),
    ])
    func serverErrorsAreClassifiedOnceWhereTheyArrive(_ text: String, _ expected: ServerError) {
        #expect(ServerError(text) == expected)
        #expect(ServerError(text).keepsConnection == (text.hasPrefix("Permissions") || text.hasPrefix("Invalid")))
    }

    @Test func aCredentialsFailureOfOurOwnIsAnAuthorizationFailureWithoutReadingText() {
        var m = machine([a])
        _ = m.start()
        _ = m.channelActive()
        _ = m.receivedInfo(info())
        let action = m.handshakeFailed { .authorization(server: $0, message: "cannot sign in: bad seed") }
        #expect(action == .closeChannel(.authorization(server: a, message: "cannot sign in: bad seed")))
    }

    @Test func authorizationErrorDuringHandshakeIsReportedAsSuch() {
        var m = machine([a])
        _ = m.start()
        _ = m.channelActive()
        _ = m.receivedInfo(info())
        guard case .closeChannel(.authorization) = m.receivedError(ServerError("Authorization Violation")) else {
            Issue.record("expected an authorization failure")
            return
        }
        guard case .failInitialConnect(let failures) = m.channelClosed(reason: nil) else {
            Issue.record("expected the first connect to fail")
            return
        }
        #expect(ConnectionStateMachine.Failure.initialConnectError(failures)
            == .authorizationViolation(server: "nats://a:4222", message: "Authorization Violation"))
    }

    @Test func lostConnectionReconnectsToTheNextServer() {
        var m = machine([a, b])
        connected(&m)
        #expect(m.channelClosed(reason: "reset") == .disconnected(.unreachable(server: a, reason: "reset"), then: .connect(b, pause: false)))
        _ = m.channelActive()
        _ = m.receivedInfo(info())
        #expect(m.receivedPong() == .connectionReady(info(), isReconnect: true))
    }

    @Test func fullPassWithoutSuccessPausesBeforeTheNextAttempt() {
        var m = machine([a, b])
        connected(&m)
        #expect(m.channelClosed(reason: "reset") == .disconnected(.unreachable(server: a, reason: "reset"), then: .connect(b, pause: false)))
        #expect(m.channelClosed(reason: "refused") == .connect(a, pause: false))
        #expect(m.channelClosed(reason: "refused") == .connect(b, pause: true))
        #expect(m.state == .waitingToReconnect)
        #expect(m.reconnectTimerFired(b) == .connect(b, pause: false))
    }

    @Test func serversLeaveThePoolAfterMaxAttempts() {
        var m = machine([a], maxAttempts: 2)
        connected(&m)
        #expect(m.channelClosed(reason: "reset") == .disconnected(.unreachable(server: a, reason: "reset"), then: .connect(a, pause: false)))
        #expect(m.channelClosed(reason: "refused") == .connect(a, pause: true))
        _ = m.reconnectTimerFired(a)
        #expect(m.channelClosed(reason: "refused") == .finishClose(.unreachable(server: a, reason: "refused")))
        #expect(m.state == .closed)
    }

    @Test func noReconnectClosesOnDrop() {
        var m = machine([a], reconnect: false)
        connected(&m)
        #expect(m.channelClosed(reason: "reset") == .disconnected(.unreachable(server: a, reason: "reset"), then: .close))
        #expect(m.state == .closed)
    }

    @Test func discoveredServersJoinThePool() {
        var m = machine([a])
        _ = m.start()
        _ = m.channelActive()
        _ = m.receivedInfo(info(urls: ["127.0.0.1:4223", "a:4222"]))
        #expect(m.pool.entries.map(\.address.description) == ["nats://a:4222", "nats://127.0.0.1:4223"])
        #expect(m.pool.entries[1].discovered)
    }

    @Test func livenessPingsThenStale() {
        var m = machine([a])
        connected(&m)
        #expect(m.pingTimerFired() == .sendPing)
        #expect(m.pingTimerFired() == .sendPing)
        #expect(m.pingTimerFired() == .closeChannel(.stale(server: a)))
        #expect(m.channelClosed(reason: nil) == .disconnected(.stale(server: a), then: .connect(a, pause: false)))
    }

    @Test func pongResetsOutstandingPings() {
        var m = machine([a])
        connected(&m)
        _ = m.pingTimerFired()
        _ = m.pingTimerFired()
        #expect(m.receivedPong() == .pongReceived)
        #expect(m.pingTimerFired() == .sendPing)
    }

    @Test func serverPingIsAnswered() {
        var m = machine([a])
        connected(&m)
        #expect(m.receivedPing() == .sendPong)
    }

    @Test func permissionViolationKeepsTheConnection() {
        var m = machine([a])
        connected(&m)
        #expect(m.receivedError(ServerError("Permissions Violation for Publish to \"x\"")) == .reportError("Permissions Violation for Publish to \"x\""))
        #expect(m.isConnected)
    }

    @Test func closeWhileConnectedWaitsForTheChannel() {
        var m = machine([a])
        connected(&m)
        #expect(m.closeRequested() == .closeChannel(nil))
        #expect(m.state == .closing)
        #expect(m.channelClosed(reason: nil) == .finishClose(nil))
        #expect(m.state == .closed)
        #expect(m.closeRequested() == .none)
    }

    @Test func closeWhileWaitingToReconnectFinishesAtOnce() {
        var m = machine([a])
        connected(&m)
        _ = m.channelClosed(reason: "reset")
        _ = m.channelClosed(reason: "refused")
        #expect(m.state == .waitingToReconnect)
        #expect(m.closeRequested() == .finishClose(nil))
        #expect(m.reconnectTimerFired(a) == .none)
    }

    @Test func asyncInfoUpdatesWhileConnected() {
        var m = machine([a])
        connected(&m)
        let newer = info(urls: ["b:4223"])
        #expect(m.receivedInfo(newer) == .infoUpdated(newer))
        #expect(m.pool.entries.count == 2)
    }
}

@Suite("Server addresses")
struct ServerAddressTests {
    @Test func parsesCommonForms() throws {
        #expect(try ServerAddress(parsing: "nats://localhost:4222") == ServerAddress(host: "localhost", port: 4222))
        #expect(try ServerAddress(parsing: "localhost") == ServerAddress(host: "localhost", port: 4222))
        #expect(try ServerAddress(parsing: "tls://h:4443") == ServerAddress(host: "h", port: 4443, wantsTLS: true))
        #expect(try ServerAddress(parsing: "nats://u:p%40ss@h:1") == ServerAddress(host: "h", port: 1, user: "u", password: "p@ss"))
        #expect(try ServerAddress(parsing: "nats://[::1]:4222") == ServerAddress(host: "::1", port: 4222))
        #expect(try ServerAddress.parseList("nats://a:1, nats://b:2").map(\.host) == ["a", "b"])
    }

    @Test func rejectsBadURLsWithoutLeakingPasswords() {
        #expect(throws: NATSError.self) { try ServerAddress(parsing: "http://h:4222") }
        #expect(throws: NATSError.self) { try ServerAddress(parsing: "nats://h:99999") }
        do {
            _ = try ServerAddress(parsing: "ws://u:secretpw@h:1")
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains("secretpw"))
        }
    }

    @Test func descriptionNeverHasCredentials() throws {
        let address = try ServerAddress(parsing: "nats://u:secretpw@h:1")
        #expect(address.description == "nats://h:1")
    }
}
