public import JetStreamSchema
import Foundation

/// Writes topology contexts as natscli context files, so `nats --context <name> …` works afterwards.
public struct NatsContextExport {
    /// A problem writing the files; never contains secret values.
    public struct ExportError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// One written file.
    public struct WrittenFile: Sendable, Hashable {
        public var context: String
        public var path: String
    }

    /// The base folder natscli reads: `$XDG_CONFIG_HOME`, else `~/.config`.
    public static func defaultConfigDirectory(environment: [String: String]) -> String {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return xdg }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".config")
    }

    /// The JSON natscli expects for `context` (keys natscli knows; unset ones left out).
    public static func contextJSON(_ context: ContextSpec) -> JSONValue {
        var o = JSONObject()
        o["description"] = context.contextDescription.map(JSONValue.string)
        o["url"] = .string(context.url)
        o["user"] = context.user.map(JSONValue.string)
        o["password"] = context.password.map { .string($0.value) }
        o["token"] = context.token.map { .string($0.value) }
        o["creds"] = context.creds.map(JSONValue.string)
        o["nkey"] = context.nkey.map { .string($0.value) }
        o["cert"] = context.cert.map(JSONValue.string)
        o["key"] = context.key.map(JSONValue.string)
        o["ca"] = context.ca.map(JSONValue.string)
        o["tls_first"] = context.tlsFirst.map(JSONValue.bool)
        o["jetstream_domain"] = context.jetStreamDomain.map(JSONValue.string)
        o["inbox_prefix"] = context.inboxPrefix.map(JSONValue.string)
        return .object(o)
    }

    /// Writes `<directory>/nats/context/<name>.json` (mode 0600, folders 0700) for every context, and
    /// `<directory>/nats/context.txt` when `select` names one of them.
    public static func export(_ contexts: [ContextSpec], to directory: String, select: String? = nil) throws(ExportError)
        -> [WrittenFile] {
        let base = URL(fileURLWithPath: directory).appendingPathComponent("nats")
        let folder = base.appendingPathComponent("context")
        for context in contexts {
            if let problem = Names.contextNameProblem(context.name) {
                throw ExportError(description: "context name '\(context.name)' \(problem)")
            }
        }
        if let select, !contexts.contains(where: { $0.name == select }) {
            throw ExportError(description: "cannot select context '\(select)': the topology does not declare it")
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            // An existing folder may be more open; the files in it hold credentials.
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
        } catch {
            throw ExportError(description: "cannot create \(folder.path): \(error.localizedDescription)")
        }
        var written: [WrittenFile] = []
        for context in contexts {
            let path = folder.appendingPathComponent("\(context.name).json").path
            try writeSecretFile(contextJSON(context).jsonString(pretty: true) + "\n", to: path)
            written.append(WrittenFile(context: context.name, path: path))
        }
        if let select {
            try writeSecretFile(select + "\n", to: base.appendingPathComponent("context.txt").path)
        }
        return written
    }

    /// Creates the file 0600 before any byte is written, so secrets are never readable by others, even briefly.
    private static func writeSecretFile(_ text: String, to path: String) throws(ExportError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw ExportError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // An existing file keeps its old mode through O_CREAT; tighten it explicitly.
        guard fchmod(fd, 0o600) == 0 else {
            throw ExportError(description: "cannot set mode 0600 on \(path): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw ExportError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
            offset += n
        }
    }
}
