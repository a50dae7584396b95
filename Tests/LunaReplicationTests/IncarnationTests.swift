import LunaModel
import LunaReplication
import Testing

/// A controller whose data directory was wiped comes back as a new incarnation, with no
/// ceiling: its peers' reports of it start again, and it writes after every time they
/// heard from it before.
@Suite("Replication core: a wiped controller's new incarnation")
struct IncarnationTests {
    static func pull(from peer: String, incarnation: Int64, clock: [String: UInt64] = [:], time: Int64) -> PeerMessage {
        PeerMessage(from: peer, incarnation: incarnation, clock: VectorClock(clock), time: HybridTime(millis: time), body: .pull)
    }

    @Test func aNewIncarnationsReportsReplaceTheOldOnes() {
        var peer = ReplicationCore(me: "a", members: ["a", "c"])
        _ = peer.receive(Self.pull(from: "c", incarnation: 1, clock: ["c": 9], time: 5000), physicalMillis: 100)
        _ = peer.receive(Self.pull(from: "c", incarnation: 1, clock: ["c": 8], time: 4000), physicalMillis: 101)
        #expect(peer.report(of: "c")?.clock == VectorClock(["c": 9]), "one incarnation's reports merge")
        _ = peer.receive(Self.pull(from: "c", incarnation: 2, clock: ["c": 7], time: 300), physicalMillis: 110)
        #expect(peer.report(of: "c")?.clock == VectorClock(["c": 7]), "not merged with what the wiped one held")
        #expect(peer.report(of: "c")?.time == HybridTime(millis: 300))
    }

    @Test func aWipedControllerWritesAfterEverythingItsPeerHeardFromItBefore() {
        var peer = ReplicationCore(me: "a", members: ["a", "c"])
        // A write of the peer's own is still being made durable: its reports name that time.
        let pending = peer.nextTime(physicalMillis: 100)
        _ = peer.receive(Self.pull(from: "c", incarnation: 1, time: 5000), physicalMillis: 110)
        let toWiped = peer.tick(physicalMillis: 120).send.first { $0.to == "c" }!.message
        #expect(toWiped.time == pending, "the time the peer reports stays below the old c's")
        #expect(toWiped.seen >= HybridTime(millis: 5000), "but it echoes what it heard from c")

        var wiped = ReplicationCore(me: "c", members: ["a", "c"], incarnation: 2)
        _ = wiped.receive(toWiped, physicalMillis: 200)
        #expect(wiped.nextTime(physicalMillis: 210) > HybridTime(millis: 5000))
    }

    @Test func theEchoCoversTheLastEventDeclaredStable() {
        var peer = ReplicationCore(me: "a", members: ["a", "c"])
        peer.settledTime = HybridTime(millis: 7000)
        let message = peer.tick(physicalMillis: 100).send.first { $0.to == "c" }!.message
        #expect(message.seen == HybridTime(millis: 7000), "a peer restarted since still echoes its stable point")
    }
}
