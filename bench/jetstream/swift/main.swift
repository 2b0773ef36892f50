// JetStream benchmark driver for jetform's JetStream target (see bench/jetstream/run.sh).
//
//   jetform-bench-jetstream setup   --urls URLS --stream S --subject SUBJ
//   jetform-bench-jetstream publish --urls URLS --subject SUBJ --count N --size B --inflight K
//   jetform-bench-jetstream consume --urls URLS --stream S --consumer C --count N --batch B
//
// Prints one JSON line: {"client":"jetform","mode":…,"count":…,"seconds":…,"msgs_per_sec":…}.
import Foundation
import JetStream
import NATS
import NIOCore

struct Arguments {
    var mode = ""
    var values: [String: String] = [:]
    init() {
        var args = CommandLine.arguments.dropFirst()
        mode = args.popFirst() ?? ""
        while let key = args.popFirst(), key.hasPrefix("--") { values[String(key.dropFirst(2))] = args.popFirst() ?? "" }
    }
    subscript(_ key: String, default value: String) -> String { values[key] ?? value }
    func int(_ key: String, _ value: Int) -> Int { Int(values[key] ?? "") ?? value }
}

func fail(_ text: String) -> Never {
    print(#"{"client":"jetform","error":"\#(text.replacingOccurrences(of: "\"", with: "'"))"}"#)
    exit(1)
}

let args = Arguments()
let urls = args["urls", default: "nats://127.0.0.1:4222"]
let stream = args["stream", default: "BENCH"]
let subject = args["subject", default: "bench.js"]
let count = args.int("count", 100_000)

/// The benchmark itself. Not top-level code: that runs on the main actor, and every await of a
/// nonisolated call from it would hop to the global executor and back (two task switches per message).
nonisolated func run() async {
    do {
        var options = try NATSClientOptions(urls: urls, auth: .userPassword(user: args["user", default: "user"], password: args["password", default: "user"]))
        options.allowReconnect = false
        options.randomizeServers = false
        let client = try await NATSClient.connect(options)
        let js = JetStreamContext(client: client)
        switch args.mode {
        case "setup":
            try? await js.deleteStream(stream)
            var config = StreamConfig(name: stream, subjects: [subject])
            config.storage = .memory
            config.numReplicas = 3
            _ = try await js.createStream(config)
            var consumer = ConsumerConfig(durableName: args["consumer", default: "bench"], ackPolicy: .explicit)
            consumer.maxAckPending = 100_000
            _ = try await js.createConsumer(stream: stream, config: consumer)
            print(#"{"client":"jetform","mode":"setup","stream":"\#(stream)"}"#)
        case "publish":
            let payload = ByteBuffer(repeating: UInt8(ascii: "x"), count: args.int("size", 128))
            let publisher = try await AsyncPublisher(context: js, maxInFlight: args.int("inflight", 4096))
            let start = ContinuousClock.now
            for _ in 0..<count { try await publisher.publishCounted(subject: subject, payload: payload) }
            let summary = await publisher.waitForAcks()
            let seconds = (ContinuousClock.now - start).seconds
            publisher.close()
            if summary.failed > 0 || summary.acked != count { fail("acked \(summary.acked) of \(count), failed \(summary.failed): \(summary.errors.first ?? "")") }
            print(#"{"client":"jetform","mode":"publish","count":\#(count),"seconds":\#(seconds),"msgs_per_sec":\#(Double(count) / seconds),"acked":\#(summary.acked)}"#)
        case "consume":
            let consumer = PullConsumer(context: js, stream: stream, name: args["consumer", default: "bench"])
            let start = ContinuousClock.now
            var received = 0
            let messages = try await consumer.messages(batch: args.int("batch", 500), idleHeartbeat: .seconds(5))
            for try await message in messages {
                received += 1
                if received == count {
                    try await message.ackSync()
                    break
                }
                try await message.ack()
            }
            messages.stop()
            let seconds = (ContinuousClock.now - start).seconds
            if received != count { fail("received \(received) of \(count)") }
            print(#"{"client":"jetform","mode":"consume","count":\#(count),"seconds":\#(seconds),"msgs_per_sec":\#(Double(count) / seconds)}"#)
        default:
            fail("usage: setup|publish|consume --urls URLS …")
        }
        await client.close()
    } catch {
        fail(String(describing: error))
    }
}

await run()

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
