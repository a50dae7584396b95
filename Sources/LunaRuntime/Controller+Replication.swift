import Foundation
import LunaDomain
import LunaLog
import LunaModel
import LunaReplication
import LunaStore

/// The controller's side of replication: peers' events in, messages out, the views kept
/// in the one order (rolling back the tentative part when a late event sorts before it).
extension Controller {
    /// A message from a peer. Received events are logged and applied at once; a damaged
    /// one (its checksum does not match its contents) never reaches the core or the log.
    /// Answers the sentence a refused sender reads, or nil when the message was taken.
    @discardableResult
    public func receive(_ message: PeerMessage) -> String? {
        if let refusal = refusal(of: message) { return refusal }
        lastHeard[message.from] = physicalMillis()
        noteFences(message)
        var message = message
        if case .events(let events) = message.body {
            let intact = events.filter { EventCodec.checksum(of: $0) == $0.checksum }
            if intact.count < events.count {
                logger.error("refused \(events.count - intact.count) damaged events from \(message.from)")
            }
            message.body = .events(intact)
        }
        let output = core.receive(message, physicalMillis: physicalMillis())
        reportForks()
        // Replies first: while this controller logs and applies a batch, the peer already
        // prepares the next one (the core holds the events, as its clock says).
        emit(output)
        if !output.received.isEmpty { take(output.received) }
        for step in output.repair { handleRepair(step) }
        if let peer = output.snapshotFor { sendSnapshot(to: peer) }
        if let snapshot = output.snapshot { install(snapshot, from: message.from) }
        settle()
        return nil
    }

    /// A fork is never applied nor logged; only an operator can say which history stays.
    private func reportForks() {
        for fork in core.forks.dropFirst(forksReported) {
            let incident =
                "\(name): fork: \(fork.from ?? "a peer") sent an event \(fork.event) that differs from this controller's "
                + "history of \(fork.event.origin); it was refused. Wipe the data directory of the controller whose history "
                + "is wrong and start it again: it rejoins from its peers"
            logger.error("\(incident)")
            incidents.append(incident)
        }
        forksReported = core.forks.count
    }

    /// Time passes: pulls from peers when it is time to, with this controller's Merkle
    /// roots (recomputed only when the views changed since the last pull).
    public func tick() {
        let now = physicalMillis()
        if rootsStale, !core.peers.isEmpty, core.pullDue(physicalMillis: now) {
            // Roots go out with the core's clock, so only when the views hold exactly that;
            // until then (a local write not yet durable, a catch-up) none go, and they are
            // taken at a later pull.
            if appliedClock == core.clock {
                core.roots = currentRoots()
                rootsClock = appliedClock
            } else {
                core.roots = [:]
            }
        }
        checkDrift()
        emit(core.tick(physicalMillis: now))
        settle()
    }

    private var rootsStale: Bool { rootsClock != appliedClock }

    /// An operator's word that this controller may take writes before it has caught up.
    public func overrule() {
        core.overruled = true
    }

    /// luna2's `/ha/state`, as far as it applies here, and this controller's roles.
    public var replicationState: (inSync: Bool, overruled: Bool, members: [String], master: String?, shadow: Bool) {
        (core.inSync, core.overruled, core.members, master, ControllerRoles.isShadow(name, in: state))
    }

    /// The master: the controller the views mark so, else the first full one by name.
    var master: String? {
        ControllerRoles.master(in: state) ?? core.members.first
    }

    /// The members the core replicates with: the controllers in the views and the
    /// configured peers, less those taken out of the cluster.
    func refreshMembers() {
        removals = Removal.all(in: state)
        core.removedThrough = removals.compactMapValues(\.through)
        let members = Self.members(state.keys(.controller) + initialPeers, removals: removals)
        if Set(members + [name]) != Set(core.members) { core.setMembers(members) }
    }

    static func members(_ names: [String], removals: [String: Removal]) -> [String] {
        names.filter { removals[$0]?.through == nil }
    }

    /// Logs and applies peers' events. They are not acknowledged to anyone, so they are
    /// applied before they are durable, like local writes; a crash before the fsync loses
    /// them here and they are pulled again.
    private func take(_ received: [Event]) {
        var events: [Event] = []
        // Checksums were verified as the message came in; the chain is checked again here.
        for event in received where log.continues(event) {
            _ = log.append(event)
            events.append(event)
        }
        if events.count < received.count {
            logger.error(
                "ignored \(received.count - events.count) received events that are damaged or do not extend this controller's log"
            )
        }
        // Behind an event this build cannot apply, events are kept but not applied.
        guard failure == nil else { return }
        do {
            switch try order.add(events) {
            case .append(let events):
                for event in events { apply(event) }
                RuntimeMetrics.applied.increment(by: events.count)
            case .reapply(let events):
                rollBack(toApplyAgain: events)
                RuntimeMetrics.reapplied.increment(by: events.count)
            }
            try writeViewsAndOutcomes()
        } catch {
            failStorage("the views could not be written (\(error)); received events are no longer applied")
        }
    }

    /// Writes the views, with the outcome of every event applied since the last write:
    /// rejections are results, recorded with the event, the same on every controller.
    func writeViewsAndOutcomes() throws {
        refreshMembers()
        let now = physicalMillis()
        for (id, rejection) in outcomes { requests.outcome(of: id, rejection: rejection, at: now) }
        let rejections = outcomes.compactMap { id, message in message.map { (id, $0) } }
        let accepted = outcomes.compactMap { id, message in message == nil ? id : nil }
        outcomes = [:]
        try store.write(&state, clock: appliedClock, rejections: rejections, accepted: accepted)
    }

    private func apply(_ event: Event) {
        guard failure == nil else { return }
        switch registry.apply(event, to: &state, tentative: true) {
        case .upgradeNeeded(let reason):
            failure = LunaError(.unavailable, "Service unavailable: \(reason)")
            return
        case .applied(.rejected(let error)):
            outcomes[event.id] = error.message
        case .applied:
            outcomes[event.id] = .some(nil)
        }
        appliedClock.advance(event.origin, to: event.seq)
    }

    /// Back to the stable state, then every tentative event again in the new order. After
    /// a restart the undo records of events applied before it are gone: then the state is
    /// rebuilt from the snapshot and every event held instead.
    private func rollBack(toApplyAgain events: [Event]) {
        guard unjournaled == 0 else {
            logger.notice("a late event sorts before events applied before the last restart: rebuilding the state")
            do {
                try rebuildFromHeldEvents(tentative: Set(events.map(\.id)))
            } catch {
                failure = LunaError(.unavailable, "Service unavailable: the state cannot be rebuilt: \(error)")
            }
            return
        }
        state.undoTentative()
        for event in events { apply(event) }
    }

    /// The state from the snapshot (`given`, else the one on disk) and every event held
    /// after it, in order; the `tentative` ones keep undo records.
    func rebuildFromHeldEvents(tentative: Set<EventID>, snapshot given: Snapshot? = nil) throws {
        let snapshot = try given ?? SnapshotFile.read(path: directory.snapshot)
        var rebuilt = try ClusterState(snapshot: snapshot)
        appliedClock = snapshot.clock
        let after = (core.heldEvents + unreleased).filter { $0.seq > snapshot.heads[$0.origin]?.seq ?? 0 }
        unrecorded = after.count - after.filter { tentative.contains($0.id) }.count
        rebuilds += 1
        for event in after.sorted(by: Event.appliesBefore) {
            let result = registry.apply(event, to: &rebuilt, tentative: tentative.contains(event.id))
            if case .applied(.rejected(let error)) = result {
                outcomes[event.id] = error.message
            } else {
                outcomes[event.id] = .some(nil)
            }
            appliedClock.advance(event.origin, to: event.seq)
        }
        state.replace(with: rebuilt)
        unjournaled = 0
    }

    /// Events whose place is final leave the tentative list and drop their undo records.
    func settle() {
        // The stable time leans on the ceiling being durable.
        guard !ceilingUnsaved else { return }
        let core = self.core
        let settled = order.settle { core.isStable($0) }
        if let last = settled.last { self.core.settledTime = max(self.core.settledTime, last.time) }
        let withoutRecord = min(settled.count, unjournaled)
        unjournaled -= withoutRecord
        state.settleTentative(settled.count - withoutRecord)
        let now = physicalMillis()
        for event in settled where event.origin == name { requests.settled(event.id, at: now) }
    }

    func emit(_ output: ReplicationCore.Output) {
        if let ceiling = output.ceiling {
            do {
                try HybridCeiling.write(ceiling, directory)
            } catch {
                failStorage("the hybrid clock ceiling cannot be saved: \(error)")
                ceilingUnsaved = true
            }
        }
        guard !ceilingUnsaved else { return }
        let removing = fenced.sorted(), refusing = refusedPeers.sorted()
        for var outgoing in output.send {
            outgoing.message.removing = removing
            outgoing.message.refusing = refusing
            outbox.yield(outgoing)
        }
    }
}
