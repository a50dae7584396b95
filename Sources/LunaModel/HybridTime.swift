/// A hybrid logical time: wall-clock milliseconds plus a counter that orders events
/// written within the same millisecond or under a clock that stepped backwards.
public struct HybridTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var millis: Int64
    public var counter: UInt32

    public init(millis: Int64, counter: UInt32 = 0) {
        self.millis = millis
        self.counter = counter
    }

    public static func < (lhs: HybridTime, rhs: HybridTime) -> Bool {
        (lhs.millis, lhs.counter) < (rhs.millis, rhs.counter)
    }

    public var description: String { "\(millis).\(counter)" }
}

/// The hybrid clock of one controller. The physical time is passed in, so the clock
/// itself never reads a wall clock (tests and simulations drive it).
public struct HybridClock: Sendable {
    public private(set) var last: HybridTime

    public init(last: HybridTime = HybridTime(millis: 0)) {
        self.last = last
    }

    /// The time for a new local event.
    public mutating func tick(physicalMillis: Int64) -> HybridTime {
        if physicalMillis > last.millis {
            last = HybridTime(millis: physicalMillis)
        } else {
            last.counter += 1
        }
        return last
    }

    /// Merges a time seen on an event from elsewhere (or read back from the log).
    public mutating func observe(_ time: HybridTime) {
        if time > last { last = time }
    }
}
