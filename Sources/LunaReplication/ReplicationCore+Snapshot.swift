import LunaModel

/// Compaction and snapshots: events folded into a snapshot are held no more, and a peer
/// that lacks them is sent the snapshot instead (see `Output.snapshotFor`).
extension ReplicationCore {
    /// The events up to these heads are now in this controller's snapshot: they go.
    /// Every one of them must be held here.
    public mutating func fold(upTo heads: [String: ChainHead]) {
        for (origin, head) in heads where head.seq > (folded[origin]?.seq ?? 0) {
            let base = folded[origin]?.seq ?? 0
            precondition(head.seq <= clock[origin], "only held events are folded")
            held[origin]?.removeFirst(Int(head.seq - base))
            folded[origin] = head
        }
    }

    /// Why a peer's snapshot cannot be installed here, if it cannot.
    public enum SnapshotRefusal: Sendable, Equatable {
        /// This controller folded more of an origin than the snapshot holds: installing it
        /// would lose those events. The peer's next compaction passes this point.
        case behind(origin: String)
        /// The snapshot holds a different history of an origin (a fork, refused like any other).
        case fork(String)
    }

    public func refusal(of snapshot: Snapshot) -> SnapshotRefusal? {
        for (origin, head) in folded where (snapshot.heads[origin]?.seq ?? 0) < head.seq {
            return .behind(origin: origin)
        }
        for (origin, head) in snapshot.heads.sorted(by: { $0.key < $1.key }) {
            let base = folded[origin]?.seq ?? 0
            if head.seq == base, head.checksum != folded[origin]?.checksum {
                return .fork("its event \(origin):\(head.seq) differs from the one folded here")
            }
            guard head.seq > base, head.seq <= clock[origin] else { continue }
            if held[origin]![Int(head.seq - base) - 1].checksum != head.checksum {
                return .fork("its event \(origin):\(head.seq) differs from the one held here")
            }
        }
        return nil
    }

    /// True when the snapshot holds events this controller lacks.
    public func isNewer(_ snapshot: Snapshot) -> Bool {
        snapshot.heads.contains { $0.value.seq > clock[$0.key] }
    }

    /// Takes a peer's snapshot (one with no `refusal`): what it folded is held no
    /// more, and origins it is ahead on go on from its heads. Returns events that arrived
    /// early and now follow on, to log and apply after the snapshot.
    public mutating func install(_ snapshot: Snapshot) -> [Event] {
        var released: [Event] = []
        for (origin, head) in snapshot.heads where head.seq > (folded[origin]?.seq ?? 0) {
            if head.seq <= clock[origin] {
                fold(upTo: [origin: head])
                continue
            }
            held[origin] = []
            folded[origin] = head
            clock.advance(origin, to: head.seq)
            early[origin] = early[origin]?.filter { $0.key > head.seq }
            if let next = early[origin]?.removeValue(forKey: head.seq + 1) { released += hold(next) }
        }
        if let last = snapshot.last { hybrid.observe(last.time) }
        return released
    }
}
