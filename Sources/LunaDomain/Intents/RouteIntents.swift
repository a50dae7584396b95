import LunaModel

/// Static routes: a catalogue of named routes, each coupled to the networks, groups and
/// nodes whose `routes` lists name it (luna2's route map). Nodes get the routes of their
/// networks, group and own list when they are installed.
enum RouteIntents {
    static let couplable: [Table] = [.network, .group, .node]

    static let schema = FieldSchema(
        kind: "route",
        fields: [
            "destination": .text, "gateway": .address, "device": .name(.interface), "metric": .number(0...4_294_967_295),
            "comment": .text,
        ])

    static let object = SimpleObject(
        intentPrefix: "Route", table: .route, schema: schema, renameKey: "newname", label: "Route",
        users: { name, state in coupled(name, in: state) },
        validate: { row, _ throws(LunaError) in try check(row) },
        listReferrers: couplable.map { ($0, "routes") }, cloneable: false)

    static let all: [IntentHandler] = object.handlers + [couple, decouple]

    /// A destination in CIDR form, and a next hop of the same family or a device.
    static func check(_ row: Row) throws(LunaError) {
        guard let text = row["destination"]?.stringValue else { throw .invalid("Invalid request: destination is required") }
        guard let destination = IPNetwork(text) else {
            throw .invalid("Invalid request: \(text) is not a valid network/host in CIDR form (10.200.0.0/16)")
        }
        let gateway = row["gateway"]?.stringValue.flatMap(IPAddress.init)
        guard gateway != nil || row["device"] != nil else {
            throw .invalid("Invalid request: a route needs a gateway (next-hop) or a device")
        }
        if let gateway, gateway.family != destination.family {
            throw .invalid("Invalid request: next-hop \(gateway) does not match the destination \(destination)")
        }
    }

    /// `type/name` of everything a route is coupled to, in table then name order.
    static func coupled(_ route: String, in state: ClusterState) -> [String] {
        couplable.flatMap { table in
            state.keys(table).filter { names(state.row(table, $0)!).contains(route) }.map { "\(table.rawValue)/\($0)" }
        }
    }

    static func names(_ row: Row) -> [String] {
        (row["routes"]?.stringValue ?? "").split(separator: ",").map(String.init)
    }

    static let targetSchema = FieldSchema(
        kind: "route coupling", fields: ["tableref": .choice(["network", "group", "node"]), "target": .text])

    static func prepareTarget(_ name: String, _ body: Row, _ context: PrepareContext) throws(LunaError) -> JSONValue {
        let payload = try targetSchema.normalize(body, ignoring: [])
        guard let table = payload["tableref"]?.stringValue, let target = payload["target"]?.stringValue else {
            throw .invalid("Invalid request: a coupling needs tableref (network, group or node) and target")
        }
        try FieldSchema.pattern(of: Table(rawValue: table)!).check(target, field: "target")
        return .object(payload)
    }

    /// The target's row, after checking the route and the target exist.
    static func target(_ route: String, _ payload: Row, in state: ClusterState) throws(LunaError) -> (Table, String, Row) {
        guard state.row(.route, route) != nil else { throw .notFound("Route \(route) does not exist") }
        let table = Table(rawValue: payload["tableref"]!.stringValue!)!
        let name = payload["target"]!.stringValue!
        guard let row = state.row(table, name) else {
            throw .notFound(
                "\(ObjectRules.label(table).prefix(1).uppercased() + ObjectRules.label(table).dropFirst()) \(name) does not exist"
            )
        }
        return (table, name, row)
    }

    static let couple = IntentHandler(
        name: "Route.couple", prepare: prepareTarget,
        apply: { state, route, payload throws(LunaError) in
            let (table, name, row) = try target(route, payload, in: state)
            let current = names(row)
            guard !current.contains(route) else { return .created("Route \(route) already coupled to \(table.rawValue) \(name)") }
            state.put(table, name, ObjectRules.merge(row, ["routes": .string((current + [route]).joined(separator: ","))]))
            return .created("Route \(route) coupled to \(table.rawValue) \(name)")
        })

    static let decouple = IntentHandler(
        name: "Route.decouple", prepare: prepareTarget,
        apply: { state, route, payload throws(LunaError) in
            let (table, name, row) = try target(route, payload, in: state)
            let current = names(row)
            guard current.contains(route) else { throw .notFound("Route \(route) is not coupled to \(table.rawValue) \(name)") }
            let kept = current.filter { $0 != route }
            state.put(
                table, name, ObjectRules.merge(row, ["routes": kept.isEmpty ? .null : .string(kept.joined(separator: ","))]))
            return .created("Route \(route) decoupled from \(table.rawValue) \(name)")
        })
}
