#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Testing

@testable import NATS

@Suite("NATSCredentials")
struct CredentialsTests {
    static let jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJqdGkiOiJBQkMiLCJzdWIiOiJVQUIyIn0.c2lnbmF0dXJl"
    static let seed = "SUAAAAICAMCAKBQHBAEQUCYMBUHA6EARCIJRIFIWC4MBSGQ3DQOR4H776Y"

    /// The layout `nsc generate creds` and natscli write.
    static let nscFile = """
        -----BEGIN NATS USER JWT-----
        \(jwt)
        ------END NATS USER JWT------

        ************************* IMPORTANT *************************
        NKEY Seed printed below can be used to sign and prove identity.
        NKEYs are sensitive and should be treated as secrets.

        -----BEGIN USER NKEY SEED-----
        \(seed)
        ------END USER NKEY SEED------

        *************************************************************

        """

    @Test func parsesTheNSCLayout() throws {
        let creds = try NATSCredentials(contents: Self.nscFile)
        #expect(creds.jwt == Self.jwt)
        #expect(creds.seed == Self.seed)
        #expect(try creds.keyPair().publicKey == "UAB2CB576PHBBPQ5ODORRZ2LYCMWPZGWGCN2KDK7DXOIMZASKUY3RLKK")
    }

    @Test func toleratesCRLFIndentationBlankLinesAndDashCounts() throws {
        let text = """
            ---BEGIN NATS USER JWT---\r
              \(Self.jwt)  \r
            ---END NATS USER JWT---\r
            \r
            --------BEGIN USER NKEY SEED--------\r
            \r
            \t\(Self.seed)\r
            --------END USER NKEY SEED--------\r
            """
        let creds = try NATSCredentials(contents: text)
        #expect(creds.jwt == Self.jwt)
        #expect(creds.seed == Self.seed)
    }

    @Test func unlabelledBlocksCountInOrder() throws {
        let text = "-----BEGIN A-----\n\(Self.jwt)\n-----END A-----\n-----BEGIN B-----\n\(Self.seed)\n-----END B-----\n"
        let creds = try NATSCredentials(contents: text)
        #expect(creds.jwt == Self.jwt)
        #expect(creds.seed == Self.seed)
    }

    @Test func bareSeedLineIsAccepted() throws {
        let text = "-----BEGIN NATS USER JWT-----\n\(Self.jwt)\n------END NATS USER JWT------\n\n\(Self.seed)\n"
        #expect(try NATSCredentials(contents: text).seed == Self.seed)
    }

    @Test func missingJWT() {
        let text = "-----BEGIN USER NKEY SEED-----\n\(Self.seed)\n------END USER NKEY SEED------\n"
        let error = #expect(throws: NATSCredentialsError.self) { try NATSCredentials(contents: text) }
        #expect(error?.kind == .missingJWT)
        #expect(error?.description.contains("JWT") == true)
        #expect(error?.description.contains(Self.seed) == false)
    }

    @Test func missingSeed() {
        let text = "-----BEGIN NATS USER JWT-----\n\(Self.jwt)\n------END NATS USER JWT------\n"
        let error = #expect(throws: NATSCredentialsError.self) { try NATSCredentials(contents: text) }
        #expect(error?.kind == .missingSeed)
        #expect(error?.description.contains("SEED") == true)
    }

    @Test func emptyBlocks() {
        let text = "-----BEGIN NATS USER JWT-----\n------END NATS USER JWT------\n"
        #expect(throws: NATSCredentialsError.self) { try NATSCredentials(contents: text) }
        #expect(throws: NATSCredentialsError.self) { try NATSCredentials(contents: "") }
    }

    @Test func invalidSeedIsReportedWithoutTheSeed() {
        let badSeed = "SUAAAAICAMCAKBQHBAEQUCYMBUHA6EARCIJRIFIWC4MBSGQ3DQOR4H776A"
        let text = Self.nscFile.replacing(Self.seed, with: badSeed)
        let error = #expect(throws: NATSCredentialsError.self) { try NATSCredentials(contents: text) }
        #expect(error?.kind == .invalidSeed)
        #expect(error?.description.contains("checksum") == true)
        #expect(error?.description.contains(badSeed) == false)
    }

    @Test func readsAFileAndNamesItInErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jetform-creds-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let good = directory.appendingPathComponent("user.creds")
        try Data(Self.nscFile.utf8).write(to: good)
        let creds = try NATSCredentials(path: good.path)
        #expect(creds.jwt == Self.jwt)

        let bad = directory.appendingPathComponent("broken.creds")
        try Data("-----BEGIN NATS USER JWT-----\n\(Self.jwt)\n------END NATS USER JWT------\n".utf8).write(to: bad)
        let error = #expect(throws: NATSCredentialsError.self) { try NATSCredentials(path: bad.path) }
        #expect(error?.kind == .missingSeed)
        #expect(error?.source == bad.path)
        #expect(error?.description.contains(bad.path) == true)

        let missing = directory.appendingPathComponent("absent.creds").path
        let unreadable = #expect(throws: NATSCredentialsError.self) { try NATSCredentials(path: missing) }
        #expect(unreadable?.kind == .unreadable)
        #expect(unreadable?.description.contains(missing) == true)
    }

    @Test func descriptionRedactsTheSeed() throws {
        let creds = try NATSCredentials(contents: Self.nscFile)
        #expect(!"\(creds)".contains(Self.seed))
        #expect(!"\(creds)".contains(Self.jwt))
    }
}
