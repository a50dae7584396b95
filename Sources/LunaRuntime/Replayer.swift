import LunaDomain
import LunaLog
import LunaModel
import LunaStore

/// Applies events to a state in the one total order (hybrid time, origin, seq), as
/// start-up rebuilds and `luna log replay` do. Stops at the first event this build
/// cannot apply: nothing behind it is applied either.
public struct Replayer {
    public struct Result {
        public var state: ClusterState
        public var clock: VectorClock
        public var applied: Int
        public var rejections: [(EventID, String)]
        /// Why applying stopped early, if it did ("upgrade needed").
        public var stoppedAt: String?
    }

    /// Applies `events` to `start`, a state that holds what `clock` says (a snapshot's).
    public static func replay(
        _ events: [Event], into start: ClusterState = ClusterState(), clock: VectorClock = VectorClock(),
        registry: IntentRegistry = .current
    ) -> Result {
        var result = Result(state: start, clock: clock, applied: 0, rejections: [])
        for event in events.sorted(by: Event.appliesBefore) {
            switch registry.apply(event, to: &result.state) {
            case .upgradeNeeded(let reason):
                result.stoppedAt = reason
                return result
            case .applied(let outcome):
                if case .rejected(let error) = outcome { result.rejections.append((event.id, error.message)) }
                result.clock.advance(event.origin, to: event.seq)
                result.applied += 1
            }
        }
        return result
    }

    /// Rebuilds a view database from a snapshot and the events after it, writing every row
    /// once at the end.
    public static func rebuild(
        _ events: [Event], after snapshot: Snapshot = Snapshot(), into store: ViewStore, registry: IntentRegistry = .current
    ) throws -> Result {
        var result = replay(events, into: try ClusterState(snapshot: snapshot), clock: snapshot.clock, registry: registry)
        try store.write(&result.state, clock: result.clock, rejections: result.rejections)
        return result
    }
}
