import LunaDomain
import LunaLog
import LunaModel
import LunaReplication

/// Compaction and snapshots: stable events older than an age fold into the snapshot and
/// leave the log; a peer that lacks folded events gets the snapshot and installs it.
extension Controller {
    /// Folds every settled event older than `age` milliseconds into the snapshot and
    /// rewrites the log without them. Returns how many events were folded. The snapshot is
    /// the live state with the events after the fold taken back (their undo records) on a
    /// copy, so no second state is built; it is written off the actor while writes go on.
    @discardableResult
    public func compact(olderThan age: Int64) async throws -> Int {
        guard failure == nil, !compacting else { return 0 }
        let cutoff = physicalMillis() - age
        // Settled events sort before every tentative one; per origin they are a prefix.
        let firstTentative = order.tentative.first?.place
        let folding = core.heldEvents.filter { event in
            event.time.millis < cutoff && firstTentative.map { event.place < $0 } ?? true && core.isStable(event)
        }
        // Events without an undo record cannot be taken back: they fold first, once old enough.
        guard !folding.isEmpty, folding.count >= unrecorded else { return 0 }
        compacting = true
        defer { compacting = false }
        var heads = core.folded
        for event in folding { heads[event.origin] = ChainHead(seq: event.seq, checksum: event.checksum) }
        let last = folding.max(by: Event.appliesBefore)?.place
        let recordedFolded = folding.count - unrecorded
        let snapshot = state.before(newest: state.journaledCount - recordedFolded).snapshot(heads: heads, last: last)
        let (path, rebuildsBefore) = (directory.snapshot, rebuilds)
        try await Task.detached { try SnapshotFile.write(snapshot, path: path) }.value
        if rebuilds == rebuildsBefore {
            state.foldSettled(recordedFolded)
            unrecorded = 0
        } else {
            unrecorded = max(0, unrecorded - folding.count)
        }
        core.fold(upTo: heads)
        try log.rewrite(keeping: core.heldEvents + unreleased, after: heads)
        logger.info("folded \(folding.count) events into the snapshot; the log keeps \(core.heldCount + unreleased.count)")
        return folding.count
    }

    /// A peer lacks events folded here: it gets the snapshot, and pulls the rest after.
    func sendSnapshot(to peer: String) {
        do {
            let snapshot = try SnapshotFile.read(path: directory.snapshot)
            logger.notice("\(peer) lacks events folded into the snapshot: sending it the snapshot at \(snapshot.clock.entries)")
            emit(core.send(.snapshot(snapshot), to: peer))
        } catch {
            logger.error("cannot send the snapshot to \(peer): \(error)")
        }
    }

    /// A peer's snapshot: installed when it holds events this controller lacks (it was away
    /// while they were folded, or starts empty). The snapshot replaces this controller's
    /// own, the log keeps what follows it, the state is rebuilt, and the rest is pulled.
    func install(_ snapshot: Snapshot, from peer: String) {
        guard core.isNewer(snapshot), !compacting, failure == nil else { return }
        switch core.refusal(of: snapshot) {
        case .behind(let origin):
            logger.notice("ignored \(peer)'s snapshot: it holds less of \(origin) than this controller folded already")
            return
        case .fork(let reason):
            let incident = "\(name): refused \(peer)'s snapshot: \(reason), a different history (a fork)"
            logger.error("\(incident)")
            incidents.append(incident)
            return
        case nil:
            break
        }
        do {
            // Read once before anything changes: a table this build does not know stops here.
            _ = try ClusterState(snapshot: snapshot)
            try SnapshotFile.write(snapshot, path: directory.snapshot)
        } catch {
            logger.error("cannot install \(peer)'s snapshot: \(error)")
            return
        }
        _ = core.install(snapshot)
        let kept = core.heldEvents + unreleased
        do {
            try log.rewrite(keeping: kept, after: snapshot.heads)
            order = ApplyOrder()
            order.restore(kept, after: snapshot.last)
            try rebuildFromHeldEvents(tentative: Set(kept.map(\.id)), snapshot: snapshot)
            try writeViewsAndOutcomes()
        } catch {
            failure = LunaError(.unavailable, "Service unavailable: \(peer)'s snapshot could not be installed: \(error)")
            logger.error("\(error)")
            return
        }
        logger.notice("installed \(peer)'s snapshot at \(snapshot.clock.entries); pulling the events after it")
        emit(core.send(.pull, to: peer))
    }
}
