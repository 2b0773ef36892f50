// jetform core client benchmark: the jetform (NATS target) driver.
//
//   jetform-bench-client pubsub --url nats://127.0.0.1:4222 --size 1024 --count 500000
//   jetform-bench-client reqrep --url nats://127.0.0.1:4222 --size 16 --count 20000
//
// Does the same work as bench/client/c/bench.c and bench/client/python/bench.py and prints the same
// one-line JSON. pubsub: a subscriber on its own connection counts messages; a second connection
// publishes --count messages of --size bytes as fast as it can; timed from the first publish until
// the subscriber has all of them. reqrep: a responder on its own connection echoes each request; the
// requester on a second connection sends --count requests one at a time. Any loss is an error
// (exit 1): the JSON line then carries "error" and how many messages did arrive.

import NATS
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Untimed traffic before each measurement (connections, buffers and code paths warm).
enum Warmup {
    static let messages = 1_000
    static let requests = 100
}

enum Mode: String {
    case pubsub, reqrep
}

struct BenchConfig: Sendable {
    var mode: Mode
    var url = "nats://127.0.0.1:4222"
    var size: Int
    var count: Int
    var timeout: Duration = .seconds(120)

    static func parse(_ arguments: [String]) -> BenchConfig {
        func usage() -> Never {
            writeStandardError(
                "usage: jetform-bench-client pubsub|reqrep [--url URL] [--size BYTES] [--count N] [--timeout SECONDS]\n")
            exit(2)
        }
        guard arguments.count >= 2, let mode = Mode(rawValue: arguments[1]) else { usage() }
        var config = BenchConfig(
            mode: mode, size: mode == .pubsub ? 1024 : 16, count: mode == .pubsub ? 100_000 : 10_000)
        var rest = arguments.dropFirst(2).makeIterator()
        while let flag = rest.next() {
            guard let value = rest.next() else { usage() }
            switch flag {
            case "--url": config.url = value
            case "--size": guard let v = Int(value), v >= 0 else { usage() }; config.size = v
            case "--count": guard let v = Int(value), v > 0 else { usage() }; config.count = v
            case "--timeout": guard let v = Double(value), v > 0 else { usage() }; config.timeout = .seconds(v)
            default: usage()
            }
        }
        return config
    }
}

func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

func jsonEscaped(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case _ where scalar.value < 0x20: out += " "
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// Emits the result line; every driver prints the same fields so run.sh can put them side by side.
func report(_ config: BenchConfig, seconds: Double? = nil, received: Int, error: String? = nil) {
    var fields = [
        "\"client\":\"jetform\"",
        "\"mode\":\"\(config.mode.rawValue)\"",
        "\"size\":\(config.size)",
        "\"count\":\(config.count)",
    ]
    if let seconds {
        let rate = (Double(config.count) / seconds * 10).rounded() / 10
        fields.append("\"seconds\":\((seconds * 1e6).rounded() / 1e6)")
        fields.append(config.mode == .pubsub ? "\"msgs_per_sec\":\(rate)" : "\"round_trips_per_sec\":\(rate)")
    }
    fields.append("\"received\":\(received)")
    if let error {
        fields.append("\"error\":\"\(jsonEscaped(error))\"")
    }
    // print() is flushed by exit(), which is how every run ends.
    print("{" + fields.joined(separator: ",") + "}")
}

/// Messages the subscriber has seen, readable from the watchdog while the subscriber counts.
final class Progress: Sendable {
    let received = Atomic<Int>(0)
    /// Set when the subscription's sequence ends before every message arrived.
    let endedEarly = Atomic<Bool>(false)
}

/// Ends the process with an error line if the run has not finished in time: a subscriber that lost
/// messages would otherwise wait forever.
func startWatchdog(_ config: BenchConfig, phase: String, progress: Progress) -> Task<Void, Never> {
    Task {
        do {
            try await Task.sleep(for: config.timeout)
        } catch {
            return  // cancelled: the run finished
        }
        report(
            config, received: progress.received.load(ordering: .relaxed),
            error: "\(phase): timed out after \(config.timeout) (messages lost?)")
        exit(1)
    }
}

func seconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
}

func runPubSub(_ config: BenchConfig) async throws -> Int32 {
    let options = try NATSClientOptions(urls: config.url)
    let subscriber = try await NATSClient.connect(options)
    let publisher = try await NATSClient.connect(options)
    let subject = "bench.jetform.\(UInt32.random(in: 0...UInt32.max)).pubsub"
    let payload = ByteBuffer(repeating: UInt8(ascii: "x"), count: config.size)

    let subscription = try await subscriber.subscribe(to: subject, queueGroup: nil)
    try await subscriber.flush()  // the SUB is registered before anything is published

    let progress = Progress()
    let total = Warmup.messages + config.count
    // Returns when the subscriber has every message (the instant it got the last one), or nil when
    // the subscription ended early (e.g. the server closed the connection as a slow consumer).
    let consumer = Task { () -> ContinuousClock.Instant? in
        var received = 0
        for await _ in subscription {
            received += 1
            progress.received.store(received, ordering: .relaxed)
            if received == total { return ContinuousClock.now }
        }
        progress.endedEarly.store(true, ordering: .relaxed)
        return nil
    }

    var watchdog = startWatchdog(config, phase: "warm-up", progress: progress)
    for _ in 0..<Warmup.messages {
        try await publisher.publish(payload, to: subject)
    }
    try await publisher.flush()
    while progress.received.load(ordering: .relaxed) < Warmup.messages {
        if progress.endedEarly.load(ordering: .relaxed) {
            report(config, received: progress.received.load(ordering: .relaxed), error: "warm-up: subscription ended early")
            return 1
        }
        try await Task.sleep(for: .milliseconds(1))
    }
    watchdog.cancel()

    watchdog = startWatchdog(config, phase: "pubsub", progress: progress)
    let start = ContinuousClock.now
    for _ in 0..<config.count {
        try await publisher.publish(payload, to: subject)
    }
    try await publisher.flush()
    let end = await consumer.value
    watchdog.cancel()
    let received = progress.received.load(ordering: .relaxed) - Warmup.messages

    var status: Int32 = 0
    if let end {
        report(config, seconds: seconds(start.duration(to: end)), received: received)
    } else {
        report(config, received: received, error: "subscription ended early (disconnected as a slow consumer?)")
        status = 1
    }
    subscription.unsubscribe()
    await publisher.close()
    await subscriber.close()
    return status
}

func runRequestReply(_ config: BenchConfig) async throws -> Int32 {
    let options = try NATSClientOptions(urls: config.url)
    let responder = try await NATSClient.connect(options)
    let requester = try await NATSClient.connect(options)
    let subject = "bench.jetform.\(UInt32.random(in: 0...UInt32.max)).rpc"
    let payload = ByteBuffer(repeating: UInt8(ascii: "x"), count: config.size)

    let subscription = try await responder.subscribe(to: subject, queueGroup: nil)
    try await responder.flush()
    // Both loops run on their connection's event loop (NATSClient.taskExecutor): no thread hop between
    // the socket and the code that answers or waits for a reply.
    let responderTask = Task(executorPreference: responder.taskExecutor) {
        for await message in subscription {
            guard let replyTo = message.replyTo else { continue }
            try await responder.publish(message.payload, to: replyTo)
        }
    }
    let requests = Task(executorPreference: requester.taskExecutor) { () -> (Int, Duration, (any Error)?) in
        do {
            for _ in 0..<Warmup.requests { _ = try await requester.request(payload, to: subject, timeout: .seconds(5)) }
        } catch {
            return (0, .zero, error)
        }
        var done = 0
        let start = ContinuousClock.now
        do {
            while done < config.count {
                _ = try await requester.request(payload, to: subject, timeout: .seconds(5))
                done += 1
            }
            return (done, start.duration(to: .now), nil)
        } catch {
            return (done, start.duration(to: .now), error)
        }
    }
    let (done, elapsed, error) = await requests.value
    if let error {
        report(config, received: done, error: "request: \(error)")
        return 1
    }
    report(config, seconds: seconds(elapsed), received: done)

    subscription.unsubscribe()
    responderTask.cancel()
    await requester.close()
    await responder.close()
    return 0
}

let config = BenchConfig.parse(CommandLine.arguments)
do {
    let status = switch config.mode {
    case .pubsub: try await runPubSub(config)
    case .reqrep: try await runRequestReply(config)
    }
    exit(status)
} catch {
    report(config, received: 0, error: "\(error)")
    exit(1)
}
