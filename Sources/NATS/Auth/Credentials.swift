#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A decorated `.creds` file as written by `nsc` and natscli:
///
///     -----BEGIN NATS USER JWT-----
///     eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ…
///     ------END NATS USER JWT------
///
///     ************************* IMPORTANT *************************
///     …
///     -----BEGIN USER NKEY SEED-----
///     SUAAAAICAMCAKBQHBAEQUCYMBUHA6EARCIJRIFIWC4MBSGQ3DQOR4H776Y
///     ------END USER NKEY SEED------
///
/// Parsing is lenient like nats.go: a marker is any line that starts and ends with three or more
/// dashes, the value is the next non-empty line after a `BEGIN` marker, and the number of dashes
/// does not matter.
public struct NATSCredentials: Sendable, Equatable, CustomStringConvertible {
    public var jwt: String
    public var seed: String

    public init(jwt: String, seed: String) {
        self.jwt = jwt
        self.seed = seed
    }

    /// Parses the text of a `.creds` file. The seed is checked to be a valid nkey seed.
    public init(contents: String) throws(NATSCredentialsError) {
        try self.init(contents: contents, source: nil)
    }

    /// Reads and parses a `.creds` file.
    public init(path: String) throws(NATSCredentialsError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw NATSCredentialsError(.unreadable, source: path, "cannot read the file (\(error))")
        }
        try self.init(contents: String(decoding: data, as: UTF8.self), source: path)
    }

    /// The key pair of the seed, to sign the server's nonce.
    public func keyPair() throws(NKeyError) -> NKeyPair {
        try NKeyPair(seed: seed)
    }

    /// Shows the JWT's length only; never the seed.
    public var description: String { "NATSCredentials(jwt: \(jwt.utf8.count) bytes, seed: <redacted>)" }

    init(contents: String, source: String?) throws(NATSCredentialsError) {
        let lines = contents.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
            .map { $0.trimmingWhitespace() }

        var jwt: String?
        var seed: String?
        var unlabelled: [String] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            guard Self.isMarker(line), line.contains("BEGIN") else { continue }
            // The value is the next non-empty line, unless that is already the END marker.
            var valueIndex = index
            while valueIndex < lines.count && lines[valueIndex].isEmpty { valueIndex += 1 }
            guard valueIndex < lines.count, !Self.isMarker(lines[valueIndex]) else { continue }
            let value = String(lines[valueIndex])
            index = valueIndex + 1
            if line.contains("JWT") {
                if jwt == nil { jwt = value }
            } else if line.contains("SEED") {
                if seed == nil { seed = value }
            } else {
                unlabelled.append(value)
            }
        }
        // Blocks with other labels count in order, JWT first (nats.go takes the first two blocks).
        if jwt == nil, !unlabelled.isEmpty { jwt = unlabelled.removeFirst() }
        if seed == nil, !unlabelled.isEmpty { seed = unlabelled.removeFirst() }
        // nats.go also accepts a bare seed line anywhere in the file.
        if seed == nil {
            seed = lines.first { $0.hasPrefix("SU") || $0.hasPrefix("SA") || $0.hasPrefix("SO") }.map(String.init)
        }

        guard let jwt, !jwt.isEmpty else {
            throw NATSCredentialsError(
                .missingJWT, source: source, "no user JWT block (-----BEGIN NATS USER JWT----- followed by the JWT)"
            )
        }
        guard let seed, !seed.isEmpty else {
            throw NATSCredentialsError(
                .missingSeed, source: source, "no nkey seed block (-----BEGIN USER NKEY SEED----- followed by the seed)"
            )
        }
        do {
            _ = try NKeyPair(seed: seed)
        } catch {
            throw NATSCredentialsError(.invalidSeed, source: source, "the nkey seed is not valid: \(error)")
        }
        self.jwt = jwt
        self.seed = seed
    }

    private static func isMarker(_ line: Substring) -> Bool {
        line.utf8.count >= 6 && line.hasPrefix("---") && line.hasSuffix("---")
    }
}

/// A `.creds` file that cannot be used. Messages name the file and what is missing, never the seed.
public struct NATSCredentialsError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case unreadable
        case missingJWT
        case missingSeed
        case invalidSeed
    }

    public var kind: Kind
    /// The file's path, or nil for credentials given as text.
    public var source: String?
    public var detail: String

    public init(_ kind: Kind, source: String?, _ detail: String) {
        self.kind = kind
        self.source = source
        self.detail = detail
    }

    public var description: String {
        if let source { "credentials file \(source): \(detail)" } else { "credentials: \(detail)" }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first.isWhitespace { result.removeFirst() }
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return result
    }
}
