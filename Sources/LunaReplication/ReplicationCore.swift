import LunaModel

/// The replication protocol of one controller as a pure state machine, in the shape of
/// etcd's raft package: inputs are local appends, received messages and ticks; outputs
/// are messages to send and events to persist and apply. No sockets, timers, threads or
/// clocks inside: the physical time comes in with every input.
public struct ReplicationCore: Sendable {
    public let me: String
    public private(set) var members: [String]
    /// Per origin, the highest seq held with no gap before it.
    public internal(set) var clock = VectorClock()
    public internal(set) var hybrid = HybridClock()
    /// Every event held above the snapshot, per origin, in seq order (index = seq - folded seq - 1).
    var held: [String: [Event]] = [:]
    /// Per origin, the last event folded into the snapshot: events up to it are held no more.
    public internal(set) var folded: [String: ChainHead] = [:]
    /// When a snapshot last went to each peer: one goes at most every `snapshotInterval` pulls.
    private var snapshotSent: [String: Int64] = [:]
    public static let snapshotInterval: Int64 = 10
    /// Controllers taken out of the cluster, with the last seq of theirs kept: a later
    /// event of theirs is never held, so the members that stay keep one history.
    public var removedThrough: [String: UInt64] = [:]
    /// Events that arrived ahead of a gap, per origin, until the gap fills.
    var early: [String: [UInt64: Event]] = [:]
    /// The last clock and time each peer reported, from its latest incarnation.
    var reports: [String: (clock: VectorClock, time: HybridTime)] = [:]
    /// Each peer's latest incarnation heard from.
    private var incarnations: [String: Int64] = [:]
    /// The latest time heard from each peer, in any incarnation: echoed back in `seen`.
    private var heard: [String: HybridTime] = [:]
    /// This controller's incarnation: drawn when its data directory was created.
    public let incarnation: Int64
    /// The time of the last event this controller declared stable (or folded), set by the
    /// controller: echoed in `seen`, so a peer that lost its data writes after it.
    public var settledTime = HybridTime(millis: 0)
    /// The Merkle roots each peer last reported, with the clock they were taken at.
    public private(set) var peerRoots: [String: (clock: VectorClock, roots: [String: String])] = [:]
    /// This controller's own roots at `clock`, set by the controller before it pulls.
    public var roots: [String: String] = [:]
    private var lastPull: Int64 = .min
    /// A time this controller's hybrid clock never reports past without first making a
    /// higher one durable. A restart starts the clock above it, so events written after
    /// a restart still sort after every time reported before it.
    public private(set) var ceiling: HybridTime
    /// How far ahead of the reported time a new ceiling is set: one durable write per margin.
    public static let ceilingMargin: Int64 = 10_000
    private var raisedCeiling: HybridTime?
    /// Times given to local events that are not yet durable, oldest first. Until such an
    /// event is appended, reports claim no time at or past it: a peer would otherwise
    /// settle events that it sorts before.
    private var pendingLocal: [HybridTime] = []
    public var pullInterval: Int64
    /// At most this many events in one message.
    public var batchLimit: Int

    /// What an input produced: messages to send, and held events new to this controller,
    /// in per-origin seq order, to make durable and apply. A `ceiling` must be made
    /// durable before the messages are sent.
    public struct Output: Sendable, Equatable {
        public var send: [Outgoing] = []
        public var received: [Event] = []
        public var ceiling: HybridTime?
        /// Messages of a Merkle walk, for the controller to answer from its views.
        public var repair: [PeerMessage] = []
        /// A peer that lacks events folded here: the controller sends it the snapshot.
        public var snapshotFor: String?
        /// A snapshot a peer sent, for the controller to install if it brings anything new.
        public var snapshot: Snapshot?
    }

    /// A core over the snapshot's heads, the events in this controller's log after them,
    /// and its last durable ceiling (after a restart).
    public init(
        me: String, members: [String], incarnation: Int64 = 0, folded: [String: ChainHead] = [:], log: [Event] = [],
        ceiling: HybridTime = HybridTime(millis: 0), pullInterval: Int64 = 1000, batchLimit: Int = 512,
        removedThrough: [String: UInt64] = [:]
    ) {
        self.me = me
        self.removedThrough = removedThrough
        self.incarnation = incarnation
        self.members = Array(Set(members).union([me])).sorted()
        self.pullInterval = pullInterval
        self.batchLimit = batchLimit
        self.ceiling = ceiling
        hybrid.observe(ceiling)
        self.folded = folded
        clock = VectorClock(folded.mapValues(\.seq))
        for event in log { _ = hold(event) }
    }

    public var peers: [String] { members.filter { $0 != me } }

    /// The members changed (the replicated controller list): this controller is always one.
    /// A controller in sync stays so when a member joins: the joiner starts from a member's
    /// snapshot and has written nothing yet, so it holds nothing to catch up with.
    public mutating func setMembers(_ names: [String]) {
        let wasInSync = Set(peers).isSubset(of: caughtUpWith)
        members = Array(Set(names).union([me])).sorted()
        if wasInSync { caughtUpWith.formUnion(peers) }
    }

    /// The time for a new local event; merges with everything seen so far. The event must
    /// then be appended once durable, or withdrawn if it is never written.
    public mutating func nextTime(physicalMillis: Int64) -> HybridTime {
        let time = hybrid.tick(physicalMillis: physicalMillis)
        pendingLocal.append(time)
        return time
    }

    /// A time from `nextTime` whose event was refused before it was written.
    public mutating func withdraw(_ time: HybridTime) {
        pendingLocal.removeAll { $0 == time }
    }

    /// The time this controller reports: every event of its own that a peer has not yet
    /// held sorts at or after it (a pending one), or after it (one not yet written).
    var reportedTime: HybridTime { pendingLocal.first ?? hybrid.last }

    /// A local event, already durable: held, and pushed to every peer at once.
    public mutating func appendLocal(_ event: Event, physicalMillis: Int64) -> Output {
        precondition(event.origin == me && event.seq == clock[me] + 1, "local events are appended in seq order")
        withdraw(event.time)
        _ = hold(event)
        _ = hybrid.tick(physicalMillis: physicalMillis)
        // Raised here too, with no peer to send to: the stable time never passes the ceiling.
        raiseCeilingIfPassed()
        let send = peers.map { Outgoing(to: $0, message: message(.events([event]), to: $0)) }
        return Output(send: send, ceiling: takeRaisedCeiling())
    }

    /// A message from a peer.
    public mutating func receive(_ message: PeerMessage, physicalMillis: Int64) -> Output {
        guard members.contains(message.from), message.from != me else { return Output() }
        hybrid.observe(message.time)
        hybrid.observe(message.seen)
        _ = hybrid.tick(physicalMillis: physicalMillis)
        report(message.from, incarnation: message.incarnation, clock: message.clock, time: message.time)
        if !message.roots.isEmpty { peerRoots[message.from] = (message.clock, message.roots) }
        defer { if caughtUp(by: message) { caughtUpWith.insert(message.from) } }
        switch message.body {
        case .events(let events):
            var received: [Event] = []
            for event in events { received += hold(event, from: message.from) }
            // A full batch is a reply cut short: a controller catching up asks for the next
            // one at once rather than a pull interval later. Only a batch that brought new
            // events does, or every duplicate reply would start one more stream of batches.
            guard events.count >= batchLimit, !received.isEmpty, !clock.covers(message.clock) else {
                return Output(received: received)
            }
            let pull = Outgoing(to: message.from, message: self.message(.pull, to: message.from))
            return Output(send: [pull], received: received, ceiling: takeRaisedCeiling())
        case .pull:
            if lacksFolded(message.clock) {
                guard physicalMillis >= (snapshotSent[message.from] ?? .min) &+ Self.snapshotInterval * pullInterval
                else { return Output() }
                snapshotSent[message.from] = physicalMillis
                return Output(snapshotFor: message.from)
            }
            let missing = self.missing(for: message.clock)
            guard !missing.isEmpty else { return Output() }
            let reply = Outgoing(to: message.from, message: self.message(.events(missing), to: message.from))
            return Output(send: [reply], ceiling: takeRaisedCeiling())
        case .snapshot(let snapshot):
            return Output(snapshot: snapshot)
        case .treeQuery, .treeAnswer, .rowsQuery, .rowsAnswer:
            return Output(repair: [message])
        }
    }

    /// A message of the controller's own (a step of a Merkle walk), stamped with this
    /// controller's clock and time.
    public mutating func send(_ body: PeerMessage.Body, to peer: String) -> Output {
        Output(send: [Outgoing(to: peer, message: message(body, to: peer))], ceiling: takeRaisedCeiling())
    }

    /// Time passes: every `pullInterval`, ask every peer for what this controller lacks.
    public mutating func tick(physicalMillis: Int64) -> Output {
        guard pullDue(physicalMillis: physicalMillis) else { return Output() }
        lastPull = physicalMillis
        _ = hybrid.tick(physicalMillis: physicalMillis)
        let send = peers.map { peer in
            var pull = message(.pull, to: peer)
            pull.roots = roots
            return Outgoing(to: peer, message: pull)
        }
        return Output(send: send, ceiling: takeRaisedCeiling())
    }

    /// True when the next tick at this time sends a pull.
    public func pullDue(physicalMillis: Int64) -> Bool {
        physicalMillis >= lastPull &+ pullInterval || lastPull == .min
    }

    /// The incarnation a peer last spoke from.
    public func incarnation(of peer: String) -> Int64? {
        incarnations[peer]
    }

    /// What every peer last reported: its clock and when it was heard from.
    public func report(of peer: String) -> (clock: VectorClock, time: HybridTime)? {
        reports[peer]
    }

    /// How many events are held (those after the snapshot).
    public var heldCount: Int { held.values.reduce(0) { $0 + $1.count } }

    /// Every event held, origin by origin.
    public var heldEvents: [Event] {
        held.keys.sorted().flatMap { held[$0]! }
    }

    /// True when a clock lacks events that are folded here: only a snapshot brings them.
    func lacksFolded(_ other: VectorClock) -> Bool {
        folded.contains { other[$0.key] < $0.value.seq }
    }

    /// Events this controller holds that a clock lacks, oldest first per origin, at most a batch.
    func missing(for other: VectorClock) -> [Event] {
        var out: [Event] = []
        for origin in held.keys.sorted() {
            let events = held[origin]!
            let from = Int(other[origin] - (folded[origin]?.seq ?? 0))
            guard from < events.count else { continue }
            out += events[from..<min(events.count, from + batchLimit - out.count)]
            if out.count >= batchLimit { break }
        }
        return out
    }

    /// Holds an event if it is new and extends its origin's chain; returns every event
    /// that became contiguous by it. A different event under a seq already held, or one
    /// that does not chain onto the last held, is a fork: refused and reported once.
    mutating func hold(_ event: Event, from peer: String? = nil) -> [Event] {
        if let last = removedThrough[event.origin], event.seq > last { return [] }
        let have = clock[event.origin]
        guard event.seq > have else {
            let base = folded[event.origin]?.seq ?? 0
            guard event.seq > base else { return [] }
            let mine = held[event.origin]![Int(event.seq - base) - 1]
            if mine.checksum != event.checksum { noteFork(held: mine.checksum, received: event, from: peer) }
            return []
        }
        guard event.seq == have + 1 else {
            early[event.origin, default: [:]][event.seq] = event
            return []
        }
        var added: [Event] = []
        var next: Event? = event
        while let current = next, current.seq <= removedThrough[current.origin] ?? .max {
            let previous = held[current.origin]?.last
            let previousChecksum = previous?.checksum ?? folded[current.origin]?.checksum ?? ""
            guard current.previousHash == previousChecksum else {
                noteFork(held: previous?.checksum ?? folded[current.origin]?.checksum, received: current, from: peer)
                break
            }
            held[current.origin, default: []].append(current)
            clock.advance(current.origin, to: current.seq)
            hybrid.observe(current.time)
            added.append(current)
            next = early[current.origin]?.removeValue(forKey: current.seq + 1)
        }
        return added
    }

    mutating func noteFork(held mine: String?, received: Event, from peer: String?) {
        guard !forks.contains(where: { $0.event == received.id }) else { return }
        forks.append(Fork(event: received.id, held: mine, received: received.checksum, from: peer))
    }

    /// Two different histories of one origin: the same seq with different contents, or an
    /// event that does not chain onto the one held before it. Only an operator can settle
    /// it (a controller restored from an old copy, or started empty and overruled).
    public struct Fork: Sendable, Equatable {
        public var event: EventID
        /// The checksum of the event held at that seq (or before it), if any.
        public var held: String?
        public var received: String
        public var from: String?
    }

    /// Every fork met since this core started, in the order found.
    public private(set) var forks: [Fork] = []

    /// Peers whose state this controller has caught up with since it started: it has held
    /// everything such a peer reported holding once it had heard from this run. Until every
    /// peer is here, a controller does not originate writes (luna2's insync), unless an
    /// operator overrules.
    public private(set) var caughtUpWith: Set<String> = []
    public var overruled = false
    /// The time on this run's first message: a peer's message whose `seen` is at least
    /// this was written after the peer heard from this run.
    private var firstSent: HybridTime?

    /// A message catches this controller up with its sender when everything it reports is
    /// held here and it was written after the sender heard from this run. One written
    /// earlier (queued while this controller was down, a push of the first of many events)
    /// reports a state the sender has since left behind.
    private func caughtUp(by message: PeerMessage) -> Bool {
        guard let firstSent, message.seen >= firstSent else { return false }
        return clock.covers(message.clock)
    }

    public var inSync: Bool {
        overruled || Set(peers).isSubset(of: caughtUpWith)
    }

    /// The peers this controller has not yet caught up with.
    public var behind: [String] { peers.filter { !caughtUpWith.contains($0) } }

    /// Reports of one incarnation merge (messages overtake each other); another incarnation's
    /// replace them: it holds what it holds now, not what its wiped predecessor held. (A late
    /// message of the old one puts back a report that asks more, never less, until the next.)
    private mutating func report(_ peer: String, incarnation: Int64, clock: VectorClock, time: HybridTime) {
        heard[peer] = max(heard[peer] ?? time, time)
        guard incarnation == incarnations[peer], let last = reports[peer] else {
            incarnations[peer] = incarnation
            reports[peer] = (clock, time)
            return
        }
        var merged = last.clock
        merged.merge(clock)
        reports[peer] = (merged, max(last.time, time))
    }

    /// Stamps a message with this controller's clock and time, raising the ceiling first
    /// when the time would pass it.
    private mutating func message(_ body: PeerMessage.Body, to peer: String) -> PeerMessage {
        raiseCeilingIfPassed()
        let seen = max(heard[peer] ?? settledTime, settledTime)
        let time = reportedTime
        if firstSent == nil { firstSent = time }
        return PeerMessage(from: me, incarnation: incarnation, clock: clock, time: time, seen: seen, body: body)
    }

    private mutating func raiseCeilingIfPassed() {
        guard hybrid.last > ceiling else { return }
        ceiling = HybridTime(millis: hybrid.last.millis + Self.ceilingMargin)
        raisedCeiling = ceiling
    }

    private mutating func takeRaisedCeiling() -> HybridTime? {
        defer { raisedCeiling = nil }
        return raisedCeiling
    }
}
