import LunaModel

/// Keeps the views' one order — (hybrid time, origin, seq) — as events arrive out of it.
/// Events past the stable point are tentative: one that arrives late and sorts before
/// some of them means rolling back to the stable point and applying the suffix again
/// (Bayou's tentative writes). Stable events are never reordered.
public struct ApplyOrder: Sendable {
    /// The tentative events, applied in this order after the stable ones.
    public private(set) var tentative: [Event] = []
    /// How many events have become stable, and the place of the last of them (or of the
    /// last event folded into the snapshot).
    public private(set) var stableCount = 0
    public private(set) var lastStable: EventPlace?

    public init() {}

    /// What the views must do to take new events.
    public enum Plan: Sendable, Equatable {
        /// Apply these after everything applied so far.
        case append([Event])
        /// Go back to the stable state and apply all tentative events again, in this order.
        case reapply([Event])
    }

    /// Takes events that are already applied (the log at start-up) as tentative: until
    /// stability is known again, a late event may still sort before them. Every event
    /// sorts after `snapshot`, the last one folded into the state they apply to.
    public mutating func restore(_ events: [Event], after snapshot: EventPlace? = nil) {
        tentative = (tentative + events).sorted(by: Event.appliesBefore)
        if let snapshot, lastStable.map({ $0 < snapshot }) ?? true { lastStable = snapshot }
    }

    /// Places new events (unseen, in any order) and says how to apply them. An event that
    /// sorts before a stable one is refused whole: it would mean stability was declared
    /// too early, and nothing is changed.
    public mutating func add(_ events: [Event]) throws(StableOrderViolation) -> Plan {
        guard !events.isEmpty else { return .append([]) }
        let incoming = events.sorted(by: Event.appliesBefore)
        if let last = lastStable, incoming[0].place < last {
            throw StableOrderViolation(late: incoming[0].id, stable: EventID(origin: last.origin, seq: last.seq))
        }
        if let last = tentative.last, Event.appliesBefore(incoming[0], last) {
            tentative = (tentative + incoming).sorted(by: Event.appliesBefore)
            return .reapply(tentative)
        }
        tentative += incoming
        return .append(incoming)
    }

    /// Moves the tentative prefix the core calls stable out of the tentative list; returns it.
    public mutating func settle(_ isStable: (Event) -> Bool) -> [Event] {
        let count = tentative.prefix(while: isStable).count
        let settled = Array(tentative.prefix(count))
        tentative.removeFirst(count)
        stableCount += settled.count
        if let last = settled.last { lastStable = last.place }
        return settled
    }
}

public struct StableOrderViolation: Error, Sendable, Equatable, CustomStringConvertible {
    public var late: EventID
    public var stable: EventID
    public var description: String { "event \(late) sorts before stable event \(stable): the stable order would change" }
}
