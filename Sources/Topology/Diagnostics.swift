import JetStreamSchema

/// A position in a topology file: 1-based line and column (columns count Unicode scalars, as libyaml does).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file as the user named it (e.g. `topology.yaml`).
    public var file: String
    /// Line number starting from 1.
    public var line: Int
    /// Column number starting from 1.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `FILE:LINE:COL`, the form editors and terminals turn into links.
    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// One problem found in a topology file, with where it is and how to fix it.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible, Codable {
    /// How bad a problem is.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// The file cannot be used.
        case error
        /// The file is valid but the setup loses messages or surprises people.
        case warning
    }

    public var severity: Severity
    public var file: String
    public var line: Int
    public var column: Int
    /// What is wrong. Never contains secret values.
    public var message: String
    /// How to fix it.
    public var fix: String

    /// Creates a diagnostic at a location.
    public init(_ severity: Severity, at location: SourceLocation, _ message: String, fix: String) {
        self.severity = severity
        self.file = location.file
        self.line = location.line
        self.column = location.column
        self.message = message
        self.fix = fix
    }

    /// The diagnostic's position.
    public var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    /// `FILE:LINE:COL: error: <what is wrong> — <how to fix it>`
    public var rendered: String {
        let head = "\(file):\(line):\(column): \(severity.rawValue): \(message)"
        return fix.isEmpty ? head : "\(head) — \(fix)"
    }

    public var description: String { rendered }
}

/// Loading failed: every error found, in file order (warnings found on the way are included too).
public struct TopologyLoadError: Error, Sendable, CustomStringConvertible {
    /// All diagnostics, errors and warnings, sorted by position.
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    /// Only the errors.
    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String { diagnostics.map(\.rendered).joined(separator: "\n") }
}

/// Collects diagnostics while the loader and validator walk the file.
struct DiagnosticBag {
    private(set) var items: [Diagnostic] = []

    var hasErrors: Bool { items.contains { $0.severity == .error } }

    mutating func error(_ location: SourceLocation, _ message: String, fix: String) {
        items.append(Diagnostic(.error, at: location, message, fix: fix))
    }

    mutating func warning(_ location: SourceLocation, _ message: String, fix: String) {
        items.append(Diagnostic(.warning, at: location, message, fix: fix))
    }

    /// Adds what another bag found, in its order.
    mutating func append(_ other: DiagnosticBag) { items += other.items }

    /// `body` over each item (its own stream of the file: built or checked without the others), in
    /// chunks on the machine's cores (`Chunked.map`), each chunk with a bag of its own; the results and
    /// what the chunks found, in item order.
    mutating func chunked<T: Sendable, R: Sendable>(_ items: [T], _ body: @Sendable (T, inout DiagnosticBag) -> R?) -> [R] {
        var results: [R] = []
        for (found, bag) in Chunked.map(items, { chunk in
            var bag = DiagnosticBag()
            return (chunk.compactMap { body($0, &bag) }, bag)
        }) {
            results += found
            append(bag)
        }
        return results
    }

    /// File order (files by name, as a directory is read); a stable sort keeps the discovery order for
    /// problems at the same spot.
    var sorted: [Diagnostic] {
        items.enumerated().sorted { a, b in
            if a.element.file != b.element.file { return a.element.file < b.element.file }
            let la = (a.element.line, a.element.column), lb = (b.element.line, b.element.column)
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
    }
}
