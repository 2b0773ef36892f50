public import Foundation

/// The `jetform` executable the CLI tests run: the one next to the test bundle (the same build
/// directory, so the same configuration), and never one older than the sources it is built from.
public enum JetformBinary {
    public enum Problem: Error, CustomStringConvertible {
        case missing(String)
        case stale(binary: String, newer: String)

        public var description: String {
            switch self {
            case .missing(let path):
                return "no jetform executable at \(path) — build it with the tests: swift build --build-tests"
            case .stale(let binary, let newer):
                return "\(binary) is older than \(newer) — a stale binary would test old code; run swift build --build-tests"
            }
        }
    }

    /// The build directory holding the running test bundle (`.build/<triple>/debug`).
    static var buildDirectory: URL {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // macOS: …/debug/jetformPackageTests.xctest/Contents/MacOS/<binary>
        while dir.pathComponents.count > 1 && (dir.lastPathComponent == "MacOS" || dir.lastPathComponent == "Contents" || dir.pathExtension == "xctest") {
            dir = dir.deletingLastPathComponent()
        }
        return dir
    }

    /// The executable, checked to exist and to be newer than every Swift file under `Sources/`.
    public static func url() throws -> URL {
        let binary = buildDirectory.appendingPathComponent("jetform")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw Problem.missing(binary.path) }
        let built = try modified(binary)
        let sources = repositoryRoot().appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: [.contentModificationDateKey])
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            if try modified(file) > built { throw Problem.stale(binary: binary.path, newer: file.path) }
        }
        return binary
    }

    static func modified(_ url: URL) throws -> Date {
        try url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate ?? .distantPast
    }
}

/// What a finished child process printed and how it exited.
public struct ProcessOutput: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
}

/// Runs `executable` to the end, collecting both output streams.
public func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Both pipes drain on their own threads' worth of buffering: read stderr after stdout is closed.
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessOutput(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
}
