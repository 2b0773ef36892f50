import Foundation
import NIOCore
import NIOSSL

/// The TLS context built once from ``NATSTLSOptions`` and shared by every connection attempt.
struct TLSContextBox: Sendable {
    let context: NIOSSLContext

    /// Nil when nothing asks for TLS (no options, no `tls://` URL); servers that require TLS still get it.
    /// (Building one loads the system's trust store: milliseconds a plain connection does not need to spend.)
    static func make(_ options: NATSTLSOptions, anyServerWantsTLS: Bool) throws(NATSError) -> TLSContextBox? {
        guard anyServerWantsTLS || options.isConfigured else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        do {
            if let ca = options.caFile {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            }
            if let cert = options.certificateFile {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
                guard let key = options.keyFile else {
                    throw NATSError.tlsConfiguration("a client certificate (\(cert)) needs its key file too")
                }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            }
            return TLSContextBox(context: try NIOSSLContext(configuration: configuration))
        } catch let error as NATSError {
            throw error
        } catch {
            throw .tlsConfiguration("cannot load certificates: \(error)")
        }
    }

    /// A handler for one connection; SNI only for names (IP addresses are verified against the certificate's IP entries).
    func makeHandler(serverHostname: String) throws -> NIOSSLClientHandler {
        let isIP = serverHostname.contains(":") || serverHostname.split(separator: ".").allSatisfy { UInt8($0) != nil }
        return try NIOSSLClientHandler(context: context, serverHostname: isIP ? nil : serverHostname)
    }
}

func readTextFile(_ path: String) throws -> String {
    let expanded = path.hasPrefix("~/") ? FileManager.default.homeDirectoryForCurrentUser.path + String(path.dropFirst(1)) : path
    return try String(contentsOfFile: expanded, encoding: .utf8)
}
