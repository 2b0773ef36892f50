/// How several files and an environment make one document, at the level of the YAML tree so every value
/// keeps the file, line and column it was written at.
///
/// - Several files: one of them holds the settings of the whole topology (`name`, `contexts`, `context`,
///   `system_context`, `environments`, `smoke`); `streams`, `kv` and `object_stores` may be split across
///   all of them. A resource declared in two files, or a setting given twice, is an error naming both places.
/// - An environment (`environments.<NAME>`): its `context` and `system_context` replace the top-level ones,
///   and its `overrides` are laid over the resources the file declares (mappings merge key by key, other
///   values replace, `null` removes a key so the server default applies). An override changes fields of
///   what the file declares; it cannot add a stream, consumer or bucket (a typo must not create one).
struct Composition {
    /// Keys that belong to the whole topology: written in one file.
    static let singletons: Set<String> = ["name", "contexts", "context", "system_context", "environments", "smoke"]
    /// Sections that may be split across files.
    static let sections = ["streams", "kv", "object_stores"]
    /// What an environment's `overrides` may hold.
    static let overridable = ["streams", "kv", "object_stores"]

    /// One document from the files' roots, in the order given.
    static func combine(_ roots: [YNode], bag: inout DiagnosticBag) -> YNode? {
        guard let first = roots.first else { return nil }
        if roots.count == 1 { return first }
        var entries: [YEntry] = []
        var sectionEntries: [String: [YEntry]] = [:]
        var sectionKeys: [String: YScalar] = [:]
        var seen: [String: SourceLocation] = [:]
        for root in roots {
            guard case .mapping(let top, _) = root else {
                bag.error(root.location, "the top level must be a mapping", fix: "start with 'streams:', 'kv:' or 'object_stores:'")
                continue
            }
            for entry in top {
                let key = entry.key.text
                if sections.contains(key) {
                    if sectionKeys[key] == nil { sectionKeys[key] = entry.key }
                    guard case .mapping = entry.value else {
                        if !isNull(entry.value) {
                            bag.error(entry.value.location, "'\(key)' must be a mapping of names, got \(entry.value.kindName)",
                                      fix: "write one indented 'NAME:' per entry")
                        }
                        continue
                    }
                    let what = resourceWord(key)
                    for item in namedMapping(entry.value) {
                        let id = "\(key).\(item.key.text)"
                        if let earlier = seen[id], earlier.file != item.key.location.file {
                            bag.error(item.key.location, "\(what) '\(item.key.text)' is declared again (first at \(earlier))",
                                      fix: "declare it in one file")
                            continue
                        }
                        seen[id] = seen[id] ?? item.key.location
                        sectionEntries[key, default: []].append(item)
                    }
                    continue
                }
                if let earlier = seen[key], singletons.contains(key) {
                    bag.error(entry.key.location, "'\(key)' is given again (first at \(earlier))",
                              fix: "keep name, contexts, context, system_context, environments and smoke in one file")
                    continue
                }
                seen[key] = entry.key.location
                entries.append(entry)
            }
        }
        for section in sections {
            guard let key = sectionKeys[section] else { continue }
            entries.append(YEntry(key: key, value: .mapping(sectionEntries[section] ?? [], key.location)))
        }
        return .mapping(entries, first.location)
    }

    /// The names declared under `environments`, with where each is written.
    static func environmentNames(in root: YNode) -> [YScalar] {
        guard let environments = value(of: "environments", in: root) else { return [] }
        return namedMapping(environments).map(\.key)
    }

    /// `root` as environment `name` sees it; nil (and an error) when the file has no such environment.
    static func select(_ name: String, in root: YNode, bag: inout DiagnosticBag) -> YNode? {
        guard case .mapping(var entries, let location) = root else { return root }
        let names = environmentNames(in: root)
        guard let key = names.first(where: { $0.text == name }),
              let environment = namedMapping(value(of: "environments", in: root)!).first(where: { $0.key.text == key.text })?.value
        else {
            let at = entries.first { $0.key.text == "environments" }?.key.location ?? location
            let declared = names.map(\.text)
            if declared.isEmpty {
                bag.error(at, "environment '\(name)' is selected, but the file declares no 'environments'",
                          fix: "add 'environments: { \(name): { cluster: …, context: … } }', or drop --env / JETFORM_ENV")
            } else if let suggestion = Suggestions.suggestName(name, among: declared) {
                bag.error(at, "the file declares no environment '\(name)'", fix: "did you mean '\(suggestion)'? (declared: \(declared.joined(separator: ", ")))")
            } else {
                bag.error(at, "the file declares no environment '\(name)'", fix: "use one of: \(declared.joined(separator: ", "))")
            }
            return nil
        }
        guard case .mapping(let settings, _) = environment else { return root }  // the builder reports the shape
        for setting in settings where ["context", "system_context"].contains(setting.key.text) {
            let replacement = YEntry(key: setting.key, value: setting.value)
            if let i = entries.firstIndex(where: { $0.key.text == setting.key.text }) {
                entries[i] = replacement
            } else {
                entries.append(replacement)
            }
        }
        if let overrides = settings.first(where: { $0.key.text == "overrides" })?.value, case .mapping(let sections, _) = overrides {
            for section in sections where overridable.contains(section.key.text) {
                let what = resourceWord(section.key.text)
                guard let i = entries.firstIndex(where: { $0.key.text == section.key.text }) else {
                    for item in namedMapping(section.value) {
                        bag.error(item.key.location, "environment '\(name)' overrides \(what) '\(item.key.text)', which the file does not declare",
                                  fix: "declare it under '\(section.key.text)'; an override only changes what the file declares")
                    }
                    continue
                }
                entries[i].value = overlay(entries[i].value, with: section.value, what: what, environment: name, depth: 0, bag: &bag)
            }
        }
        return .mapping(entries, location)
    }

    /// `over` laid on `base`: at depth 0 the entries are resources (which must exist), at depth 1 their
    /// fields, further down nested values; `consumers` of a stream are resources again.
    private static func overlay(_ base: YNode, with over: YNode, what: String, environment: String, depth: Int,
                                bag: inout DiagnosticBag) -> YNode {
        guard case .mapping(var entries, let location) = base, case .mapping(let changes, _) = over else {
            if depth == 0, isNull(base), case .mapping(let changes, _) = over {
                // `consumers:` written empty: an override cannot add to it either.
                for change in changes {
                    bag.error(change.key.location, "environment '\(environment)' overrides \(what) '\(change.key.text)', which the file does not declare",
                              fix: "declare it first; an override only changes what the file declares")
                }
                return base
            }
            return isNull(over) && depth == 0 ? base : over
        }
        for change in changes {
            let i = entries.firstIndex { $0.key.text == change.key.text }
            let isResource = depth == 0
            if isResource {
                guard let i else {
                    let known = entries.map(\.key.text)
                    let fix = Suggestions.suggestName(change.key.text, among: known).map { "did you mean '\($0)'?" }
                        ?? "declare it first; an override only changes what the file declares"
                    bag.error(change.key.location, "environment '\(environment)' overrides \(what) '\(change.key.text)', which the file does not declare",
                              fix: fix)
                    continue
                }
                entries[i].value = overlay(entries[i].value, with: change.value, what: what, environment: environment, depth: 1, bag: &bag)
            } else if isNull(change.value) {
                if let i { entries.remove(at: i) }
            } else if let i {
                if change.key.text == "consumers" && depth == 1 {
                    entries[i].value = overlay(entries[i].value, with: change.value, what: "consumer", environment: environment, depth: 0, bag: &bag)
                } else if case .mapping = entries[i].value, case .mapping = change.value {
                    entries[i].value = overlay(entries[i].value, with: change.value, what: what, environment: environment, depth: depth + 1, bag: &bag)
                } else {
                    // A replaced value is where the override wrote it.
                    entries[i] = change
                }
            } else if change.key.text == "consumers" && depth == 1 {
                for item in namedMapping(change.value) {
                    bag.error(item.key.location, "environment '\(environment)' overrides consumer '\(item.key.text)', which the file does not declare",
                              fix: "declare it first; an override only changes what the file declares")
                }
            } else {
                entries.append(change)
            }
        }
        return .mapping(entries, location)
    }

    /// How messages name an entry of a section: `stream`, `kv bucket`, `object store`.
    private static func resourceWord(_ section: String) -> String {
        section == "streams" ? "stream" : section == "kv" ? "kv bucket" : "object store"
    }

    static func value(of key: String, in node: YNode) -> YNode? {
        guard case .mapping(let entries, _) = node else { return nil }
        return entries.first { $0.key.text == key }?.value
    }

    static func namedMapping(_ node: YNode) -> [YEntry] {
        if case .mapping(let entries, _) = node { return entries }
        return []
    }

    private static func isNull(_ node: YNode) -> Bool {
        if case .scalar(let s) = node { return s.isNull }
        return false
    }
}
