import CYaml

/// libyaml's parser over a UTF-8 buffer, one event at a time, each copied into a Swift value (the C
/// event is freed at once). The buffer must outlive the reader.
final class LibYAMLEvents {
    /// A position as people count it: 1-based line and column.
    struct Mark {
        var line: Int
        var column: Int
    }

    struct Event {
        var type: yaml_event_type_t
        var mark: Mark
        /// A scalar's value (empty for other events).
        var text = ""
        var style = YAML_ANY_SCALAR_STYLE
        /// The node's anchor (`&name`), or the alias's (`*name`).
        var anchor: String?
    }

    /// Why libyaml stopped, as it says it.
    struct Problem: Error {
        /// `tooLarge`: the reader's own, for a document past its value budget.
        enum Kind { case reader, scanner, parser, composer, tooLarge, other }
        var kind: Kind
        var problem: String
        var mark: Mark
    }

    private let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    private var event = yaml_event_t()

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        // Fails only when memory runs out, and then so does the first parse, which reports it.
        _ = yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    func next() throws(Problem) -> Event {
        guard yaml_parser_parse(parser, &event) == 1 else { throw problem() }
        defer { yaml_event_delete(&event) }
        let start = event.start_mark
        var out = Event(type: event.type, mark: Mark(line: Int(start.line) + 1, column: Int(start.column) + 1))
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            out.text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            out.style = scalar.style
            out.anchor = Self.string(scalar.anchor)
        case YAML_SEQUENCE_START_EVENT:
            out.anchor = Self.string(event.data.sequence_start.anchor)
        case YAML_MAPPING_START_EVENT:
            out.anchor = Self.string(event.data.mapping_start.anchor)
        case YAML_ALIAS_EVENT:
            out.anchor = Self.string(event.data.alias.anchor)
        default:
            break
        }
        return out
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private func problem() -> Problem {
        let p = parser.pointee
        let text = p.problem.map { String(cString: $0) } ?? "unknown problem"
        let mark = Mark(line: Int(p.problem_mark.line) + 1, column: Int(p.problem_mark.column) + 1)
        switch p.error {
        case YAML_READER_ERROR: return Problem(kind: .reader, problem: text, mark: mark)
        case YAML_SCANNER_ERROR: return Problem(kind: .scanner, problem: text, mark: mark)
        case YAML_PARSER_ERROR: return Problem(kind: .parser, problem: text, mark: mark)
        default: return Problem(kind: .other, problem: text, mark: mark)
        }
    }
}
