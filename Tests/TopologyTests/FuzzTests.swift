import Foundation
import Testing
import TestSupport
@testable import Topology

/// Random, mutated and truncated input must give diagnostics, never a crash or a hang.
@Suite struct FuzzTests {
    static var shipped: String {
        (try? String(contentsOf: repositoryRoot().appendingPathComponent("topology.yaml"), encoding: .utf8)) ?? ""
    }

    /// Loads and checks the outcome is coherent: either a topology, or at least one error.
    func survive(_ text: String) {
        do {
            _ = try TopologyLoader.load(yaml: text, file: "fuzz.yaml", environment: ["NATS_URL": "nats://x:1"])
        } catch {
            #expect(!error.errors.isEmpty)
            for d in error.diagnostics { #expect(d.line >= 1 && d.column >= 1) }
        }
    }

    /// Split in four so the cases run in parallel; together they cover every prefix. The loops yield
    /// now and then: they are long and CPU-bound, and on two cores they would otherwise hold the
    /// cooperative threads that the server tests running beside them need.
    @Test(arguments: 0..<4)
    func everyTruncationOfTheShippedFile(part: Int) async {
        let scalars = Array(Self.shipped.unicodeScalars)
        #expect(scalars.count > 100)
        for n in stride(from: part, through: scalars.count, by: 4) {
            survive(String(String.UnicodeScalarView(scalars[..<n])))
            await Task.yield()
        }
    }

    @Test func randomBytes() async {
        var rng = SplitMix64(seed: 1)
        let alphabet = Array("abcXYZ019 :-{}[],.*>$&!|'\"#\n\t?@%`~\\".unicodeScalars)
        for _ in 0..<1500 {
            let length = Int.random(in: 0..<200, using: &rng)
            var s = String.UnicodeScalarView()
            for _ in 0..<length {
                if Int.random(in: 0..<20, using: &rng) == 0 {
                    s.append(Unicode.Scalar(UInt8.random(in: 0...255, using: &rng)))
                } else {
                    s.append(alphabet.randomElement(using: &rng)!)
                }
            }
            survive(String(s))
            await Task.yield()
        }
    }

    @Test func randomMutationsOfTheShippedFile() async {
        var rng = SplitMix64(seed: 42)
        let lines = Self.shipped.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let pieces = ["", " ", "  ", "-", ":", "*", ">", "{", "}", "[", "]", "&a", "*a", "${X}", "${", "yes", "1.5",
                      "-1", "unlimited", "\t", "'", "\"", "?", "!!str", "<<: *a", "0x10", "1e9", "~"]
        for _ in 0..<400 {
            var mutated = lines
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let i = Int.random(in: 0..<mutated.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: mutated.remove(at: i)
                case 1: mutated.insert(mutated[Int.random(in: 0..<mutated.count, using: &rng)], at: i)
                case 2:
                    var chars = Array(mutated[i])
                    let replacement: Character = pieces.randomElement(using: &rng)!.first ?? " "
                    if !chars.isEmpty { chars[Int.random(in: 0..<chars.count, using: &rng)] = replacement }
                    mutated[i] = String(chars)
                case 3: mutated[i] += pieces.randomElement(using: &rng)!
                default: mutated[i] = pieces.randomElement(using: &rng)! + mutated[i]
                }
                if mutated.isEmpty { mutated = [""] }
            }
            survive(mutated.joined(separator: "\n"))
            await Task.yield()
        }
    }

    @Test func aliasBombIsBounded() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1..<9 {
            yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        survive(yaml)
    }
}
