import Foundation

/// Small helpers for the config files the harness writes itself.
enum ConfigText {
    /// A path to `file` that nats-server's `include` accepts from a config in `directory`.
    /// `include` joins its argument to the including file's directory even when it is absolute,
    /// so climb to `/` with `..` first.
    static func includePath(of file: URL, from directory: URL) -> String {
        let depth = directory.standardizedFileURL.pathComponents.count - 1  // components after "/"
        let up = Array(repeating: "..", count: max(depth, 0)).joined(separator: "/")
        return up + file.standardizedFileURL.path
    }

    /// A config string literal (paths may contain spaces).
    static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A record a later command reads back (`leaf.json`, `route-relays.json`).
    static func write(json value: some Encodable, to file: URL) throws(LocalClusterError) {
        guard let data = try? JSONEncoder().encode(value) else { throw .io("cannot encode \(file.lastPathComponent)") }
        try write(String(decoding: data, as: UTF8.self), to: file)
    }

    static func write(_ text: String, to file: URL) throws(LocalClusterError) {
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file, options: .atomic)
        } catch {
            throw .io("cannot write \(file.path): \(error)")
        }
    }

    /// The top-level block `name { … }` of a config text, from its first line to its closing brace (a
    /// line holding only `}`), with a newline after it; nil when there is none.
    static func block(_ name: String, in text: String) -> String? {
        var lines: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !inside, line.hasPrefix(name), line.dropFirst(name.count).trimmingCharacters(in: .whitespaces) == "{" { inside = true }
            guard inside else { continue }
            lines.append(line)
            if line == "}" { return lines.joined(separator: "\n") + "\n" }
        }
        return nil
    }
}
