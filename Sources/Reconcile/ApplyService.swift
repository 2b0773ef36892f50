import JetStream
public import Topology
import Synchronization

/// How an apply runs.
public struct ApplyOptions: Sendable {
    public var plan: PlanOptions
    /// API calls at a time.
    public var parallelism: Int
    /// How long the lock outlives its holder's last refresh.
    public var lockExpiry: Duration
    /// How long to wait while another run holds the lock (0: do not wait).
    public var lockTimeout: Duration
    /// Shown to other runs that find the lock taken (`apply topology.yaml`, `export --adopt`).
    public var command: String

    public init(plan: PlanOptions = PlanOptions(), parallelism: Int = 16, lockExpiry: Duration = ApplyLock.defaultExpiry,
                lockTimeout: Duration = .seconds(60), command: String = "apply") {
        self.plan = plan
        self.parallelism = max(1, parallelism)
        self.lockExpiry = lockExpiry
        self.lockTimeout = lockTimeout
        self.command = command
    }
}

/// What an apply tells while it runs, in order.
public enum ApplyEvent: Sendable {
    /// The plan the run goes by: the first plan when it has nothing to do (or errors), else the plan made
    /// while holding the lock. Emitted once, before any confirmation.
    case planned(Plan)
    /// Health-check findings that do not stop the run.
    case healthNotes([String])
    /// Another run holds the lock of `topology`; this one waits up to `timeout`.
    case waitingForLock(topology: String, holder: LockHolder?, timeout: Duration)
    case lockHeld
    /// One API call finished (`done` of `total`).
    case step(StepResult, done: Int, total: Int)
    case lockReleased
}

/// How an apply ended when it did not fail.
public enum ApplyOutcome: Sendable {
    /// The cluster already matched (the plan is empty).
    case noChanges(Plan)
    /// Confirmation said no; nothing was changed.
    case declined(Plan)
    /// The plan was carried out. `remaining`: for a saved plan applied with its topology at hand, what
    /// still differs from the file afterwards (nil: nothing, or no topology to compare with). For a
    /// topology, the verifying re-plan was empty (else the apply fails with `notConverged`).
    case applied(Plan, results: [StepResult], duration: Duration, remaining: Plan?)
}

/// Why an apply stopped. Every case but `stepsFailed` and `notConverged` changed nothing.
public enum ApplyFailure: Error, Sendable, CustomStringConvertible {
    case session(SessionError)
    /// The plan has errors (shown with it).
    case planErrors(Plan)
    /// The plan has actions that need a flag (`--allow-replace`, `--allow-data-loss`).
    case blocked(Plan)
    /// The health check found the cluster not ready for the plan.
    case unhealthy(PreflightReport)
    case lock(ApplyLockError)
    /// A saved plan whose resources changed in the cluster since it was made.
    case stale([String])
    /// A saved plan puts sensitive key values that the topology at hand does not give as planned.
    case valuesNotAtHand([String])
    /// Some calls failed; those before them (and the rest of their phase) were carried out.
    case stepsFailed([StepResult])
    /// After applying, planning again still found changes: the cluster does not match the file.
    case notConverged(Plan)
    /// The run was stopped from outside (its task cancelled) while carrying out the plan.
    case interrupted(any Error)

    public var description: String {
        switch self {
        case .session(let error):
            return "\(error)"
        case .planErrors:
            return "the plan has errors (see above); nothing was changed"
        case .blocked:
            return "the plan has blocked actions (see above); nothing was changed"
        case .unhealthy(let report):
            return "the cluster is not ready for this plan; nothing was changed:\n" + report.problems.map { "  - \($0)" }.joined(separator: "\n")
        case .lock(let error):
            return "\(error)"
        case .stale(let reasons):
            return "the saved plan is stale — the cluster changed since it was made:\n" + reasons.map { "  - \($0)" }.joined(separator: "\n")
                + "\nNothing was changed. Run `jetform plan -out FILE` again, review it, and apply the new plan."
        case .valuesNotAtHand(let reasons):
            return "the saved plan cannot be applied as made:\n" + reasons.map { "  - \($0)" }.joined(separator: "\n")
                + "\nNothing was changed. Run `jetform plan -out FILE` again, review it, and apply the new plan."
        case .stepsFailed(let results):
            return "\(ApplyError.stepsFailed(results))\nRun `jetform apply` again: it plans from what is there now and finishes the rest."
        case .notConverged:
            return "the cluster still differs from the topology after applying (see the plan above)"
        case .interrupted(let error):
            return "the apply was interrupted (\(error)); run `jetform apply` again: it plans from what is there now"
        }
    }
}

/// The apply workflow, for a topology file and for a saved plan: plan → health check → lock → plan again
/// (what is shown is what runs) → confirm → carry out → plan again, which must be empty.
///
/// `confirm` sees the plan about to run and says whether to go ahead (the CLI asks on a terminal or
/// takes `--yes`; `export --adopt` accepts only plans that add the ownership marker). `events` reports
/// progress; the service prints nothing.
public struct ApplyService: Sendable {
    public let session: ReconcileSession
    public var options: ApplyOptions

    public init(session: ReconcileSession, options: ApplyOptions = ApplyOptions()) {
        self.session = session
        self.options = options
    }

    public typealias Confirm = @Sendable (Plan) async -> Bool
    public typealias Events = @Sendable (ApplyEvent) -> Void

    /// Makes the cluster match `topology`.
    public func run(_ topology: TopologySpec, confirm: @escaping Confirm, events: @escaping Events = { _ in }) async throws(ApplyFailure) -> ApplyOutcome {
        // A first plan, without the lock: nothing to do needs no lock, and the health check runs before
        // anything is changed (creating the lock stream included).
        let preliminary = try await plan(topology)
        if preliminary.hasErrors || preliminary.isEmpty || !preliminary.isApplicable {
            events(.planned(preliminary))
            if preliminary.hasErrors { throw .planErrors(preliminary) }
            if preliminary.isEmpty { return .noChanges(preliminary) }
            throw .blocked(preliminary)  // needs a flag: no health check, no lock, nothing changed
        }
        try await checkHealth(preliminary, events: events)
        return try await locked(topology.name, events: events) { () async throws(ApplyFailure) -> ApplyOutcome in
            let plan = try await self.plan(topology)
            events(.planned(plan))
            if plan.hasErrors { throw .planErrors(plan) }
            if plan.isEmpty { return .noChanges(plan) }
            guard plan.isApplicable else { throw .blocked(plan) }
            guard await confirm(plan) else { return .declined(plan) }
            // The cluster changed between the two plans: what the health check saw is not what runs.
            if plan.actions != preliminary.actions { try await self.checkHealth(plan, events: events) }
            let (results, duration) = try await self.execute(plan, events: events)
            let after = try await self.plan(topology)
            guard after.isEmpty else { throw .notConverged(after) }
            return .applied(plan, results: results, duration: duration, remaining: nil)
        }
    }

    /// Carries out exactly `saved` (never re-planned) unless anything it touches changed since; `topology`
    /// (when at hand) is planned afterwards to tell what still differs from the file.
    public func run(saved: SavedPlan, topology: TopologySpec?, confirm: @escaping Confirm,
                    events: @escaping Events = { _ in }) async throws(ApplyFailure) -> ApplyOutcome {
        let (plan, missing) = saved.restoringValues(from: topology)
        guard missing.isEmpty else { throw .valuesNotAtHand(missing) }
        if let mismatch = ClusterGuard.check(savedFor: saved.cluster, environment: saved.environment, info: session.client.serverInfo) {
            throw .session(.wrongCluster(mismatch))
        }
        if !plan.isEmpty && !plan.hasErrors { try await checkHealth(plan, events: events) }
        return try await locked(plan.topology, events: events) { () async throws(ApplyFailure) -> ApplyOutcome in
            let observed: ObservedState
            do throws(SessionError) { observed = try await self.session.observe(expecting: topology, keys: plan.touchedResources) } catch { throw .session(error) }
            let reasons = saved.staleness(comparedTo: observed, capabilities: self.session.capabilities)
            guard reasons.isEmpty else { throw .stale(reasons) }
            events(.planned(plan))
            if plan.hasErrors { throw .planErrors(plan) }
            if plan.isEmpty { return .noChanges(plan) }
            guard plan.isApplicable else { throw .blocked(plan) }
            guard await confirm(plan) else { return .declined(plan) }
            let (results, duration) = try await self.execute(plan, events: events)
            var remaining: Plan?
            if let topology {
                let after = try await self.plan(topology, options: plan.options)
                if !after.isEmpty { remaining = after }
            }
            return .applied(plan, results: results, duration: duration, remaining: remaining)
        }
    }

    // MARK: steps

    private func plan(_ topology: TopologySpec, options: PlanOptions? = nil) async throws(ApplyFailure) -> Plan {
        do { return try await session.plan(topology, options: options ?? self.options.plan) } catch { throw .session(error) }
    }

    /// A failed check is asked again for a few seconds: a replica that is catching up (seen under load
    /// right after another apply was killed) is current again within a second or two; a server that is
    /// down stays down, and is reported as before.
    private func checkHealth(_ plan: Plan, events: Events) async throws(ApplyFailure) {
        var report = await session.preflight(plan)
        let deadline = ContinuousClock.now + Self.healthSettle
        while !report.passed && ContinuousClock.now < deadline {
            do { try await Task.sleep(for: .seconds(1)) } catch { break }
            report = await session.preflight(plan)
        }
        if !report.notes.isEmpty { events(.healthNotes(report.notes)) }
        guard report.passed else { throw .unhealthy(report) }
    }

    /// How long a failing health check is asked again before apply gives up.
    static let healthSettle: Duration = .seconds(8)

    private func execute(_ plan: Plan, events: @escaping Events) async throws(ApplyFailure) -> ([StepResult], Duration) {
        let total = plan.phases.reduce(0) { $0 + $1.steps.count }
        let done = Atomic<Int>(0)
        let start = ContinuousClock.now
        do {
            let results = try await PlanExecutor(jetStream: session.jetStream, concurrency: options.parallelism).apply(plan) { result in
                events(.step(result, done: done.add(1, ordering: .relaxed).newValue, total: total))
            }
            session.trace("applied")
            return (results, start.duration(to: .now))
        } catch ApplyError.stepsFailed(let failed) {
            throw .stepsFailed(failed)
        } catch ApplyError.notApplicable {
            throw .blocked(plan)
        } catch {
            throw .interrupted(error)
        }
    }

    /// Runs `body` holding the apply lock of `topology`.
    private func locked(_ topology: String, events: @escaping Events,
                        _ body: @escaping @Sendable () async throws(ApplyFailure) -> ApplyOutcome) async throws(ApplyFailure) -> ApplyOutcome {
        let lock = ApplyLock(jetStream: session.jetStream, topology: topology, expiry: options.lockExpiry,
                             // Size unknown (another domain): ask for 3; the lock falls back to R1 where that does not fit.
                             replicas: session.capabilities.knowsClusterSize ? session.capabilities.clusterSize : 3,
                             command: options.command)
        let timeout = options.lockTimeout
        let trace = session.trace
        do {
            let outcome = try await lock.withLock(timeout: timeout, onWait: { holder in
                events(.waitingForLock(topology: topology, holder: holder, timeout: timeout))
            }, {
                trace("holding the apply lock")
                events(.lockHeld)
                return try await body()
            })
            trace("released the apply lock")
            events(.lockReleased)
            return outcome
        } catch let failure as ApplyFailure {
            throw failure
        } catch let error as ApplyLockError {
            throw .lock(error)
        } catch {
            // withLock throws only what the body or the lock throws; a cancelled wait ends as `held`.
            throw .lock(.lost(topology: topology, detail: "\(error)"))
        }
    }
}
