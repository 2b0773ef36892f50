import Testing
@testable import NATS

@Suite("Connection settings")
struct ConnectionSettingsTests {
    @Test func flagsOverEnvironmentOverContext() throws {
        let context = NATSConnectionSettings(url: "nats://ctx:4222", user: "user", password: "ctx-pass")
        let environment = NATSConnectionSettings.fromEnvironment(["NATS_URL": "nats://env:4222"])
        let flags = NATSConnectionSettings(user: "admin", password: "flag-pass")
        let merged = flags.overriding(environment.overriding(context))
        #expect(merged.url == "nats://env:4222")
        #expect(merged.user == "admin")
        #expect(merged.password == "flag-pass")
        let options = try merged.clientOptions()
        #expect(options.servers == [ServerAddress(host: "env", port: 4222)])
        #expect(options.auth == .userPassword(user: "admin", password: "flag-pass"))
    }

    @Test func anotherKindOfCredentialReplacesTheLowerOnes() {
        let context = NATSConnectionSettings(url: "nats://a", user: "user", password: "secret")
        let merged = NATSConnectionSettings(token: "tok").overriding(context)
        #expect(merged.user == nil)
        #expect(merged.password == nil)
        #expect(merged.token == "tok")
        let back = NATSConnectionSettings(user: "admin").overriding(NATSConnectionSettings(url: "nats://a", token: "tok"))
        #expect(back.token == nil)
        #expect(back.user == "admin")
    }

    @Test func aPasswordAloneKeepsTheContextUser() {
        let context = NATSConnectionSettings(url: "nats://a", user: "user", password: "old")
        let merged = NATSConnectionSettings.fromEnvironment(["NATS_PASSWORD": "new"]).overriding(context)
        #expect(merged.user == "user")
        #expect(merged.password == "new")
        let otherUser = NATSConnectionSettings(user: "admin").overriding(context)
        #expect(otherUser.user == "admin")
        #expect(otherUser.password == nil, "another user never gets the context user's password")
    }

    @Test func credsWinOverOtherAuthAndTLSIsCarried() throws {
        let settings = NATSConnectionSettings(url: "tls://h:4443", creds: "/x.creds", ca: "/ca.pem", tlsFirst: true, inboxPrefix: "_I.me")
        let options = try settings.clientOptions()
        #expect(options.auth == .credentialsFile(path: "/x.creds"))
        #expect(options.tls == NATSTLSOptions(caFile: "/ca.pem", handshakeFirst: true))
        #expect(options.inboxPrefix == "_I.me")
    }

    @Test func missingURLSaysWhereToGiveOne() {
        #expect(throws: NATSError.self) { try NATSConnectionSettings(user: "u").clientOptions() }
    }

    @Test func descriptionHidesSecrets() {
        let settings = NATSConnectionSettings(url: "nats://u:pw-in-url@h:4222", user: "u", password: "pw-secret")
        #expect(!settings.description.contains("pw-secret"))
        #expect(!settings.description.contains("pw-in-url"))
        #expect(settings.description.contains("user u"))
    }
}
