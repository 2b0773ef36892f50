import Crypto

/// What an nkey is for: the first character of its public key (`U…` user, `A…` account, …).
public enum NKeyKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    // Each value is the prefix byte: a base32 character index shifted into the top five bits.
    case account = 0  // 'A'
    case cluster = 16  // 'C' (2 << 3)
    case server = 104  // 'N' (13 << 3)
    case `operator` = 112  // 'O' (14 << 3)
    case user = 160  // 'U' (20 << 3)

    public var description: String {
        switch self {
        case .account: "account"
        case .cluster: "cluster"
        case .server: "server"
        case .operator: "operator"
        case .user: "user"
        }
    }
}

/// Why an nkey string was refused. Messages never contain the seed.
public enum NKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not base32 (RFC 4648 upper-case alphabet, no padding), or an impossible length.
    case invalidEncoding
    /// Decoded to the wrong number of bytes for a seed or public key.
    case invalidLength(Int)
    /// The CRC16 at the end does not match the rest: a typo or a truncated key.
    case checksumMismatch
    /// A seed whose first character is not `S`.
    case notASeed
    /// A key whose kind byte is none of operator, account, user, server, cluster.
    case invalidPrefix
    /// A public key of another kind than the one expected.
    case wrongKind(expected: NKeyKind, actual: NKeyKind)
    /// Ed25519 refused the seed or failed to sign.
    case signingFailed

    public var description: String {
        switch self {
        case .invalidEncoding: "nkey is not valid base32"
        case .invalidLength(let count): "nkey decodes to \(count) bytes, which is not a seed or public key length"
        case .checksumMismatch: "nkey checksum does not match (mistyped or truncated key?)"
        case .notASeed: "nkey is not a seed (a seed starts with 'S', e.g. 'SU…' for a user)"
        case .invalidPrefix: "nkey has an unknown type prefix"
        case .wrongKind(let expected, let actual): "nkey is for a(n) \(actual), expected a(n) \(expected)"
        case .signingFailed: "nkey seed could not be used to sign"
        }
    }
}

/// An Ed25519 key pair from an nkey seed (`SU…`), used to answer the server's nonce challenge.
///
/// Its description and reflection show only the public key, so logging one does not leak the seed.
public struct NKeyPair: Sendable, CustomStringConvertible, CustomReflectable {
    /// The kind of key the seed is for (`.user` for `SU…`).
    public let kind: NKeyKind
    /// The encoded public key, e.g. `UAB2…` for a user.
    public let publicKey: String
    private let privateKey: Curve25519.Signing.PrivateKey

    /// Decodes a seed: base32 of `[S | kind >> 5, (kind & 31) << 3] ‖ 32-byte Ed25519 seed ‖ CRC16-LE`.
    /// Surrounding whitespace is ignored.
    public init(seed: String) throws(NKeyError) {
        let trimmed = seed.utf8.drop { Self.isWhitespace($0) }.reversed().drop { Self.isWhitespace($0) }.reversed()
        var raw = try NKeyCoding.decodeChecked(Array(trimmed))
        defer { NKeyCoding.wipe(&raw) }
        // The 'S' occupies the top five bits of byte 0; the kind's eight bits straddle bytes 0 and 1.
        // (decodeChecked leaves at least two bytes.)
        guard raw[0] & 0xF8 == NKeyCoding.seedPrefix else { throw .notASeed }
        guard raw.count == 2 + 32 else { throw .invalidLength(raw.count + 2) }
        let kindByte = (raw[0] & 0x07) << 5 | (raw[1] & 0xF8) >> 3
        guard let kind = NKeyKind(rawValue: kindByte) else { throw .invalidPrefix }

        let privateKey: Curve25519.Signing.PrivateKey
        do {
            privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: raw[2...])
        } catch {
            throw .signingFailed
        }
        self.kind = kind
        self.privateKey = privateKey
        self.publicKey = NKeyCoding.encodeChecked([kind.rawValue] + Array(privateKey.publicKey.rawRepresentation))
    }

    /// The Ed25519 signature (64 bytes) of `data`, e.g. the INFO `nonce` as UTF-8.
    public func sign(_ data: [UInt8]) throws(NKeyError) -> [UInt8] {
        do {
            return Array(try privateKey.signature(for: data))
        } catch {
            throw .signingFailed
        }
    }

    /// Signs `nonce` and returns the signature as CONNECT's `sig` wants it: base64url without padding.
    public func signNonce(_ nonce: String) throws(NKeyError) -> String {
        Self.base64URLNoPadding(try sign(Array(nonce.utf8)))
    }

    /// Whether `signature` is a valid signature of `data` by this key pair.
    public func verify(signature: [UInt8], for data: [UInt8]) -> Bool {
        privateKey.publicKey.isValidSignature(signature, for: data)
    }

    /// Checks that `publicKey` is a well-formed encoded public key and returns its kind.
    public static func kind(ofPublicKey publicKey: String) throws(NKeyError) -> NKeyKind {
        let raw = try NKeyCoding.decodeChecked(Array(publicKey.utf8))
        guard raw.count == 1 + 32 else { throw .invalidLength(raw.count + 2) }
        guard let kind = NKeyKind(rawValue: raw[0]) else { throw .invalidPrefix }
        return kind
    }

    /// Base64 with the URL-safe alphabet (`-`, `_`) and no `=` padding (RFC 4648 §5).
    public static func base64URLNoPadding(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index + 3 <= bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            index += 3
        }
        switch bytes.count - index {
        case 1:
            let n = UInt32(bytes[index]) << 16
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
        case 2:
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { "NKeyPair(\(kind): \(publicKey))" }

    public var customMirror: Mirror {
        Mirror(self, children: ["kind": kind, "publicKey": publicKey], displayStyle: .struct)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// The nkey string format: base32 (RFC 4648, no padding) of `payload ‖ CRC16/XMODEM little-endian`.
enum NKeyCoding {
    /// The top five bits of a seed's first byte: base32 'S'.
    static let seedPrefix: UInt8 = 18 << 3

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Index of each ASCII byte in the alphabet, 0xFF when it is not in it.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    static func base32Encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int(buffer >> UInt32(bits) & 31)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 {
            out.append(alphabet[Int(buffer << UInt32(5 - bits) & 31)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes unpadded base32 (trailing `=` are tolerated). Leftover bits at the end are dropped,
    /// as Go's decoder does.
    static func base32Decode(_ text: [UInt8]) throws(NKeyError) -> [UInt8] {
        var text = text[...]
        while text.last == UInt8(ascii: "=") { text = text.dropLast() }
        // 1, 3 or 6 characters past a multiple of 8 cannot come from whole bytes.
        guard ![1, 3, 6].contains(text.count % 8) else { throw .invalidEncoding }
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for char in text {
            let value = decodeTable[Int(char)]
            guard value != 0xFF else { throw .invalidEncoding }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        return out
    }

    /// CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection, no final XOR.
    static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc ^= UInt16(byte) << 8
            for _ in 0..<8 {
                crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
            }
        }
        return crc
    }

    /// base32(payload ‖ crc16-LE(payload)).
    static func encodeChecked(_ payload: [UInt8]) -> String {
        let crc = crc16(payload)
        return base32Encode(payload + [UInt8(truncatingIfNeeded: crc), UInt8(truncatingIfNeeded: crc >> 8)])
    }

    /// Decodes base32 and checks and removes the trailing CRC16.
    static func decodeChecked(_ text: [UInt8]) throws(NKeyError) -> [UInt8] {
        var raw = try base32Decode(text)
        guard raw.count >= 4 else {
            wipe(&raw)
            throw .invalidLength(raw.count)
        }
        let payload = raw.count - 2
        let expected = UInt16(raw[payload]) | UInt16(raw[payload + 1]) << 8
        guard crc16(raw[..<payload]) == expected else {
            wipe(&raw)
            throw .checksumMismatch
        }
        raw.removeLast(2)
        return raw
    }

    /// Overwrites key material before the array is released.
    static func wipe(_ bytes: inout [UInt8]) {
        for index in bytes.indices { bytes[index] = 0 }
    }
}
