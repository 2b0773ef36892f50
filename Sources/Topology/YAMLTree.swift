import CYaml
import Foundation

/// A scalar as the file wrote it, after `${VAR}` expansion, with its position.
struct YScalar: Sendable {
    /// The value after expansion.
    var text: String
    /// Plain (unquoted) scalars can be null; quoted ones are always strings.
    var isPlain: Bool
    var location: SourceLocation
    /// Whether `${…}` changed the text: messages then avoid quoting what the environment supplied.
    var expanded: Bool
    /// Expansion failed and was reported; later checks stay quiet about this value.
    var failed = false

    var isNull: Bool { isPlain && ["", "~", "null", "Null", "NULL"].contains(text) }
}

/// The YAML document reduced to what the loader needs: scalars, mappings (keys in file order,
/// duplicates kept) and sequences, each with a position.
indirect enum YNode: Sendable {
    case scalar(YScalar)
    case mapping([YEntry], SourceLocation)
    case sequence([YNode], SourceLocation)

    var location: SourceLocation {
        switch self {
        case .scalar(let s): return s.location
        case .mapping(_, let l), .sequence(_, let l): return l
        }
    }

    /// A word for "got …" in type errors.
    var kindName: String {
        switch self {
        case .scalar(let s): return s.isNull ? "nothing" : "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}

struct YEntry: Sendable {
    var key: YScalar
    var value: YNode
}

/// Turns YAML text into a `YNode` tree, reporting syntax errors, duplicate keys and unset variables.
///
/// It composes the tree straight from libyaml's events (the C parser Yams wraps): a 1,000-stream file
/// spent a third of its load building Yams' node tree and grouping every mapping's keys to find repeats.
/// The reader goes by scalar style, never by resolved tag, so `1:` and `"1":` are the duplicate keys
/// they are for a JSON API.
struct YAMLReader {
    let file: String
    let environment: [String: String]
    /// Aliases can make a small document expand exponentially; stop long before memory runs out.
    private static let nodeBudget = 200_000
    private var nodes = 0
    /// Each anchor's node and how many nodes it stands for.
    private var anchors: [String: (node: YNode, size: Int)] = [:]
    /// Repeated keys, at their repeat: reported instead of anything else the document had.
    private var duplicates: [(key: String, at: SourceLocation)] = []

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    mutating func read(_ yaml: String, into bag: inout DiagnosticBag) -> YNode? {
        var text = yaml
        return text.withUTF8 { bytes -> YNode? in
            let events = LibYAMLEvents(bytes)
            var found = DiagnosticBag()
            let root: YNode?
            do throws(LibYAMLEvents.Problem) {
                root = try document(events, into: &found)
            } catch where error.kind == .tooLarge {
                bag.error(loc(error.mark), "the document expands to more than \(Self.nodeBudget) values",
                          fix: "write the values out instead of repeating aliases")
                return nil
            } catch {
                report(error, yaml: yaml, into: &bag)
                return nil
            }
            if !duplicates.isEmpty {
                for (key, at) in duplicates {
                    bag.error(at, "duplicate key '\(key)'", fix: "each key may appear once in a mapping; merge the two entries or rename one")
                }
                return nil
            }
            bag.append(found)
            guard let root else {
                bag.error(loc(1, 1), "the file is empty", fix: "start with 'name:', 'contexts:' and 'streams:'")
                return nil
            }
            return root
        }
    }

    private func loc(_ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(file: file, line: max(1, line), column: max(1, column))
    }

    private func loc(_ mark: LibYAMLEvents.Mark) -> SourceLocation { loc(mark.line, mark.column) }

    /// The single document of the stream, nil when there is none.
    private mutating func document(_ events: LibYAMLEvents, into bag: inout DiagnosticBag) throws(LibYAMLEvents.Problem) -> YNode? {
        var event = try events.next()  // stream start
        event = try events.next()
        guard event.type == YAML_DOCUMENT_START_EVENT else { return nil }  // stream end: no document
        let root = try node(try events.next(), events, into: &bag).node
        _ = try events.next()  // document end
        let after = try events.next()
        if after.type != YAML_STREAM_END_EVENT {
            throw LibYAMLEvents.Problem(kind: .composer, problem: "but found another document", mark: after.mark)
        }
        return root
    }

    /// Counts `size` more values; past the budget the document is refused at once (an alias that
    /// stands for a large node is cheap to write and exponential to walk).
    private mutating func count(_ size: Int, at mark: LibYAMLEvents.Mark) throws(LibYAMLEvents.Problem) {
        nodes += size
        if nodes > Self.nodeBudget { throw LibYAMLEvents.Problem(kind: .tooLarge, problem: "too many values", mark: mark) }
    }

    /// The anchored node an alias event names.
    private func anchored(_ event: LibYAMLEvents.Event) throws(LibYAMLEvents.Problem) -> (node: YNode, size: Int) {
        guard let anchored = anchors[event.anchor ?? ""] else {
            throw LibYAMLEvents.Problem(kind: .composer, problem: "found undefined alias", mark: event.mark)
        }
        return anchored
    }

    /// A mapping key: a scalar as written (keys are names, never expanded), an alias of a scalar, or
    /// nil for a list or mapping (composed and counted, then reported by the caller).
    private mutating func key(_ event: LibYAMLEvents.Event, _ events: LibYAMLEvents,
                              into bag: inout DiagnosticBag) throws(LibYAMLEvents.Problem) -> (key: YScalar?, location: SourceLocation, size: Int) {
        switch event.type {
        case YAML_SCALAR_EVENT:
            try count(1, at: event.mark)
            let key = YScalar(text: event.text, isPlain: event.style == YAML_PLAIN_SCALAR_STYLE, location: loc(event.mark), expanded: false)
            if let anchor = event.anchor { anchors[anchor] = (.scalar(key), 1) }
            return (key, key.location, 1)
        case YAML_ALIAS_EVENT:
            let (node, size) = try anchored(event)
            try count(size, at: event.mark)
            if case .scalar(let s) = node { return (s, s.location, size) }
            return (nil, loc(event.mark), size)
        default:
            let composed = try self.node(event, events, into: &bag)
            return (nil, composed.node.location, composed.size)
        }
    }

    /// The node that starts with `event`, and how many nodes it stands for (an alias: its anchor's).
    private mutating func node(_ event: LibYAMLEvents.Event, _ events: LibYAMLEvents,
                               into bag: inout DiagnosticBag) throws(LibYAMLEvents.Problem) -> (node: YNode, size: Int) {
        let composed: (node: YNode, size: Int)
        switch event.type {
        case YAML_ALIAS_EVENT:
            let anchored = try anchored(event)
            try count(anchored.size, at: event.mark)
            return anchored
        case YAML_SCALAR_EVENT:
            try count(1, at: event.mark)
            composed = (.scalar(expand(event, into: &bag)), 1)
        case YAML_SEQUENCE_START_EVENT:
            try count(1, at: event.mark)
            var items: [YNode] = []
            var size = 1
            var next = try events.next()
            while next.type != YAML_SEQUENCE_END_EVENT {
                let item = try node(next, events, into: &bag)
                items.append(item.node)
                size += item.size
                next = try events.next()
            }
            composed = (.sequence(items, loc(event.mark)), size)
        case YAML_MAPPING_START_EVENT:
            try count(1, at: event.mark)
            var entries: [YEntry] = []
            var seen = Set<String>()
            var size = 1
            var next = try events.next()
            while next.type != YAML_MAPPING_END_EVENT {
                let key = try key(next, events, into: &bag)
                let value = try node(try events.next(), events, into: &bag)
                size += key.size + value.size
                let at = next.type == YAML_ALIAS_EVENT ? loc(next.mark) : key.location
                next = try events.next()
                guard let name = key.key else {
                    bag.error(key.location, "a key is a list or mapping", fix: "keys must be plain names")
                    continue
                }
                if !seen.insert(name.text).inserted { duplicates.append((name.text, at)) }
                entries.append(YEntry(key: name, value: value.node))
            }
            composed = (.mapping(entries, loc(event.mark)), size)
        default:
            throw LibYAMLEvents.Problem(kind: .composer, problem: "unexpected event", mark: event.mark)
        }
        if let anchor = event.anchor { anchors[anchor] = composed }
        return composed
    }

    private func expand(_ s: LibYAMLEvents.Event, into bag: inout DiagnosticBag) -> YScalar {
        let location = loc(s.mark)
        let (value, problems) = VariableExpansion.expand(s.text, environment: environment)
        let singleLine = problems.isEmpty || !s.text.utf8.contains { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\\") }
        for problem in problems {
            // Point at the `$` when the scalar sits on one line and its text maps 1:1 to the file.
            func at(_ offset: Int) -> SourceLocation {
                guard singleLine else { return location }
                switch s.style {
                case YAML_PLAIN_SCALAR_STYLE: return loc(location.line, location.column + offset)
                case YAML_SINGLE_QUOTED_SCALAR_STYLE, YAML_DOUBLE_QUOTED_SCALAR_STYLE: return loc(location.line, location.column + 1 + offset)
                default: return location
                }
            }
            switch problem {
            case .unset(let name, let offset):
                bag.error(at(offset), "environment variable '\(name)' is not set",
                          fix: "export \(name), or give a default with ${\(name):-value}")
            case .malformed(let offset):
                bag.error(at(offset), "malformed variable reference",
                          fix: "write ${NAME} or ${NAME:-default} (NAME: letters, digits, _), or $$ for a literal $")
            }
        }
        return YScalar(text: value, isPlain: s.style == YAML_PLAIN_SCALAR_STYLE || s.style == YAML_ANY_SCALAR_STYLE, location: location,
                       expanded: value != s.text, failed: !problems.isEmpty)
    }

    private func report(_ error: LibYAMLEvents.Problem, yaml: String, into bag: inout DiagnosticBag) {
        switch error.kind {
        case .scanner, .parser, .composer:
            bag.error(loc(error.mark), "YAML syntax: \(error.problem)",
                      fix: syntaxFix(error.problem, startsWithTab: Self.isTab(at: error.mark, in: yaml)))
        case .reader:
            bag.error(loc(1, 1), "YAML syntax: \(error.problem)", fix: "save the file as UTF-8 text")
        case .tooLarge, .other:
            bag.error(loc(1, 1), "the file could not be parsed as YAML", fix: "check the YAML syntax")
        }
    }

    /// Whether the character at `mark` (1-based) is a tab: libyaml calls those "cannot start any token".
    private static func isTab(at mark: LibYAMLEvents.Mark, in yaml: String) -> Bool {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return false }
        let scalars = Array(lines[mark.line - 1].unicodeScalars)
        return mark.column >= 1 && mark.column <= scalars.count && scalars[mark.column - 1] == "\t"
    }

    private func syntaxFix(_ problem: String, startsWithTab: Bool) -> String {
        if problem.contains("tab") || startsWithTab { return "indent with spaces, not tabs" }
        if problem.contains("mapping values are not allowed") {
            return "quote values that contain ': ' or fix the indentation"
        }
        if problem.contains("did not find expected key") || problem.contains("block end") {
            return "check the indentation: keys of one mapping start in the same column"
        }
        if problem.contains("did not find expected ',' or") {
            return "inside [ ] or { } quote values that contain ${…}, '{', '}', ',' or ': '"
        }
        if problem.contains("found undefined alias") { return "define the anchor (&name) before using *name" }
        return "check the YAML syntax near this position"
    }
}
