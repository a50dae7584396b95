import LunaModel
import LunaReplication
import Testing

@Suite("Replication core: compaction and snapshots")
struct SnapshotCoreTests {
    /// Origin a's chain: event n links to the checksum of event n - 1.
    static func chained(_ seq: UInt64, origin: String = "a") -> Event {
        Event(
            origin: origin, seq: seq, clock: VectorClock(), time: HybridTime(millis: Int64(seq)), intent: "Node.update",
            intentVersion: 1, object: "n\(seq)", payload: [:], actor: "t", requestID: "r",
            previousHash: seq == 1 ? "" : "\(origin)\(seq - 1)", checksum: "\(origin)\(seq)")
    }

    static func head(_ seq: UInt64, origin: String = "a") -> ChainHead {
        ChainHead(seq: seq, checksum: "\(origin)\(seq)")
    }

    static func pull(from peer: String, _ clock: [String: UInt64]) -> PeerMessage {
        PeerMessage(from: peer, clock: VectorClock(clock), time: HybridTime(millis: 1), body: .pull)
    }

    @Test func aPeerThatLacksFoldedEventsIsSentTheSnapshotAtMostEveryFewPulls() {
        var core = ReplicationCore(me: "b", members: ["a", "b", "c"], log: (1...5).map { Self.chained($0) })
        core.fold(upTo: ["a": Self.head(3)])
        #expect(core.heldEvents.map(\.seq) == [4, 5])
        #expect(core.clock["a"] == 5)
        #expect(core.receive(Self.pull(from: "c", ["a": 2]), physicalMillis: 100).snapshotFor == "c")
        #expect(core.receive(Self.pull(from: "c", ["a": 2]), physicalMillis: 200).snapshotFor == nil, "not again at once")
        let later = 100 + ReplicationCore.snapshotInterval * core.pullInterval
        #expect(core.receive(Self.pull(from: "c", ["a": 2]), physicalMillis: later).snapshotFor == "c")
        let reply = core.receive(Self.pull(from: "c", ["a": 3]), physicalMillis: later)
        #expect(reply.send.first?.message.body == .events([Self.chained(4), Self.chained(5)]))
    }

    @Test func aSnapshotCarriesAnEmptyControllerPastTheFoldAndReleasesWhatArrivedEarly() {
        var core = ReplicationCore(me: "c", members: ["a", "c"])
        let early = PeerMessage(from: "a", clock: VectorClock(), time: HybridTime(millis: 9), body: .events([Self.chained(5)]))
        #expect(core.receive(early, physicalMillis: 10).received.isEmpty, "a gap before it")
        let snapshot = Snapshot(heads: ["a": Self.head(4)], last: Self.chained(4).place, tables: ["node": ["n4": [:]]])
        let message = PeerMessage(from: "a", clock: VectorClock(["a": 5]), time: HybridTime(millis: 9), body: .snapshot(snapshot))
        #expect(core.receive(message, physicalMillis: 11).snapshot == snapshot)
        #expect(core.isNewer(snapshot))
        #expect(core.refusal(of: snapshot) == nil)
        #expect(core.install(snapshot) == [Self.chained(5)])
        #expect(core.clock["a"] == 5)
        #expect(core.folded["a"] == Self.head(4))
        #expect(!core.isNewer(snapshot))
        let next = PeerMessage(from: "a", clock: VectorClock(), time: HybridTime(millis: 9), body: .events([Self.chained(6)]))
        #expect(core.receive(next, physicalMillis: 12).received == [Self.chained(6)], "the chain goes on from the snapshot")
    }

    @Test func aSnapshotBehindThisControllersFoldOrOfAnotherHistoryIsRefused() {
        var core = ReplicationCore(me: "b", members: ["a", "b"], log: (1...5).map { Self.chained($0) })
        core.fold(upTo: ["a": Self.head(3)])
        #expect(core.refusal(of: Snapshot(heads: ["a": Self.head(2)])) == .behind(origin: "a"))
        #expect(core.refusal(of: Snapshot(heads: ["a": ChainHead(seq: 3, checksum: "other")])) != nil)
        #expect(core.refusal(of: Snapshot(heads: ["a": ChainHead(seq: 4, checksum: "other")])) != nil)
        #expect(core.refusal(of: Snapshot(heads: ["a": Self.head(4), "d": Self.head(2, origin: "d")])) == nil)
        _ = core.install(Snapshot(heads: ["a": Self.head(4), "d": Self.head(2, origin: "d")]))
        #expect(core.heldEvents.map(\.seq) == [5], "a's held events up to the snapshot's head go")
        #expect(core.clock == VectorClock(["a": 5, "d": 2]))
    }

    /// A controller whose data directory was wiped lacks its own old events, which sort
    /// early: while a peer holds more of them than it does, nothing is stable here.
    @Test func aControllerMissingItsOwnEventsSettlesNothingUntilItHasThem() {
        var core = ReplicationCore(me: "c", members: ["a", "c"])
        let fromA = PeerMessage(
            from: "a", clock: VectorClock(["a": 1, "c": 2]), time: HybridTime(millis: 100), body: .events([Self.chained(1)]))
        _ = core.receive(fromA, physicalMillis: 200)
        _ = core.tick(physicalMillis: 200)
        #expect(core.clock == VectorClock(["a": 1]))
        #expect(core.stableTime == nil, "a holds c:1 and c:2, which c lost")
        #expect(!core.isStable(Self.chained(1)))
        let own = PeerMessage(
            from: "a", clock: VectorClock(["a": 1, "c": 2]), time: HybridTime(millis: 100),
            body: .events([Self.chained(1, origin: "c"), Self.chained(2, origin: "c")]))
        _ = core.receive(own, physicalMillis: 201)
        #expect(core.clock == VectorClock(["a": 1, "c": 2]))
        #expect(core.isStable(Self.chained(1)))
    }
}
