import Foundation

/// `JETFORM_TRACE=1`: when each stage of a command finished, on standard error — for finding out what
/// a slow `plan` or `apply` is waiting for.
enum Trace {
    static let enabled = ProcessInfo.processInfo.environment["JETFORM_TRACE"].map { !$0.isEmpty && $0 != "0" } ?? false
    /// Set at the first mark (the command's start).
    static let origin = ContinuousClock.now

    static func mark(_ stage: @autoclosure () -> String) {
        guard enabled else { return }
        let elapsed = origin.duration(to: .now)
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        FileHandle.standardError.write(Data(String(format: "trace %8.1f ms  %@\n", ms, stage()).utf8))
    }
}
