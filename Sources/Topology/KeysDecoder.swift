import JetStreamSchema

/// Reads `keys:` of a Key-Value bucket: key names to values, each a scalar (`feature.beta: on`) or
/// `{value: …, secret: true}`. A value is sensitive when the file marks it secret or a `${VAR}` supplied
/// it; messages never quote a sensitive value.
struct KeysDecoder {
    func decode(_ node: YNode, owner: String, bag: inout DiagnosticBag) -> [KeySpec] {
        guard case .mapping(let entries, _) = node else {
            bag.error(node.location, "'keys' in \(owner) must be a mapping of keys to values, got \(node.kindName)",
                      fix: "write one key per line, e.g. keys: {feature.beta: \"on\"}")
            return []
        }
        // (A repeated key is the YAML reader's error already.)
        var keys: [KeySpec] = []
        for entry in entries {
            let key = entry.key.text
            if let problem = Names.keyProblem(key) {
                bag.error(entry.key.location, "key '\(FieldDecoder.clip(key))' in \(owner) \(problem)",
                          fix: "use letters, digits and '-', '/', '_', '=', '.' (the clients' rule for keys), e.g. app.timeout")
                continue
            }
            if let spec = value(entry, owner: owner, bag: &bag) { keys.append(spec) }
        }
        return keys
    }

    private func value(_ entry: YEntry, owner: String, bag: inout DiagnosticBag) -> KeySpec? {
        let what = "key '\(entry.key.text)' in \(owner)"
        switch entry.value {
        case .scalar(let s):
            return scalar(s, what: what, secret: false, at: entry.key.location, key: entry.key.text, bag: &bag)
        case .mapping(let members, let at):
            var value: YScalar?
            var secret = false
            for member in members {
                switch (member.key.text, member.value) {
                case ("value", .scalar(let s)):
                    value = s
                case ("secret", .scalar(let s)) where s.text == "true" || s.text == "false":
                    secret = s.text == "true"
                case ("value", let other), ("secret", let other):
                    let expected = member.key.text == "value" ? "a string" : "true or false"
                    bag.error(other.location, "'\(member.key.text)' of \(what) must be \(expected), got \(other.kindName)",
                              fix: member.key.text == "value" ? "quote the value: value: \"…\"" : "write secret: true")
                    return nil
                default:
                    bag.error(member.key.location, "unknown key '\(FieldDecoder.clip(member.key.text))' in \(what)",
                              fix: "remove it; a key takes value and secret")
                    return nil
                }
            }
            guard let value else {
                bag.error(at, "\(what) has no value", fix: "add value: \"…\" (and secret: true to keep it out of plans)")
                return nil
            }
            return scalar(value, what: what, secret: secret, at: entry.key.location, key: entry.key.text, bag: &bag)
        case .sequence(_, let at):
            bag.error(at, "\(what) must be a string, got a list", fix: "quote the value, or write {value: \"…\", secret: true}")
            return nil
        }
    }

    private func scalar(_ s: YScalar, what: String, secret: Bool, at: SourceLocation, key: String, bag: inout DiagnosticBag) -> KeySpec? {
        if s.failed { return nil }
        if s.isNull {
            bag.error(s.location, "\(what) has no value", fix: "write the value; an empty value is written \"\"")
            return nil
        }
        return KeySpec(key: key, value: s.text, sensitive: secret || s.expanded, location: at)
    }
}
