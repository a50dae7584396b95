import LunaModel

/// Stability: when an event's place in the one order is final here.
extension ReplicationCore {
    /// Events every member holds: the component-wise minimum of all members' clocks.
    public var heldEverywhere: VectorClock {
        var point = clock
        for peer in peers {
            let reported = reports[peer]?.clock ?? VectorClock()
            for origin in Set(point.entries.keys).union(reported.entries.keys) {
                point = point.lowered(origin, to: min(point[origin], reported[origin]))
            }
        }
        return point
    }

    /// The time before which the order can no longer change here. Any event this
    /// controller has not seen sorts at or after it: each peer has reported a time, and
    /// this controller holds everything that peer had made durable by then, so whatever
    /// else the peer writes carries that time or a later one. Nil until every peer has reported,
    /// and while a peer holds more of this controller's own events than it does (its data
    /// directory was wiped or restored from an old copy): those sort early, and are still to come.
    public var stableTime: HybridTime? {
        // This controller's own term is bounded by its durable ceiling: a time never sent is
        // not covered by it, and a restart below such a time could write events sorting
        // before ones declared stable (found by the Promela model).
        var bound = min(reportedTime, ceiling)
        for peer in peers {
            guard let report = reports[peer], clock[peer] >= report.clock[peer], clock[me] >= report.clock[me] else {
                return nil
            }
            bound = min(bound, report.time)
        }
        return bound
    }

    /// True when the event's place in the order is final.
    public func isStable(_ event: Event) -> Bool {
        guard let time = stableTime else { return false }
        return event.seq <= heldEverywhere[event.origin] && event.time < time
    }
}

extension VectorClock {
    /// A copy with one origin set lower: only the stability computation needs this.
    func lowered(_ origin: String, to seq: UInt64) -> VectorClock {
        var entries = self.entries
        entries[origin] = seq
        return VectorClock(entries)
    }
}
