/// Appends to memory reserved up front for a whole operation, so writing a `PUB` costs one
/// capacity check and one exclusive access to the `ByteBuffer` instead of one per field.
///
/// The caller computes the exact size first; writing past it is a programming error (checked in
/// debug builds by the buffer pointer's subscript).
struct ByteWriter {
    let base: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(_ base: UnsafeMutableRawBufferPointer) {
        self.base = base
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        precondition(count + bytes.count <= base.count, "ByteWriter overflow")
        (base.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    mutating func append(_ string: String) {
        var string = string  // withUTF8 is mutating; native strings are not copied
        string.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always)
    mutating func appendDecimal(_ value: UInt64) {
        let digits = Self.decimalLength(value)
        var rest = value
        var index = count + digits
        repeat {
            index -= 1
            base[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        } while index > count
        count += digits
    }

    @inline(__always)
    static func decimalLength(_ value: UInt64) -> Int {
        var digits = 1
        var rest = value
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return digits
    }
}
