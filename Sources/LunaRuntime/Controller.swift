import Foundation
import Logging
import LunaDomain
import LunaLog
import LunaModel
import LunaReplication
import LunaStore

/// One running controller: its log, its views, the state they hold, and its part in
/// replication. Every local write goes through `submit`: checked, applied, logged, and
/// acknowledged once on disk; every peer's events come in through `receive`.
public actor Controller {
    public nonisolated let name: String
    public nonisolated let key: ClusterKey
    public nonisolated let directory: DataDirectory
    let log: EventLog
    let store: ViewStore
    nonisolated let logger: Logger
    var state: ClusterState
    var core: ReplicationCore
    var order = ApplyOrder()
    /// How many of the oldest tentative events were applied before the last start, and so
    /// have no undo record: a rollback past them rebuilds the state instead.
    var unjournaled = 0
    /// How many of the oldest events after the snapshot have no undo record at all (applied
    /// before the last start, or settled when the state was last rebuilt): compaction takes
    /// the snapshot from the live state only once it folds every one of them.
    var unrecorded = 0
    /// Raised by every rebuild of the state, which drops the undo records of settled events.
    var rebuilds = 0
    /// Local events written but not yet durable, so not yet handed to the core.
    var unreleased: [Event] = []
    /// The intents this build knows, at their versions.
    let registry: IntentRegistry
    let physicalMillis: @Sendable () -> Int64
    let initialPeers: [String]
    var failure: LunaError?
    /// Set when a raised hybrid ceiling could not be made durable: from then on no message
    /// goes out, for its time could pass what a restart starts above.
    var ceilingUnsaved = false
    /// Set when the data directory refused a write (a full disk, an fsync that failed).
    public internal(set) var storageFailed = false
    /// Outcomes of the events applied since the views were last written: a message for a
    /// rejection, nil for an event applied (which clears an earlier rejection).
    var outcomes: [EventID: String?] = [:]
    /// What became of each local write, for the client that made it.
    var requests = RequestStreams()
    /// Drift found and repaired (or not), for `luna cluster status`.
    var incidents: [String] = []
    /// How many of the core's forks are already among the incidents.
    var forksReported = 0
    /// The clocks at which a drift was repaired by a rebuild, and reported as lasting.
    var repairedAt: VectorClock?
    var reportedDrift: VectorClock?
    /// True while a compaction runs: no second one starts, and no peer's snapshot is installed.
    var compacting = false
    /// Tables being walked down to their differing rows, and the peer they are taken from.
    var walks: [String: String] = [:]
    /// The Merkle tree of each table, brought up to date from the rows touched since.
    var trees: [Table: MerkleTree] = [:]
    /// The clock the Merkle roots handed to the core were taken at.
    var rootsClock: VectorClock?
    /// When each peer's last message arrived (this controller's clock, ms).
    var lastHeard: [String: Int64] = [:]
    /// Peers being removed by a request here: their messages are refused meanwhile.
    var fenced: Set<String> = []
    /// Peers another member is removing: who asked, and until when (ms) their messages are refused here.
    var fencedFor: [String: (by: String, until: Int64)] = [:]
    /// What each peer's last message said it refused: a remover counts its clock only then.
    var peerRefusing: [String: Set<String>] = [:]
    /// Peers that refused this controller as taken out of the cluster.
    var refusedBy: Set<String> = []
    /// True while this controller leaves the cluster: it takes no more writes.
    var leaving = false
    /// Controllers taken out of the cluster, as the views say.
    var removals: [String: Removal] = [:]
    /// What the views hold, per origin.
    public internal(set) var appliedClock: VectorClock
    let outbox: AsyncStream<Outgoing>.Continuation
    /// Messages for peers, in the order they were produced; a transport sends them.
    public nonisolated let outgoing: AsyncStream<Outgoing>

    public static let wallClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Opens the data directory: verifies the log (cutting a torn tail), and loads the
    /// views, rebuilding them from the log when they do not match it.
    /// `peers` are controllers to replicate with before the views name them (a new
    /// controller joining knows at least one); `pullInterval` is in milliseconds.
    public init(
        directory: DataDirectory, name: String, fsync: Bool = true, logger: Logger = Logger(label: "luna"),
        peers: [String] = [], pullInterval: Int64 = 1000, registry: IntentRegistry = .current,
        physicalMillis: @escaping @Sendable () -> Int64 = Controller.wallClock
    ) throws {
        self.registry = registry
        self.initialPeers = peers
        self.name = name
        self.directory = directory
        self.physicalMillis = physicalMillis
        self.logger = logger
        (outgoing, outbox) = AsyncStream.makeStream(of: Outgoing.self)
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        key = try ClusterKey.loadOrCreate(path: directory.clusterKey)
        let snapshot = try SnapshotFile.read(path: directory.snapshot)
        let opened = try EventLog.open(path: directory.log, fsync: fsync, folded: snapshot.heads)
        if opened.truncatedBytes > 0 {
            logger.warning(
                "cut a torn tail of \(opened.truncatedBytes) bytes off \(directory.log): a write that was never acknowledged")
        }
        log = opened.log
        let logClock = VectorClock(opened.log.heads.mapValues(\.seq))
        var store = try ViewStore(path: directory.views)
        var loaded = try store.load()
        if loaded.clock != logClock {
            logger.notice("views hold \(loaded.clock.entries), the log \(logClock.entries): rebuilding the views from the log")
            try directory.removeViews()
            store = try ViewStore(path: directory.views)
            let result = try Replayer.rebuild(opened.events, after: snapshot, into: store, registry: registry)
            if let reason = result.stoppedAt {
                // Nothing behind an event this build cannot apply is applied, and no write is
                // taken on a state that is missing it.
                logger.error("\(reason)")
                failure = LunaError(.unavailable, "Service unavailable: \(reason)")
            }
            loaded = (result.state, result.clock)
        }
        self.store = store
        state = loaded.state
        // Its Merkle trees are updated from the rows touched; until they exist, all are new.
        state.tracksTouched = true
        appliedClock = loaded.clock
        removals = Removal.all(in: loaded.state)
        core = ReplicationCore(
            me: name, members: Self.members(loaded.state.keys(.controller) + peers + [name], removals: removals),
            incarnation: try Incarnation.loadOrCreate(directory), folded: snapshot.heads,
            log: opened.events, ceiling: try HybridCeiling.read(directory), pullInterval: pullInterval,
            removedThrough: removals.compactMapValues(\.through))
        order.restore(opened.events, after: snapshot.last)
        if let last = snapshot.last { core.settledTime = last.time }
        unjournaled = opened.events.count
        unrecorded = opened.events.count
    }

    /// True when the cluster has never been seeded (nothing in the log).
    public var isEmpty: Bool { log.heads.isEmpty }

    /// Checks, applies and logs one intent; returns once its event is durable. Only the
    /// seeding of a new cluster writes without being in sync (`requireSync: false`).
    public func submit(
        _ intent: String, object: String, body: Row, actor: String, requestID: String, requireSync: Bool = true
    ) async throws(LunaError) -> Outcome {
        if let failure { throw failure }
        guard removals[name]?.through == nil else {
            throw LunaError(.unavailable, "Service unavailable: " + Removal.refusal(name))
        }
        guard !leaving || (intent == MembershipIntents.removeIntent && object == name) else {
            throw LunaError(
                .unavailable, "Service unavailable: controller \(name) is leaving the cluster and takes no more writes")
        }
        guard !ControllerRoles.isShadow(name, in: state) else {
            let full = state.keys(.controller).filter { !ControllerRoles.isShadow($0, in: state) }
            throw LunaError(
                .unavailable,
                "Service unavailable: controller \(name) is a shadow, a read-only replica that takes no writes: "
                    + "write on \(full.joined(separator: " or "))")
        }
        guard core.inSync || !requireSync else {
            throw LunaError(
                .unavailable,
                "Service unavailable: controller \(name) is not in sync yet: still catching up with "
                    + "\(core.behind.joined(separator: ", ")); GET /ha/overrule/_set takes writes anyway")
        }
        guard let handler = registry.handlers[intent] else {
            throw LunaError.invalid("Invalid request: unknown intent \(intent)")
        }
        let payload = try handler.prepare(object, body, PrepareContext(sealer: key))
        let draft = Event(
            origin: name, seq: 0, clock: appliedClock, time: core.nextTime(physicalMillis: physicalMillis()),
            intent: intent, intentVersion: handler.version, object: object, payload: payload, actor: actor,
            requestID: requestID, previousHash: "")
        let event = log.seal(draft)
        guard case .applied(let outcome) = registry.apply(event, to: &state, tentative: true) else {
            core.withdraw(draft.time)
            throw LunaError(.unavailable, "intent \(intent) cannot be applied by this build")
        }
        if case .rejected(let error) = outcome {
            core.withdraw(draft.time)
            state.discardNewestTentative()
            _ = state.takeDirty()
            throw error
        }
        let position = log.append(event)
        RuntimeMetrics.applied.increment()
        unreleased.append(event)
        requests.written(event, at: physicalMillis())
        appliedClock.advance(name, to: event.seq)
        do {
            _ = try order.add([event])
            refreshMembers()
            try store.write(&state, clock: appliedClock)
        } catch {
            return try fail("the views could not be written (\(error)); restart lunad to rebuild them from the log")
        }
        do {
            try await position.durable()
        } catch {
            return try fail("\(error)")
        }
        release(upTo: event.seq)
        return outcome
    }

    /// Hands durable local events to the core, in seq order, which pushes them to peers.
    /// Durability is in log order, so every event before a durable one is durable too.
    private func release(upTo seq: UInt64) {
        while let next = unreleased.first, next.seq <= seq {
            unreleased.removeFirst()
            emit(core.appendLocal(next, physicalMillis: physicalMillis()))
        }
        settle()
    }

    /// After a failed write nothing more is acknowledged: the state in memory may be
    /// ahead of the disk, and a restart rebuilds it from the log.
    func fail(_ reason: String) throws(LunaError) -> Outcome {
        failStorage(reason)
        throw failure!
    }

    /// The data directory refused a write: from now on writes are refused with the reason,
    /// and lunad starts again from its log once the directory takes writes again.
    func failStorage(_ reason: String) {
        guard !storageFailed else { return }
        storageFailed = true
        failure = LunaError(.unavailable, "Service unavailable: \(reason)")
        logger.error("writes stopped: \(reason)")
        recordIncident("writes stopped: \(reason)")
    }

    /// The unread lines of a request's stream; nil once it ended or was never opened here.
    public func requestStatus(_ requestID: String) -> [RequestStreams.Line]? {
        requests.drain(requestID)
    }

    /// Runs a read against the current state.
    public func read<T: Sendable, E: Error>(_ body: @Sendable (ClusterState) throws(E) -> T) throws(E) -> T {
        try body(state)
    }

    public func merkleRoots() throws -> [LunaDomain.Table: String] {
        try store.merkleRoots().roots
    }

    public func close() {
        outbox.finish()
        log.close()
    }
}
