import Foundation
import Yams

/// A scalar as the file wrote it, after `${VAR}` expansion, with its position.
struct YScalar {
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
indirect enum YNode {
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

struct YEntry {
    var key: YScalar
    var value: YNode
}

/// Turns YAML text into a `YNode` tree, reporting syntax errors, duplicate keys and unset variables.
struct YAMLReader {
    let file: String
    let environment: [String: String]
    /// Aliases can make a small document expand exponentially; stop long before memory runs out.
    private static let nodeBudget = 200_000
    private var nodes = 0

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    mutating func read(_ yaml: String, into bag: inout DiagnosticBag) -> YNode? {
        let root: Node?
        do {
            // The reader goes by scalar style, never by resolved tag; the basic resolver spares the regular
            // expressions the default one runs on every key (a third of loading a 1,000-stream file), and
            // makes `1:` and `"1":` the duplicate keys they are for a JSON API.
            let parser = try Parser(yaml: yaml, resolver: .basic, encoding: .utf8)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            report(error, yaml: yaml, into: &bag)
            return nil
        } catch {
            bag.error(loc(1, 1), "the file could not be read as YAML", fix: "check that it is UTF-8 text")
            return nil
        }
        guard let root else {
            bag.error(loc(1, 1), "the file is empty", fix: "start with 'name:', 'contexts:' and 'streams:'")
            return nil
        }
        return convert(root, into: &bag)
    }

    private func loc(_ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(file: file, line: max(1, line), column: max(1, column))
    }

    private func loc(_ mark: Mark?) -> SourceLocation {
        loc(mark?.line ?? 1, mark?.column ?? 1)
    }

    private mutating func convert(_ node: Node, into bag: inout DiagnosticBag) -> YNode? {
        nodes += 1
        guard nodes <= Self.nodeBudget else {
            if nodes == Self.nodeBudget + 1 {
                bag.error(loc(node.mark), "the document expands to more than \(Self.nodeBudget) values",
                          fix: "write the values out instead of repeating aliases")
            }
            return nil
        }
        switch node {
        case .scalar(let s):
            return .scalar(expand(s, into: &bag))
        case .alias(let a):
            // Yams resolves aliases to the anchored node while composing; this case is defensive.
            bag.error(loc(a.mark), "an alias could not be resolved", fix: "write the value out instead of using *alias")
            return nil
        case .sequence(let seq):
            var items: [YNode] = []
            for item in seq {
                if let converted = convert(item, into: &bag) { items.append(converted) }
            }
            return .sequence(items, loc(seq.mark))
        case .mapping(let map):
            var entries: [YEntry] = []
            for (k, v) in map {
                guard case .scalar(let keyScalar) = k else {
                    bag.error(loc(k.mark), "a key is a list or mapping", fix: "keys must be plain names")
                    continue
                }
                let key = YScalar(text: keyScalar.string, isPlain: keyScalar.style == .plain,
                                  location: loc(keyScalar.mark), expanded: false)
                guard let value = convert(v, into: &bag) else { continue }
                entries.append(YEntry(key: key, value: value))
            }
            return .mapping(entries, loc(map.mark))
        }
    }

    private func expand(_ s: Node.Scalar, into bag: inout DiagnosticBag) -> YScalar {
        let location = loc(s.mark)
        let (value, problems) = VariableExpansion.expand(s.string, environment: environment)
        let singleLine = problems.isEmpty || !s.string.utf8.contains { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\\") }
        for problem in problems {
            // Point at the `$` when the scalar sits on one line and its text maps 1:1 to the file.
            func at(_ offset: Int) -> SourceLocation {
                guard singleLine else { return location }
                switch s.style {
                case .plain: return loc(location.line, location.column + offset)
                case .singleQuoted, .doubleQuoted: return loc(location.line, location.column + 1 + offset)
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
        return YScalar(text: value, isPlain: s.style == .plain || s.style == .any, location: location,
                       expanded: value != s.string, failed: !problems.isEmpty)
    }

    private func report(_ error: YamlError, yaml: String, into bag: inout DiagnosticBag) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            bag.error(loc(mark), "YAML syntax: \(problem)", fix: syntaxFix(problem, startsWithTab: Self.isTab(at: mark, in: yaml)))
        case .reader(let problem, _, _, _):
            bag.error(loc(1, 1), "YAML syntax: \(problem)", fix: "save the file as UTF-8 text")
        case .duplicatedKeysInMapping(let duplicates, let context):
            for key in duplicates {
                let at = DuplicateKeyFinder.secondOccurrence(
                    of: key, line: context.mark.line, column: context.mark.column, in: yaml)
                bag.error(loc(at.line, at.column), "duplicate key '\(key)'",
                          fix: "each key may appear once in a mapping; merge the two entries or rename one")
            }
        default:
            bag.error(loc(1, 1), "the file could not be parsed as YAML", fix: "check the YAML syntax")
        }
    }

    /// Whether the character at `mark` (1-based) is a tab: libyaml calls those "cannot start any token".
    private static func isTab(at mark: Mark, in yaml: String) -> Bool {
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

/// Yams reports only the first occurrence of a duplicated key; people need to see the repeat.
enum DuplicateKeyFinder {
    /// In block mappings the repeat starts in the same column on a later line, before the indentation drops.
    static func secondOccurrence(of key: String, line: Int, column: Int, in yaml: String) -> (line: Int, column: Int) {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return (line, column) }
        let indent = column - 1
        var index = line // the line after the first occurrence (0-based)
        while index < lines.count {
            let line = lines[index]
            let body = line.drop { $0 == " " }
            let bodyIndent = line.count - body.count
            if body.isEmpty || body.hasPrefix("#") { index += 1; continue }
            if bodyIndent < indent { break }
            if bodyIndent == indent {
                let unquoted = body.hasPrefix("\"") || body.hasPrefix("'") ? body.dropFirst() : body
                if unquoted.hasPrefix(key) {
                    let after = unquoted.dropFirst(key.count).drop { $0 == "\"" || $0 == "'" || $0 == " " }
                    if after.hasPrefix(":") { return (index + 1, column) }
                }
            }
            index += 1
        }
        return (line, column)
    }
}
