import Foundation

/// `JETFORM_TRACE=1`: when each stage of a command finished, on standard error — for finding out what
/// a slow `plan` or `apply` is waiting for.
enum Trace {
    static let enabled = ProcessInfo.processInfo.environment["JETFORM_TRACE"].map { !$0.isEmpty && $0 != "0" } ?? false
    /// Set at the first mark (the command's start).
    static let origin = ContinuousClock.now

    static func mark(_ stage: @autoclosure () -> String) {
        guard enabled else { return }
        let ms = origin.duration(to: .now).milliseconds
        FileHandle.standardError.write(Data(String(format: "trace %8.1f ms  %@\n", ms, stage()).utf8))
    }
}

extension Duration {
    /// This duration in (fractional) milliseconds.
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
