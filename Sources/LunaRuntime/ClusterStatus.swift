import LunaModel

/// What `luna cluster status` shows: each member's clock and lag, whether the views agree
/// table by table, and the incidents recorded.
public struct ClusterStatus: Sendable {
    public struct Member: Sendable {
        public var name: String
        /// `master`, `full` (takes writes) or `shadow` (a read-only replica), as the views say.
        public var role: String
        public var clock: VectorClock
        /// For this controller: caught up with every peer. For a peer: it holds all this one holds.
        public var inSync: Bool
        /// Events one side holds and the other lacks.
        public var lagEvents: Int
        /// How long ago the peer's last report was taken, by hybrid time; nil for this controller.
        public var lagSeconds: Double?
    }

    public var controller: String
    public var members: [Member]
    public var stableTime: HybridTime?
    /// Per table: true when every member reported the same root at this controller's
    /// clock, false when one at the same clock differs (drift), nil while clocks differ.
    public var merkle: [String: Bool?]
    public var incidents: [String]
    /// Events in this controller's log, and per origin the last one folded into its snapshot.
    public var logEvents: Int
    public var folded: VectorClock

    public var json: JSONValue {
        .object([
            "controller": .string(controller),
            "members": .array(
                members.map { member in
                    .object([
                        "name": .string(member.name), "role": .string(member.role),
                        "clock": .object(member.clock.entries.mapValues { .int(Int($0)) }),
                        "insync": .bool(member.inSync), "lag_events": .int(member.lagEvents),
                        "lag_seconds": member.lagSeconds.map { .double($0) } ?? .null,
                    ])
                }),
            "stable": stableTime.map { .string($0.description) } ?? .null,
            "merkle": .object(merkle.mapValues { $0.map(JSONValue.bool) ?? .null }),
            "incidents": .array(incidents.map(JSONValue.string)),
            "log": .object([
                "events": .int(logEvents), "folded": .object(folded.entries.mapValues { .int(Int($0)) }),
            ]),
        ])
    }
}
