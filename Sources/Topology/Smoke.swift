import JetStreamSchema

/// Builds `SmokeSpec` from the decoded `smoke` object and checks it against the topology.
extension SmokeSpec {
    init(json: JSONObject, location: SourceLocation, locations: [String: SourceLocation]) {
        func int(_ o: JSONObject?, _ k: String) -> Int? { o?[k]?.intValue.map { Int(clamping: $0) } }
        func endpoint(_ o: JSONObject?) -> Endpoint? {
            guard let stream = o?["stream"]?.stringValue, let consumer = o?["consumer"]?.stringValue else { return nil }
            return Endpoint(stream: stream, consumer: consumer)
        }
        self.context = json["context"]?.stringValue
        if let d = json["durable"]?.objectValue, let requests = endpoint(d["requests"]?.objectValue),
           let responses = endpoint(d["responses"]?.objectValue) {
            durable = Durable(requests: requests, responses: responses, inFlight: int(d, "in_flight"),
                              producers: int(d, "producers"), workers: int(d, "workers"), count: int(d, "count"))
        }
        if let p = json["pubsub"]?.objectValue, let subject = p["subject"]?.stringValue {
            pubsub = PubSub(subject: subject, subscribers: int(p, "subscribers"), count: int(p, "count"))
        }
        if let q = json["queue"]?.objectValue, let subject = q["subject"]?.stringValue {
            queue = Queue(subject: subject, group: q["group"]?.stringValue, members: int(q, "members"), count: int(q, "count"))
        }
        if let r = json["request"]?.objectValue, let subject = r["subject"]?.stringValue {
            request = Request(subject: subject, responders: int(r, "responders"), count: int(r, "count"))
        }
        if let k = json["kv"]?.objectValue, let bucket = k["bucket"]?.stringValue {
            kv = KV(bucket: bucket, count: int(k, "count"), keys: int(k, "keys"))
        }
        self.location = location
        self.fieldLocations = locations.filter { $0.key.hasPrefix("smoke.") }
            .reduce(into: [:]) { $0[String($1.key.dropFirst("smoke.".count))] = $1.value }
    }

    /// Reference and shape checks: declared streams and consumers, a work-queue requests stream with
    /// literal subjects, a responses stream with a wildcard for the request id, a writable declared bucket.
    func validate(in topology: TopologySpec, bag: inout DiagnosticBag) {
        if let context, topology.context(named: context) == nil {
            bag.error(fieldLocations["context"] ?? location, "smoke context '\(context)' is not declared",
                      fix: "declare it under 'contexts' or use one of: \(topology.contexts.map(\.name).joined(separator: ", "))")
        }
        if let kv {
            validate(kv, in: topology, bag: &bag)
        }
        guard let durable else { return }
        for (role, endpoint) in [("requests", durable.requests), ("responses", durable.responses)] {
            let base = "durable.\(role)"
            guard let stream = topology.stream(named: endpoint.stream) else {
                bag.error(fieldLocations["\(base).stream"] ?? location,
                          "smoke \(role) stream '\(endpoint.stream)' is not declared",
                          fix: "declare it under 'streams' or use one of: \(topology.streams.map(\.name).joined(separator: ", "))")
                continue
            }
            if stream.consumer(named: endpoint.consumer) == nil {
                bag.error(fieldLocations["\(base).consumer"] ?? location,
                          "smoke \(role) consumer '\(endpoint.consumer)' is not declared under stream '\(stream.name)'",
                          fix: "add it under streams.\(stream.name).consumers, or use one of: "
                              + stream.consumers.map(\.name).joined(separator: ", "))
            }
            let at = fieldLocations["\(base).stream"] ?? location
            if role == "requests" {
                if !stream.isWorkQueue {
                    bag.error(at, "smoke requests stream '\(stream.name)' is not a work queue",
                              fix: "set retention: workqueue on it so each request is handled once")
                }
                if stream.subjects.isEmpty || stream.subjects.contains(where: Subjects.hasWildcard) {
                    bag.error(at, "smoke requests stream '\(stream.name)' needs literal subjects (the smoke test publishes to them)",
                              fix: "list exact subjects such as users.requests, without '*' or '>'")
                }
            } else if !stream.subjects.contains(where: Subjects.hasWildcard) {
                bag.error(at, "smoke responses stream '\(stream.name)' has no wildcard subject for the request id",
                          fix: "give it a subject such as users.responses.*")
            }
        }
    }

    /// `kv.bucket` names a bucket under `kv:` that takes writes (a mirror refuses them).
    private func validate(_ kv: KV, in topology: TopologySpec, bag: inout DiagnosticBag) {
        let at = fieldLocations["kv.bucket"] ?? location
        guard let bucket = topology.bucket(named: kv.bucket) else {
            let declared = topology.kv.map(\.name)
            bag.error(at, "smoke kv bucket '\(kv.bucket)' is not declared",
                      fix: declared.isEmpty ? "declare it under 'kv' (e.g. kv: {\(kv.bucket): {history: 5}})"
                          : "declare it under 'kv' or use one of: \(declared.joined(separator: ", "))")
            return
        }
        if bucket.config["mirror"] != nil {
            bag.error(at, "smoke kv bucket '\(bucket.name)' is a mirror, which takes no puts",
                      fix: "name a bucket that is not a mirror")
        }
    }
}
