import Dispatch
import Foundation
import Synchronization

/// Independent work over many items (the streams of a large file) spread over the machine's cores in
/// contiguous chunks, results in the items' order. Loading and planning a 1,000-stream file are CPU-bound
/// while the servers sit idle; on two cores this halves them. Fewer items than two chunks' worth run on
/// the calling thread.
public enum Chunked {
    /// `body` over contiguous chunks of `items`, results in chunk order (concatenate them for item order).
    public static func map<T: Sendable, R: Sendable>(_ items: [T], minimumChunk: Int = 128,
                                                     _ body: @Sendable (ArraySlice<T>) -> R) -> [R] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let count = min(max(1, cores) * 2, items.count / max(1, minimumChunk))
        guard count > 1 else { return [body(items[...])] }
        let size = (items.count + count - 1) / count
        let bounds = stride(from: 0, to: items.count, by: size).map { $0..<min($0 + size, items.count) }
        let results = Mutex<[R?]>(Array(repeating: nil, count: bounds.count))
        DispatchQueue.concurrentPerform(iterations: bounds.count) { i in
            let result = body(items[bounds[i]])
            results.withLock { $0[i] = result }
        }
        return results.withLock { $0.map { $0! } }
    }
}
