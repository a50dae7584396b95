import LunaDomain
import LunaModel
import LunaReplication

/// One controller in the simulation: the pure core, a durable log and snapshot, and views
/// kept in the one order with rollback, the way lunad keeps them. A crash loses everything
/// but the log and the snapshot: whatever was received or written but not yet made durable.
struct SimController {
    let name: String
    let members: [String]
    var core: ReplicationCore
    /// What is on disk: local events (durable before acknowledged) and received ones once flushed.
    var log: [Event]
    /// Received and held by the core, not yet durable.
    var unflushed: [Event] = []
    /// Written here and applied, waiting for the group commit: acknowledged (and handed to
    /// the core) only once durable, as lunad does.
    var unreleased: [Event] = []
    /// What compaction folded (or a peer's snapshot brought): durable, like the log.
    var snapshot = Snapshot()
    var order = ApplyOrder()
    /// The views: stable events applied, then the tentative ones.
    var state = ClusterState()
    var stableState = ClusterState()
    /// Every event id this controller ever declared stable, by its place in the stable
    /// order, across restarts (places a snapshot brought are not known here).
    var stableHistory: [Int: EventID] = [:]
    /// How many events became stable since the last restart.
    private var settledSinceStart = 0
    var up = true
    /// The core's ceiling as last made durable.
    var ceiling = HybridTime(millis: 0)
    var violations: [String] = []
    /// How often the views rolled back to the stable state, and how often this controller restarted.
    var rollbacks = 0
    var restarts = 0
    var compactions = 0
    var snapshotsInstalled = 0
    var wipes = 0
    /// Drawn when the data directory was created; a wipe draws a new one.
    var incarnation: Int64 = 0
    /// Set by a wipe: like lunad, a controller that lost its data writes nothing until it
    /// has caught up with every peer.
    var waitsForSync = false

    init(name: String, members: [String], log: [Event]) {
        self.name = name
        self.members = members
        self.log = log
        core = ReplicationCore(me: name, members: members, incarnation: incarnation, log: log, pullInterval: 200)
        rebuild()
    }

    /// What a restart does: the core and the views rebuilt from what is durable.
    mutating func restart() {
        core = ReplicationCore(
            me: name, members: members, incarnation: incarnation, folded: snapshot.heads, log: log, ceiling: ceiling,
            pullInterval: 200)
        unflushed = []
        unreleased = []
        rebuild()
        up = true
        restarts += 1
    }

    /// The data directory is lost (a dead disk): the controller starts empty, with no
    /// ceiling, and what it declared stable before is forgotten with it.
    mutating func wipe(incarnation: Int64) {
        self.incarnation = incarnation
        log = []
        snapshot = Snapshot()
        ceiling = HybridTime(millis: 0)
        stableHistory = [:]
        restart()
        waitsForSync = true
        wipes += 1
    }

    /// The views from the snapshot and the events after it, as a start-up builds them.
    private mutating func rebuild() {
        settledSinceStart = snapshot.heads.values.reduce(0) { $0 + Int($1.seq) }
        order = ApplyOrder()
        order.restore([], after: snapshot.last)
        if let last = snapshot.last { core.settledTime = max(core.settledTime, last.time) }
        state = try! ClusterState(snapshot: snapshot)
        stableState = state
        apply(log + unreleased)
        settle()
    }

    /// Writes an intent here, as the API would: checked against the views, applied, and
    /// left for the next flush to make durable. Nil when the views refuse it.
    mutating func write(_ intent: String, _ object: String, _ body: Row, now: Int64) -> Event? {
        if waitsForSync {
            guard core.inSync else { return nil }
            waitsForSync = false
        }
        let handler = IntentRegistry.current.handlers[intent]!
        guard let payload = try? handler.prepare(object, body, PrepareContext(sealer: PlainSealer())) else { return nil }
        let time = core.nextTime(physicalMillis: now)
        let event = Event(
            origin: name, seq: core.clock[name] + UInt64(unreleased.count) + 1, clock: core.clock, time: time,
            intent: intent, intentVersion: handler.version, object: object, payload: payload, actor: "sim",
            requestID: "r", previousHash: "")
        var trial = state
        guard case .applied(let outcome) = IntentRegistry.current.apply(event, to: &trial), !isRejection(outcome) else {
            core.withdraw(time)
            return nil
        }
        unreleased.append(event)
        apply([event])
        return event
    }

    mutating func receive(_ message: PeerMessage, now: Int64) -> [Outgoing] {
        let output = core.receive(message, physicalMillis: now)
        unflushed += output.received
        var send = durable(output)
        if let peer = output.snapshotFor { send += durable(core.send(.snapshot(snapshot), to: peer)) }
        if let snapshot = output.snapshot { install(snapshot) }
        return send
    }

    /// Folds every settled event into the snapshot, as lunad's compaction does with age 0:
    /// settled events are a prefix per origin, and the stable views are their state.
    mutating func compact() {
        let firstTentative = order.tentative.first?.place
        var heads = snapshot.heads
        for event in log where firstTentative.map({ event.place < $0 }) ?? true {
            heads[event.origin] = ChainHead(seq: event.seq, checksum: event.checksum)
        }
        guard heads != snapshot.heads else { return }
        snapshot = stableState.snapshot(heads: heads, last: order.lastStable)
        core.fold(upTo: heads)
        log.removeAll { $0.seq <= heads[$0.origin]?.seq ?? 0 }
        compactions += 1
    }

    /// A peer's snapshot, taken when it brings events this controller lacks.
    private mutating func install(_ received: Snapshot) {
        guard core.isNewer(received), core.refusal(of: received) == nil else { return }
        snapshot = received
        let released = core.install(received)
        let folded = { (event: Event) in event.seq <= received.heads[event.origin]?.seq ?? 0 }
        log.removeAll(where: folded)
        unflushed.removeAll(where: folded)
        unflushed += released
        rebuild()
        snapshotsInstalled += 1
    }

    mutating func tick(now: Int64) -> [Outgoing] {
        durable(core.tick(physicalMillis: now))
    }

    /// Makes a raised ceiling durable before the messages go out, as the contract says.
    private mutating func durable(_ output: ReplicationCore.Output) -> [Outgoing] {
        if let raised = output.ceiling { ceiling = raised }
        return output.send
    }

    /// Makes received and local events durable; applies the received ones, and hands the
    /// local ones to the core, which pushes them. Returns the local events now acknowledged.
    mutating func flush(now: Int64) -> (acknowledged: [Event], send: [Outgoing]) {
        let events = unflushed
        unflushed = []
        log += events
        apply(events)
        var send: [Outgoing] = []
        for event in unreleased {
            log.append(event)
            send += durable(core.appendLocal(event, physicalMillis: now))
        }
        defer { unreleased = [] }
        return (unreleased, send)
    }

    mutating func apply(_ events: [Event]) {
        do {
            switch try order.add(events) {
            case .append(let events):
                for event in events { _ = IntentRegistry.current.apply(event, to: &state) }
            case .reapply(let events):
                rollbacks += 1
                state = stableState
                for event in events { _ = IntentRegistry.current.apply(event, to: &state) }
            }
        } catch {
            violations.append("\(name): \(error)")
        }
    }

    /// Applies newly stable events to the stable state, and checks that after a restart
    /// the stable order comes back the same as before it.
    mutating func settle() {
        // Only what is durable and applied can settle: a received event still waiting to be
        // made durable may sort before the tentative ones.
        guard unflushed.isEmpty else { return }
        let core = self.core
        for event in order.settle({ core.isStable($0) }) {
            _ = IntentRegistry.current.apply(event, to: &stableState)
            self.core.settledTime = max(self.core.settledTime, event.time)
            if let recorded = stableHistory[settledSinceStart] {
                if recorded != event.id {
                    violations.append("\(name): stable event \(settledSinceStart) was \(recorded), now \(event.id)")
                }
            } else {
                stableHistory[settledSinceStart] = event.id
            }
            settledSinceStart += 1
        }
    }

    private func isRejection(_ outcome: Outcome) -> Bool {
        if case .rejected = outcome { return true }
        return false
    }
}

/// No secrets are written in the simulation; sealing is the identity.
struct PlainSealer: SecretSealer {
    func seal(_ clear: String) -> String { clear }
    func open(_ sealed: String) -> String? { sealed }
}
