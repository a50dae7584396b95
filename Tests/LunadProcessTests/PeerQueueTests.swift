import LunaModel
import LunaReplication
import Testing

@testable import LunaTransport

/// What waits for a busy or dead peer stays bounded, and nothing that can be merged is
/// sent twice.
struct PeerQueueTests {
    static func events(_ seqs: ClosedRange<UInt64>, clock: UInt64) -> PeerMessage {
        let events = seqs.map { seq in
            Event(
                origin: "c1", seq: seq, clock: VectorClock(), time: HybridTime(millis: Int64(seq)), intent: "Node.update",
                intentVersion: 1, object: "n\(seq)", payload: [:], actor: "t", requestID: "r", previousHash: "")
        }
        return PeerMessage(from: "c1", clock: VectorClock(["c1": clock]), time: HybridTime(millis: 9), body: .events(events))
    }

    @Test func waitingEventsMergeIntoOneMessageWithTheNewestClock() {
        var queue = PeerQueue()
        queue.add(Self.events(1...2, clock: 2))
        queue.add(Self.events(3...3, clock: 3))
        let merged = queue.next()
        #expect(merged?.clock == VectorClock(["c1": 3]))
        guard case .events(let events)? = merged?.body else { Issue.record("no events"); return }
        #expect(events.map(\.seq) == [1, 2, 3])
        #expect(queue.next() == nil)
    }

    @Test func aDeadPeersQueueStaysBounded() {
        var queue = PeerQueue()
        for start in stride(from: UInt64(1), to: 2000, by: 100) {
            queue.add(Self.events(start...(start + 99), clock: start + 99))
        }
        for _ in 0..<100 {
            queue.add(PeerMessage(from: "c1", clock: VectorClock(), time: HybridTime(millis: 1), body: .pull))
            queue.add(
                PeerMessage(
                    from: "c1", clock: VectorClock(), time: HybridTime(millis: 1), body: .treeQuery(table: "node", path: [])))
        }
        var sent: [PeerMessage] = []
        while let message = queue.next() { sent.append(message) }
        let events = sent.reduce(0) { count, message in
            if case .events(let events) = message.body { return count + events.count }
            return count
        }
        #expect(events <= PeerQueue.eventLimit)
        #expect(sent.filter { $0.body == .pull }.count == 1, "only the newest pull waits")
        #expect(sent.count <= 2 + PeerQueue.otherLimit)
        #expect(queue.dropped > 0)
    }
}
