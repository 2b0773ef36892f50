public import NIOCore

/// The wire form of a header block:
///
///     NATS/1.0[ SSS[ description]]\r\n
///     Name: value\r\n          (any number, names repeatable, case kept)
///     \r\n
extension NATSHeaders {
    private static let versionLine: StaticString = "NATS/1.0"
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let colon = UInt8(ascii: ":")

    /// Parses a complete header block, exactly `hdrlen` bytes of an `HMSG`.
    ///
    /// Values are trimmed of surrounding spaces and tabs. Lines may end in CRLF or a bare LF.
    public init(parsing buffer: ByteBuffer) throws(NATSProtocolError) {
        self.init()
        let parsed = buffer.withUnsafeReadableBytes { bytes in Self.parse(bytes) }
        switch parsed {
        case .success(let block):
            self.status = block.status
            for field in block.fields { self.append(field.value, for: field.name) }
        case .failure(let error):
            throw error
        }
    }

    /// Whether a header can be written: a non-empty name of visible ASCII without `:`, and a value
    /// without CR or LF (either would let the value forge header lines).
    public static func validate(name: String, value: String) -> Bool {
        guard !name.isEmpty else { return false }
        for byte in name.utf8 where byte <= 0x20 || byte >= 0x7F || byte == Self.colon {
            return false
        }
        for byte in value.utf8 where byte == Self.cr || byte == Self.lf {
            return false
        }
        return true
    }

    /// The first header that ``validate(name:value:)`` rejects, or nil when all can be written.
    /// A status description with CR or LF is reported with the name `NATS/1.0`.
    public var firstInvalidField: (name: String, value: String)? {
        if let description = status?.description,
            description.utf8.contains(where: { $0 == Self.cr || $0 == Self.lf })
        {
            return (name: "NATS/1.0", value: description)
        }
        return fields.first { !Self.validate(name: $0.name, value: $0.value) }
    }

    /// The number of bytes ``write(into:)`` writes.
    public var encodedLength: Int {
        var length = Self.versionLine.utf8CodeUnitCount + 2  // "NATS/1.0" CRLF
        if let status {
            length += 1 + ByteWriter.decimalLength(UInt64(clamping: status.code))
            if let description = status.description, !description.isEmpty {
                length += 1 + description.utf8.count
            }
        }
        for field in fields {
            length += field.name.utf8.count + 2 + field.value.utf8.count + 2  // ": " and CRLF
        }
        return length + 2  // blank line
    }

    /// Writes the block and returns the number of bytes written (always ``encodedLength``).
    ///
    /// Nothing is validated here; callers that take headers from users check them first with
    /// ``validate(name:value:)`` (the client encoder does).
    @discardableResult
    public func write(into buffer: inout ByteBuffer) -> Int {
        let length = encodedLength
        return buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { out in
            var writer = ByteWriter(out)
            self.write(to: &writer)
            assert(writer.count == length, "NATSHeaders.encodedLength disagrees with write(to:)")
            return writer.count
        }
    }

    /// Appends the block to memory the caller reserved (``encodedLength`` bytes).
    func write(to writer: inout ByteWriter) {
        writer.append(Self.versionLine)
        if let status {
            writer.append(UInt8(ascii: " "))
            writer.appendDecimal(UInt64(clamping: status.code))
            if let description = status.description, !description.isEmpty {
                writer.append(UInt8(ascii: " "))
                writer.append(description)
            }
        }
        writer.append("\r\n")
        for field in fields {
            writer.append(field.name)
            writer.append(": ")
            writer.append(field.value)
            writer.append("\r\n")
        }
        writer.append("\r\n")
    }

    // MARK: Parsing

    private typealias Parsed = (status: NATSStatus?, fields: [(name: String, value: String)])

    private static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<Parsed, NATSProtocolError> {
        func malformed(_ why: String) -> Result<Parsed, NATSProtocolError> {
            .failure(NATSProtocolError(.malformedHeaders, "\(why): \(ServerOpDecoder.printable(bytes, upTo: 80))"))
        }

        // Lines as (start, end-without-terminator), ending with the blank line.
        var cursor = 0
        func nextLine() -> Range<Int>? {
            guard cursor < bytes.count else { return nil }
            guard let newline = bytes[cursor...].firstIndex(of: Self.lf) else { return nil }
            var end = newline
            if end > cursor && bytes[end - 1] == Self.cr { end -= 1 }
            defer { cursor = newline + 1 }
            return cursor..<end
        }

        guard let first = nextLine() else { return malformed("header block without a complete first line") }
        let version = Self.versionLine.utf8CodeUnitCount
        guard first.count >= version,
            bytes[first.lowerBound..<first.lowerBound + version].elementsEqual(
                UnsafeRawBufferPointer(start: Self.versionLine.utf8Start, count: version)
            )
        else {
            return malformed("header block does not start with NATS/1.0")
        }

        var status: NATSStatus?
        var rest = (first.lowerBound + version)..<first.upperBound
        if !rest.isEmpty {
            guard isBlank(bytes[rest.lowerBound]) else { return malformed("bad version line") }
            rest = trimmed(bytes, rest)
            if !rest.isEmpty {
                var codeEnd = rest.lowerBound
                while codeEnd < rest.upperBound && !isBlank(bytes[codeEnd]) { codeEnd += 1 }
                let codeRange = rest.lowerBound..<codeEnd
                guard codeRange.count == 3, let code = decimal(bytes, codeRange) else {
                    return malformed("status is not a three-digit code")
                }
                let descriptionRange = trimmed(bytes, codeEnd..<rest.upperBound)
                status = NATSStatus(
                    code: code,
                    description: descriptionRange.isEmpty ? nil : string(bytes, descriptionRange)
                )
            }
        }

        var fields: [(name: String, value: String)] = []
        while true {
            guard let line = nextLine() else { return malformed("header block not closed by a blank line") }
            if line.isEmpty { break }
            guard let colon = bytes[line].firstIndex(of: Self.colon) else {
                return malformed("header line without a colon")
            }
            let nameRange = line.lowerBound..<colon
            guard !nameRange.isEmpty else { return malformed("header line with an empty name") }
            for index in nameRange where bytes[index] <= 0x20 || bytes[index] == 0x7F {
                return malformed("header name with whitespace or control characters")
            }
            let valueRange = trimmed(bytes, (colon + 1)..<line.upperBound)
            fields.append((name: string(bytes, nameRange), value: string(bytes, valueRange)))
        }
        guard cursor == bytes.count else { return malformed("bytes after the blank line that ends the header block") }
        return .success((status, fields))
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func trimmed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && isBlank(bytes[lower]) { lower += 1 }
        while upper > lower && isBlank(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    private static func decimal(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        var value = 0
        for index in range {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    private static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
