/// What a controller has applied: for each origin, the highest gap-free seq seen.
public struct VectorClock: Sendable, Hashable, Codable {
    public private(set) var entries: [String: UInt64]

    public init(_ entries: [String: UInt64] = [:]) {
        self.entries = entries
    }

    public subscript(origin: String) -> UInt64 {
        entries[origin] ?? 0
    }

    public mutating func advance(_ origin: String, to seq: UInt64) {
        if seq > self[origin] { entries[origin] = seq }
    }

    public mutating func merge(_ other: VectorClock) {
        for (origin, seq) in other.entries { advance(origin, to: seq) }
    }

    /// True when this clock has seen everything `other` has.
    public func covers(_ other: VectorClock) -> Bool {
        other.entries.allSatisfy { self[$0.key] >= $0.value }
    }

    public func encode(to encoder: any Encoder) throws {
        try entries.encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        entries = try [String: UInt64](from: decoder)
    }
}
