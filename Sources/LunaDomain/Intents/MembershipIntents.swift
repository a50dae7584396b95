import LunaModel

/// Taking a controller out of the cluster and letting it join again. The controller that
/// writes a removal has first made sure the members left hold every event of the removed
/// one up to `through` (`Controller+Membership`); past it, no event of that origin is ever
/// taken again, and messages from its `incarnation` are refused for good.
public enum MembershipIntents {
    public static let removeIntent = "Controller.remove"
    public static let readmitIntent = "Controller.readmit"
    static let all: [IntentHandler] = [remove, readmit]

    static let remove = IntentHandler(
        name: removeIntent,
        prepare: { name, body, _ throws(LunaError) in
            try NamePattern.host.check(name, field: "name")
            guard case .int(let through)? = body["through"], through >= 0 else {
                throw .invalid("Invalid request: through must be the seq of the removed controller's last event kept")
            }
            var payload: Row = ["through": .int(through)]
            if case .int(let incarnation)? = body["incarnation"] { payload["incarnation"] = .int(incarnation) }
            return .object(payload)
        },
        apply: { state, name, payload throws(LunaError) in
            guard state.row(.controller, name) != nil else { throw .notFound("Controller \(name) not found") }
            guard
                state.keys(.controller).contains(where: { $0 != name && !ControllerRoles.isShadow($0, in: state) })
            else {
                throw .invalid(
                    "Invalid request: controller \(name) is the last full controller; a cluster needs one that takes writes")
            }
            state.remove(.controller, name)
            var record = state.row(.removedcontroller, name) ?? [:]
            record["through"] = payload["through"]
            if case .int(let incarnation)? = payload["incarnation"] {
                let known = record["incarnations"]?.arrayValue ?? []
                if !known.contains(.int(incarnation)) { record["incarnations"] = .array(known + [.int(incarnation)]) }
            }
            state.put(.removedcontroller, name, record)
            return .removed("Controller \(name) removed from the cluster")
        })

    /// A removed controller joins again, from an empty data directory (a new incarnation):
    /// its events after `through` are taken again; its old incarnations stay refused.
    static let readmit = IntentHandler(
        name: readmitIntent,
        prepare: { name, _, _ throws(LunaError) in
            try NamePattern.host.check(name, field: "name")
            return .object([:])
        },
        apply: { state, name, _ throws(LunaError) in
            guard var record = state.row(.removedcontroller, name), record["through"] != nil else {
                throw .invalid("Invalid request: controller \(name) was not removed from the cluster")
            }
            record["through"] = nil
            state.put(.removedcontroller, name, record)
            return .changed("Controller \(name) may join again")
        })
}

/// What the views say of controllers taken out: read by replication, which refuses
/// their messages and their events past the last one kept.
public struct Removal: Sendable, Equatable {
    /// The last seq of the controller's own events kept; nil once it joined again.
    public var through: UInt64?
    public var incarnations: Set<Int64>

    public init(through: UInt64?, incarnations: Set<Int64>) {
        self.through = through
        self.incarnations = incarnations
    }

    public static func all(in state: ClusterState) -> [String: Removal] {
        var removals: [String: Removal] = [:]
        for (name, row) in state.rows(.removedcontroller) {
            var through: UInt64?
            if case .int(let seq)? = row["through"] { through = UInt64(max(seq, 0)) }
            let incarnations = (row["incarnations"]?.arrayValue ?? []).compactMap { value -> Int64? in
                if case .int(let number) = value { Int64(number) } else { nil }
            }
            removals[name] = Removal(through: through, incarnations: Set(incarnations))
        }
        return removals
    }

    /// The sentence a removed controller reads when it comes back.
    public static func refusal(_ name: String) -> String {
        "controller \(name) was removed from the cluster; it takes no writes and its peers refuse it. To bring this "
            + "host back, stop lunad, empty its data directory and run `luna cluster join` there"
    }
}
