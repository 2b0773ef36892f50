import Testing
import TestSupport

@testable import NATS

/// Vectors generated with the Python `nkeys` 0.2.1 package (PyPI, NATS authors; signing by PyNaCl /
/// libsodium), from fixed raw seeds: `nkeys.encode_seed(raw, prefix)`, `from_seed(seed).public_key`,
/// `.sign(message)`. Ed25519 is deterministic, so the signatures are fixed.
@Suite("NKeys")
struct NKeysTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var kind: NKeyKind
        var rawSeedHex: String
        var seed: String
        var publicKey: String
        /// (message, signature as base64url without padding)
        var signatures: [(String, String)]

        var testDescription: String { "\(kind) \(publicKey)" }
    }

    static let vectors: [Vector] = [
        Vector(
            kind: .user, rawSeedHex: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            seed: "SUAAAAICAMCAKBQHBAEQUCYMBUHA6EARCIJRIFIWC4MBSGQ3DQOR4H776Y",
            publicKey: "UAB2CB576PHBBPQ5ODORRZ2LYCMWPZGWGCN2KDK7DXOIMZASKUY3RLKK",
            signatures: [
                ("", "nKU1eVMGVNXD33cInvRe2mE-L-32cOlr7axGOVBOWEXvS5XVeTB3Iz3RaBeyUy6cVSWHKnOkrXS3WTaangXBAg"),
                ("nonce-abc123", "BNKaY29Y9YUIMAgwlnRBVlWDPk4kUCAIFEqn8DAWjAEEmSSTAlTVtw2NysXRPqX0Kugi477Xz9ytVLVcH9lBAg"),
                ("PcL4XjvQ0oBl8eSjE7I-dA", "YvfPKRTNjsJNtg2937wpyXafGLWvud9sRluBwNGJKaToJgnzGfhPJWzNYqk5P3543WkLAtyZJJvg7ggTQ6f_AA"),
            ]
        ),
        Vector(
            kind: .user, rawSeedHex: "229b476842bac497e5837ea641f5ca4990ada71213ec03c604a8cb35002b418c",
            seed: "SUACFG2HNBBLVREX4WBX5JSB6XFETEFNU4JBH3ADYYCKRSZVAAVUDDC34Y",
            publicKey: "UCI6CP7RMW2G7URQWZA4ZXQUNV3GRM35EXLMHYEJFFKPYE7AGXXZBFER",
            signatures: [
                ("", "IBkGh-GlnaWLlZXZhWAjwB9aDBmcupfKnO-UYxxdiZ8wEW-PYDcWfHuXgQZNaiKAnOOvjlUt6_-rKHc9I2GcCQ"),
                ("nonce-abc123", "9nmcJmT091N2zI0seig_h6JDt7g2VSYsugbp7bkQQHDiXdMaErQhfxShg0wbcGRRd321nfroFkI8FDrU5ZDZBQ"),
                ("PcL4XjvQ0oBl8eSjE7I-dA", "uDNOOGzfjTcfbS_PJTppHGmLDUDnsv5ygqiyngXaiVrioH4McXUdjLlkXdcBcQlilvvlQkFWLQAs1v3dW8FoBg"),
            ]
        ),
        Vector(
            kind: .account, rawSeedHex: "1ab6305c8c77e77001b00e6eb13b819d6db27ad70f985bd0c8b63dd963bd3361",
            seed: "SAABVNRQLSGHPZ3QAGYA43VRHOAZ23NSPLLQ7GC32DELMPOZMO6TGYPAS4",
            publicKey: "ABZEZKH7IKDWPRKDYUNVY62EGWISIRITMYBHB73MCN6UL4X35GEO2XXG",
            signatures: [
                ("", "5wWu7e6fqyI5aiSxxOY6psV5Fnz-g2R5X8bBb6w14C8Z-oxFDioBxKtDqUosmEQiMP6zgpXdeyQQCyROrEK7Bw"),
                ("nonce-abc123", "wAvJraTzQoe5aKwS31JExDSXrTaSMCwAGenv90k7C43o6h9ZXmHeTGx62hUWBEpRzEX9kTWzLapmZIVWMn1ODA"),
                ("PcL4XjvQ0oBl8eSjE7I-dA", "c9DXBcMCHnJ5w3FYZ5akQqoCWhlYOeYefeVLGRe5a078lreAzWWZxwoIfy5Y6GTl2cOz5CTnHxcQiExnAdf0CA"),
            ]
        ),
        Vector(
            kind: .operator, rawSeedHex: "24a639fcdc51cb3e3724c53286f95c572306174586282651bc33b2af8a194285",
            seed: "SOACJJRZ7TOFDSZ6G4SMKMUG7FOFOIYGC5CYMKBGKG6DHMVPRIMUFBLHEU",
            publicKey: "OBJVESLU5QBPOUKPU4WTIDOJBNPYIEECTUYSZDWMYQY7UM5I7HYVV3EK",
            signatures: [
                ("", "QPPdQlqMdCeHFkCl3LqYl56j5Sc2XomDNqqC92a_Hz62rSSU3jpcDRETOGdv8Ur3fy8Y1_n2gQMvRQG89R6ZAw"),
                ("nonce-abc123", "-E70CiZozM2g0ZPo3MO_BshgFq8bzUc4kTkygOFLG5OSKv6qO_0SCHH4ny0GWkBHWetfvdjyTsf9rr8GZZ0OCA"),
                ("PcL4XjvQ0oBl8eSjE7I-dA", "I1RWz65xzBHoIge0sOHaSQcLcPi_puQ4hFZexsUGYUWaWeSLVnTUIZ2QlUfOPwWkadHprgyvIJ_5sSmJsNnqAw"),
            ]
        ),
        Vector(
            kind: .server, rawSeedHex: "174f3fbaf0908be0969cae4e0a10013576963ed6d6eececf8bd2183cdcc48c7b",
            seed: "SNABOTZ7XLYJBC7AS2OK4TQKCAATK5UWH3LNN3WOZ6F5EGB43TCIY64CQM",
            publicKey: "NBSRZHMNDJVIWHXYUSJHSPDWFJFWF27AT76B2DMT77DORTNBL3C5YPA2",
            signatures: [
                ("", "ub0oP9s8wpVc7aYRjNugHrfjxMcoCQNjkyZ5pTcbVGEs7TVj7ZZhAI2NDGFzulVim-XTx51mL0PYAhIgF-PYBQ"),
                ("nonce-abc123", "-z8S7y-6FbBGL3eagv7I6k3gNNioOyqj7TItTbYqsIX_1nZVZ6g3VN7XzGvO9elJ6_43damFepg8Dl9o6MKxCA"),
                ("PcL4XjvQ0oBl8eSjE7I-dA", "HmAzxM1heEcaVbGHYKRpMgymNKkBXapMo9b0r_edmjd0AYd9_DMYuuc4bycGAFHP35ZEQKLh4RjWyAkHcEdnDw"),
            ]
        ),
        Vector(
            kind: .cluster, rawSeedHex: "4f9e4c4b639f115011db10300a2f4b7ad975d24b7c76620dd904309924505be5",
            seed: "SCAE7HSMJNRZ6EKQCHNRAMAKF5FXVWLV2JFXY5TCBXMQIMEZERIFXZPAW4",
            publicKey: "CCJKXRZMIUD7V7C25SRU5SR3S37EH65GXYFTCDJPG4F6NPC2QYO5RHOX",
            signatures: [
                ("", "7hsDQiLkwVylwqMF_4mXfy-WEJv65I6BOIU6Z_mu_F-BuJWOaUJCZXtrqte8UCW39V8eP1znpegtvrXEvlk4BA"),
                ("nonce-abc123", "-sG-j8BLGVtBYst4AmK-avc0Tc4ogfnaBKMxfodJXla_sVtfFalNk1YQLgLPwL0Hawevwyh9r3y-2h6ZRildAw"),
                ("PcL4XjvQ0oBl8eSjE7I-dA", "S1AYbRwD6xuOnw-mMwjsKHiOGtTUnUbM2pV0pzHq6eerg60hMctR5AXo7E0qLIRbRw_BglRM8jgGTnC83GvACA"),
            ]
        ),
    ]

    @Test(arguments: vectors)
    func decodesSeedAndDerivesPublicKey(_ vector: Vector) throws {
        let pair = try NKeyPair(seed: vector.seed)
        #expect(pair.kind == vector.kind)
        #expect(pair.publicKey == vector.publicKey)
        #expect(try NKeyPair.kind(ofPublicKey: vector.publicKey) == vector.kind)
    }

    @Test(arguments: vectors)
    func signsLikeTheReference(_ vector: Vector) throws {
        let pair = try NKeyPair(seed: vector.seed)
        for (message, expected) in vector.signatures {
            let signature = try pair.sign(Array(message.utf8))
            #expect(signature.count == 64)
            #expect(pair.verify(signature: signature, for: Array(message.utf8)))
            #expect(pair.verify(signature: base64URLDecode(expected), for: Array(message.utf8)), "reference signature")
            #if !canImport(Darwin)
            // swift-crypto on Linux (BoringSSL) signs deterministically, as RFC 8032 does; CryptoKit on
            // Apple platforms randomises Ed25519 signatures, so there only verification is compared.
            #expect(NKeyPair.base64URLNoPadding(signature) == expected, "message \(message.debugDescription)")
            #expect(try pair.signNonce(message) == expected)
            #endif
        }
    }

    @Test(arguments: vectors)
    func seedRoundTrip(_ vector: Vector) throws {
        // Re-encode the raw seed with our own coder and get the reference string back.
        let raw = hexBytes(vector.rawSeedHex)
        let kind = vector.kind.rawValue
        let encoded = NKeyCoding.encodeChecked([NKeyCoding.seedPrefix | kind >> 5, (kind & 31) << 3] + raw)
        #expect(encoded == vector.seed)
        #expect(vector.seed.hasPrefix("S"))
        #expect(try NKeyCoding.decodeChecked(Array(vector.seed.utf8)) == [NKeyCoding.seedPrefix | kind >> 5, (kind & 31) << 3] + raw)
    }

    @Test func seedPrefixLetters() throws {
        #expect(try NKeyPair(seed: "SUAAAAICAMCAKBQHBAEQUCYMBUHA6EARCIJRIFIWC4MBSGQ3DQOR4H776Y").publicKey.hasPrefix("U"))
        for vector in Self.vectors {
            let letter: Character = switch vector.kind {
            case .user: "U"
            case .account: "A"
            case .operator: "O"
            case .server: "N"
            case .cluster: "C"
            }
            #expect(vector.seed.dropFirst().first == letter)
            #expect(vector.publicKey.first == letter)
        }
    }

    @Test func surroundingWhitespaceIsIgnored() throws {
        let pair = try NKeyPair(seed: "  SUAAAAICAMCAKBQHBAEQUCYMBUHA6EARCIJRIFIWC4MBSGQ3DQOR4H776Y\n")
        #expect(pair.publicKey == "UAB2CB576PHBBPQ5ODORRZ2LYCMWPZGWGCN2KDK7DXOIMZASKUY3RLKK")
    }

    @Test func checksumMismatchIsDetected() {
        let seed = Self.vectors[0].seed
        // Change one character in the middle: base32 still valid, CRC no longer matches.
        var chars = Array(seed)
        chars[20] = chars[20] == "A" ? "B" : "A"
        #expect(throws: NKeyError.checksumMismatch) { try NKeyPair(seed: String(chars)) }
        var publicKey = Array(Self.vectors[0].publicKey)
        publicKey[30] = publicKey[30] == "A" ? "B" : "A"
        #expect(throws: NKeyError.checksumMismatch) { try NKeyPair.kind(ofPublicKey: String(publicKey)) }
    }

    @Test func everySingleCharacterChangeIsRejected() {
        // CRC16 catches every single-character error in a 58-character seed.
        let seed = Array(Self.vectors[1].seed)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        for index in seed.indices.dropLast() {  // the last character carries only padding bits
            var changed = seed
            changed[index] = alphabet[(alphabet.firstIndex(of: seed[index])! + 7) % 32]
            #expect(throws: NKeyError.self) { try NKeyPair(seed: String(changed)) }
        }
    }

    @Test func publicKeyIsNotASeed() {
        #expect(throws: NKeyError.notASeed) { try NKeyPair(seed: Self.vectors[0].publicKey) }
    }

    @Test func wrongPrefixIsRejected() {
        // A well-formed, checksummed seed whose kind byte is not a known kind ('X' curve keys, 'P').
        let raw = [UInt8](repeating: 7, count: 32)
        for kind: UInt8 in [23 << 3, 15 << 3, 18 << 3, 1 << 3] {
            let seed = NKeyCoding.encodeChecked([NKeyCoding.seedPrefix | kind >> 5, (kind & 31) << 3] + raw)
            #expect(throws: NKeyError.invalidPrefix, "kind byte \(kind)") { try NKeyPair(seed: seed) }
        }
        // A checksummed value whose first character is not S.
        let notSeed = NKeyCoding.encodeChecked([NKeyKind.user.rawValue, 0] + raw)
        #expect(throws: NKeyError.notASeed) { try NKeyPair(seed: notSeed) }
        // A public key with an unknown kind.
        let curve = NKeyCoding.encodeChecked([23 << 3] + raw)
        #expect(throws: NKeyError.invalidPrefix) { try NKeyPair.kind(ofPublicKey: curve) }
    }

    @Test func badEncodingAndLength() {
        #expect(throws: NKeyError.invalidEncoding) { try NKeyPair(seed: "suaaaaicamcakbqhbaequcymbuha6earcijrifiwc4mbsgq3dqor4h776y") }
        #expect(throws: NKeyError.invalidEncoding) { try NKeyPair(seed: "SU1AAAICAMCAKBQHBAEQUCYMBUHA6EARCIJRIFIWC4MBSGQ3DQOR4H776Y") }
        #expect(throws: NKeyError.invalidEncoding) { try NKeyPair(seed: "S") }
        #expect(throws: NKeyError.invalidLength(0)) { try NKeyPair(seed: "") }
        #expect(throws: NKeyError.self) { try NKeyPair(seed: String(Self.vectors[0].seed.dropLast(8))) }
        let short = NKeyCoding.encodeChecked([NKeyCoding.seedPrefix | 5, 0] + [UInt8](repeating: 1, count: 16))
        #expect(throws: NKeyError.invalidLength(20)) { try NKeyPair(seed: short) }
    }

    @Test func errorMessagesNeverContainTheSeed() {
        let seed = Self.vectors[0].seed
        var chars = Array(seed)
        chars[10] = chars[10] == "A" ? "B" : "A"
        do {
            _ = try NKeyPair(seed: String(chars))
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains(String(chars)))
            #expect(!"\(error)".contains(String(chars.dropFirst(2).prefix(20))))
        }
    }

    @Test func descriptionHidesTheSeed() throws {
        let pair = try NKeyPair(seed: Self.vectors[0].seed)
        let texts = ["\(pair)", String(reflecting: pair), "\(Mirror(reflecting: pair).children.map { "\($0)" })"]
        for text in texts {
            #expect(!text.contains(Self.vectors[0].seed))
            #expect(text.contains(Self.vectors[0].publicKey) || text.contains("publicKey"))
        }
        #expect(Mirror(reflecting: pair).children.count == 2)
    }

    // MARK: Building blocks

    @Test func base32RFC4648Vectors() throws {
        let cases = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]
        for (plain, encoded) in cases {
            #expect(NKeyCoding.base32Encode(Array(plain.utf8)) == encoded)
            #expect(try NKeyCoding.base32Decode(Array(encoded.utf8)) == Array(plain.utf8))
            #expect(try NKeyCoding.base32Decode(Array((encoded + "======").utf8)) == Array(plain.utf8))
        }
        var rng = SplitMix64(seed: 3)
        for count in 0..<80 {
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(try NKeyCoding.base32Decode(Array(NKeyCoding.base32Encode(bytes).utf8)) == bytes)
        }
    }

    @Test func crc16XModem() {
        #expect(NKeyCoding.crc16(Array("123456789".utf8)) == 0x31C3)  // the catalogue check value
        #expect(NKeyCoding.crc16([UInt8]()) == 0)
        #expect(NKeyCoding.crc16([0x00]) == 0)
        #expect(NKeyCoding.crc16([0x01]) == 0x1021)
    }

    @Test func base64URL() {
        #expect(NKeyPair.base64URLNoPadding([]) == "")
        #expect(NKeyPair.base64URLNoPadding(Array("f".utf8)) == "Zg")
        #expect(NKeyPair.base64URLNoPadding(Array("fo".utf8)) == "Zm8")
        #expect(NKeyPair.base64URLNoPadding(Array("foo".utf8)) == "Zm9v")
        #expect(NKeyPair.base64URLNoPadding(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(NKeyPair.base64URLNoPadding([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(NKeyPair.base64URLNoPadding([0xFF, 0xE0]) == "_-A")
    }
}

func hexBytes(_ hex: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var iterator = hex.utf8.makeIterator()
    while let high = iterator.next(), let low = iterator.next() {
        bytes.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)!)
    }
    return bytes
}

func base64URLDecode(_ text: String) -> [UInt8] {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    var bytes: [UInt8] = []
    var buffer: UInt32 = 0
    var bits = 0
    for char in text.utf8 {
        guard let value = alphabet.firstIndex(of: char) else { continue }
        buffer = buffer << 6 | UInt32(value)
        bits += 6
        if bits >= 8 {
            bits -= 8
            bytes.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
        }
    }
    return bytes
}
