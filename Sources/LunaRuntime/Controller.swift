import Foundation
import Logging
import LunaDomain
import LunaLog
import LunaModel
import LunaStore

/// One running controller: its log, its views and the state they hold. Every write
/// goes through `submit`: checked, applied, logged, and acknowledged once on disk.
public actor Controller {
    public nonisolated let name: String
    public nonisolated let key: ClusterKey
    public nonisolated let directory: DataDirectory
    private let log: EventLog
    private let store: ViewStore
    private var state: ClusterState
    private var clock: VectorClock
    private var hybrid: HybridClock
    private let physicalMillis: @Sendable () -> Int64
    private var failure: LunaError?

    public static let wallClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Opens the data directory: verifies the log (cutting a torn tail), and loads the
    /// views, rebuilding them from the log when they do not match it.
    public init(
        directory: DataDirectory, name: String, fsync: Bool = true, logger: Logger = Logger(label: "luna"),
        physicalMillis: @escaping @Sendable () -> Int64 = Controller.wallClock
    ) throws {
        self.name = name
        self.directory = directory
        self.physicalMillis = physicalMillis
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        key = try ClusterKey.loadOrCreate(path: directory.clusterKey)
        let opened = try EventLog.open(path: directory.log, fsync: fsync)
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
            let result = try Replayer.rebuild(opened.events, into: store)
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
        clock = loaded.clock
        var hybrid = HybridClock()
        for event in opened.events { hybrid.observe(event.time) }
        self.hybrid = hybrid
    }

    /// True when the cluster has never been seeded (nothing in the log).
    public var isEmpty: Bool { log.heads.isEmpty }

    public var appliedClock: VectorClock { clock }

    /// Checks, applies and logs one intent; returns once its event is durable.
    public func submit(_ intent: String, object: String, body: Row, actor: String, requestID: String) async throws(LunaError)
        -> Outcome
    {
        if let failure { throw failure }
        guard let handler = IntentRegistry.handlers[intent] else {
            throw LunaError.invalid("Invalid request: unknown intent \(intent)")
        }
        let payload = try handler.prepare(object, body, PrepareContext(sealer: key))
        let draft = Event(
            origin: name, seq: 0, clock: clock, time: hybrid.tick(physicalMillis: physicalMillis()), intent: intent,
            intentVersion: handler.version, object: object, payload: payload, actor: actor, requestID: requestID,
            previousHash: "")
        let event = log.seal(draft)
        guard case .applied(let outcome) = IntentRegistry.apply(event, to: &state) else {
            throw LunaError(.unavailable, "intent \(intent) cannot be applied by this build")
        }
        if case .rejected(let error) = outcome {
            _ = state.takeDirty()
            throw error
        }
        let position = log.append(event)
        clock.advance(name, to: event.seq)
        do {
            try store.write(&state, clock: clock)
        } catch {
            return try fail("the views could not be written (\(error)); restart lunad to rebuild them from the log")
        }
        do {
            try await position.durable()
        } catch {
            return try fail("\(error)")
        }
        return outcome
    }

    /// After a failed write nothing more is acknowledged: the state in memory may be
    /// ahead of the disk, and a restart rebuilds it from the log.
    private func fail(_ reason: String) throws(LunaError) -> Outcome {
        let error = LunaError(.unavailable, "Service unavailable: \(reason)")
        failure = error
        throw error
    }

    /// Runs a read against the current state.
    public func read<T: Sendable, E: Error>(_ body: @Sendable (ClusterState) throws(E) -> T) throws(E) -> T {
        try body(state)
    }

    public func merkleRoots() throws -> [LunaDomain.Table: String] {
        try store.merkleRoots().roots
    }

    public func close() {
        log.close()
    }
}
