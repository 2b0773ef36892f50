import JetStreamSchema
import Topology

/// Renders a plan as Terraform-style text for people:
///
///     jetform will perform the following actions:
///
///       + stream REQUESTS (create)
///           subjects: [users.requests]
///       ~ stream RESPONSES (update in-place)
///           ~ max_age: 5s → 10s
///       -/+ stream ORDERS (replace: storage cannot change in place; holds 1,204 messages, 3.1 MB)
///           ~ storage: file → memory  (forces replacement)
///           ! blocked: replacing needs --allow-replace
///       - consumer OLD.x (delete: no longer in topology.yaml)
///       + kv CONFIG key app.timeout (create)
///           value: 30s
///       ~ kv CONFIG key db.password (update in-place)
///           ~ value: (sensitive, differs from the file)
///
///     Not managed by this file (left alone): stream FOREIGN
///     Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy.
public enum PlanRenderer {
    /// The text, ending in a newline. `color` adds ANSI colours to the markers (`+` green, `~` yellow,
    /// `-` red); whether to use it (TTY, `NO_COLOR`) is the caller's decision. `fileName` names the
    /// topology file in messages.
    /// More resources left alone than this are summed up by owner unless `showUnmanaged` lists them.
    public static let unmanagedListLimit = 20

    public static func render(_ plan: Plan, color: Bool = false, fileName: String = "topology.yaml",
                              showUnmanaged: Bool = false) -> String {
        let paint = Paint(enabled: color)
        var lines: [String] = []
        for issue in plan.errors { lines.append(paint.red("Error: ") + issue.summary) }
        for issue in plan.warnings { lines.append(paint.yellow("Warning: ") + issue.summary) }
        if !lines.isEmpty { lines.append("") }

        if plan.actions.isEmpty {
            if plan.errors.isEmpty { lines.append("No changes. The cluster matches \(fileName).") }
        } else {
            lines.append("jetform will perform the following actions:")
            lines.append("")
            for action in plan.actions { lines += render(action, paint: paint, fileName: fileName) }
        }

        let foreign = plan.unmanaged.filter { !$0.prunable }
        let prunable = plan.unmanaged.filter(\.prunable)
        if !foreign.isEmpty || !prunable.isEmpty { lines.append("") }
        if !foreign.isEmpty && (showUnmanaged || foreign.count <= unmanagedListLimit) {
            let names = foreign.map { $0.resource.description + ($0.managedBy.map { " (managed by '\($0)')" } ?? "") }
            lines.append("Not managed by this file (left alone): " + names.joined(separator: ", "))
        } else if !foreign.isEmpty {
            lines.append("Not managed by this file (left alone): " + unmanagedSummary(foreign) + "; --show-unmanaged lists them")
        }
        if !prunable.isEmpty {
            lines.append("Managed by '\(plan.topology)' but no longer in \(fileName) (left alone; --prune deletes them): "
                         + prunable.map(\.resource.description).joined(separator: ", "))
        }

        if !plan.actions.isEmpty {
            if foreign.isEmpty && prunable.isEmpty { lines.append("") }
            let s = plan.summary
            lines.append("Plan: \(s.add) to add, \(s.change) to change, \(s.replace) to replace, \(s.destroy) to destroy.")
            let blocked = plan.blockedActions
            let protected = blocked.filter { $0.blocked.contains(where: \.isPreventDestroy) }
            if !protected.isEmpty {
                let count = protected.count == 1 ? "1 action deletes or replaces" : "\(protected.count) actions delete or replace"
                lines.append(paint.red("\(count) what prevent_destroy protects") + "; apply refuses the plan whatever the flags.")
            }
            let needsFlags = blocked.filter { $0.blocked.contains { !$0.isPreventDestroy } }
            if !needsFlags.isEmpty {
                let blocked = needsFlags
                var flags: [String] = []
                if blocked.contains(where: { $0.blocked.contains(.needsAllowReplace) }) { flags.append("--allow-replace") }
                if blocked.contains(where: { $0.blocked.contains { if case .needsAllowDataLoss = $0 { true } else { false } } }) {
                    flags.append("--allow-data-loss")
                }
                let count = blocked.count == 1 ? "1 action is" : "\(blocked.count) actions are"
                lines.append(paint.red("\(count) blocked") + "; apply refuses the plan unless run with "
                             + flags.joined(separator: " and ") + ".")
            }
        }
        if !plan.errors.isEmpty {
            let count = plan.errors.count == 1 ? "1 error" : "\(plan.errors.count) errors"
            lines.append(paint.red("The plan has \(count) and cannot be applied."))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `2,000 streams and 3 consumers: 1,500 of 'team-a', 503 without a marker`.
    static func unmanagedSummary(_ resources: [UnmanagedResource]) -> String {
        func count(_ n: Int, _ what: String) -> String { "\(n.formatted()) \(what)\(n == 1 ? "" : "s")" }
        let streams = resources.filter { $0.resource.kind == .stream }.count
        let kinds = [(streams, "stream"), (resources.count - streams, "consumer")].filter { $0.0 > 0 }.map { count($0.0, $0.1) }
        let owners = UnmanagedOwner.summary(resources).map { owner in
            let n = owner.streams + owner.consumers
            return owner.managedBy.map { "\(n.formatted()) of '\($0)'" } ?? "\(n.formatted()) without a marker"
        }
        return kinds.joined(separator: " and ") + ": " + owners.joined(separator: ", ")
    }

    private static func render(_ action: PlanAction, paint: Paint, fileName: String) -> [String] {
        let kind = action.resource.kind
        let what = action.subject
        var header: String
        switch action.kind {
        case .create:
            header = "  " + paint.green("+") + " \(what) (create"
            if case .streamReplaced(let stream)? = action.cause { header += ": recreated with stream \(stream)" }
            header += ")"
        case .update:
            header = "  " + paint.yellow("~") + " \(what) (update in-place"
            let moves = action.steps.filter { $0.phase != .lowerLimits }
            var parts = ["update"]
            if moves.count == 2, let first = moves.first?.config, let last = moves.last?.config {
                if !action.changes.contains(where: { $0.path == "num_replicas" }) {
                    parts = ["update", "move"]
                } else {
                    parts = first["num_replicas"] == last["num_replicas"] ? ["scale", "move"] : ["move", "scale"]
                }
            }
            if moves.count < action.steps.count { parts.append("lower consumer_limits after the consumers") }
            if parts.count > 1 { header += ", in \(parts.count) steps: " + parts.joined(separator: ", then ") }
            header += ")"
        case .replace:
            header = "  " + paint.red("-") + "/" + paint.green("+") + " \(what) (replace: "
                + action.replaceReasons.joined(separator: "; ")
            if let holds = action.holds { header += "; holds " + ValueFormatter.holdings(holds) }
            header += ")"
        case .delete:
            header = "  " + paint.red("-") + " \(what) (delete"
            if action.cause == .pruned { header += ": no longer in \(fileName)" }
            if let holds = action.holds { header += "; holds " + ValueFormatter.holdings(holds) }
            header += ")"
        }
        var lines = [header]
        let indent = "      "
        if case .key = action.resource {
            // A sensitive key's value, the file's or the bucket's, is never printed.
            let change = action.changes.first
            switch (action.kind, action.sensitive) {
            case (.create, true): lines.append(indent + "value: (sensitive)")
            case (_, true): lines.append(indent + paint.yellow("~") + " value: (sensitive, differs from the file)")
            case (.create, false): lines.append(indent + "value: " + keyValue(action.declared?["value"]))
            case (_, false): lines.append(indent + paint.yellow("~") + " value: \(keyValue(change?.old)) → \(keyValue(change?.new))")
            }
            return lines
        }
        if action.kind == .create, let declared = action.declared {
            for (key, value) in declared where !kind.identityFields.contains(key) {
                // A bucket's fields are formatted as the stream fields they set (`ttl` as `max_age`).
                let path = action.bucket?.kind.streamPath(bucketPath: key) ?? key
                lines.append(indent + "\(key): " + ValueFormatter.format(value, path: path, kind: kind))
            }
        }
        // A bucket's duplicate window follows its ttl: shown only when it changes on its own.
        let followsTTL = action.bucket != nil && action.changes.contains { $0.path == "max_age" }
        for change in action.changes where !(followsTTL && change.path == "duplicate_window") {
            lines.append(indent + line(for: change, kind: kind, paint: paint, bucket: action.bucket?.kind))
        }
        if !action.droppedConsumers.isEmpty {
            lines.append(indent + "also deletes consumer" + (action.droppedConsumers.count == 1 ? " " : "s ")
                         + action.droppedConsumers.joined(separator: ", "))
        }
        for reason in action.blocked {
            lines.append(indent + paint.red("! blocked: ") + reason.message)
        }
        return lines
    }

    /// A key's value as the plan shows it: bare or quoted like other text, cut after 120 characters.
    static func keyValue(_ value: JSONValue?) -> String {
        guard case .string(let text)? = value else { return "(none)" }
        let limit = 120
        guard text.count > limit else { return ValueFormatter.format(value, as: .string) }
        return ValueFormatter.format(.string(String(text.prefix(limit))), as: .string) + "… (\(text.utf8.count) bytes)"
    }

    /// A bucket's change is named by its bucket field (`history`), or, for a field every bucket of its kind
    /// sets the same way, by the stream field with "(bucket stream)".
    private static func line(for change: FieldChange, kind: ResourceKind, paint: Paint, bucket: BucketKind? = nil) -> String {
        let label = bucket.map { $0.bucketPath(streamPath: change.path) ?? "\(change.path) (bucket stream)" } ?? change.path
        let fieldKind = FieldLookup.kind(of: change.path, in: kind)
        let scalar: Bool
        switch fieldKind {
        case .bool?, .integer?, .duration?, .size?: scalar = true
        default: scalar = false
        }
        let old = ValueFormatter.format(change.old, path: change.path, kind: kind)
        let new = ValueFormatter.format(change.new, path: change.path, kind: kind)
        var text: String
        if change.old == nil && !scalar {
            text = paint.green("+") + " \(label): \(new)"
        } else if change.new == nil && !scalar {
            text = paint.red("-") + " \(label): \(old)"
        } else {
            text = paint.yellow("~") + " \(label): \(old) → \(new)"
        }
        if change.immutable { text += "  (forces replacement)" }
        return text
    }
}

/// ANSI colours, or nothing.
private struct Paint {
    let enabled: Bool

    func green(_ s: String) -> String { wrap(s, 32) }
    func yellow(_ s: String) -> String { wrap(s, 33) }
    func red(_ s: String) -> String { wrap(s, 31) }

    private func wrap(_ s: String, _ code: Int) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
}
