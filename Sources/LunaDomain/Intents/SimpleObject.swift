import LunaModel

/// Create/change/rename, clone and delete for objects that are one row plus, at most,
/// one address: OS images, BMC setups, switches, other devices, racks.
struct SimpleObject: Sendable {
    var intentPrefix: String
    var table: Table
    var schema: FieldSchema
    var renameKey: String
    /// How messages name the object: "OS Image", "Switch", …
    var label: String
    /// Who still uses an object (delete refuses while any do).
    var users: @Sendable (_ name: String, _ state: ClusterState) -> [String] = { _, _ in [] }
    /// Rules on the whole row after a change.
    var validate: @Sendable (_ row: Row, _ state: ClusterState) throws(LunaError) -> Void = { _, _ throws(LunaError) in }
    /// Children that move, copy and go with the object.
    var childTables: [Table] = []
    /// Tables whose `field` names this object, updated on rename.
    var referrers: [(table: Table, field: String)] = []
    /// Tables whose comma-separated `field` lists this object, updated on rename.
    var listReferrers: [(table: Table, field: String)] = []
    /// Whether the row holds an address on a network (`network` + `ipaddress`).
    var hasAddress = false
    /// Whether the object can be cloned (luna2 clones no clouds and no routes).
    var cloneable = true
    /// Boolean options a clone request may carry that describe work outside the row
    /// (luna2's `nocopy` and `bare` for images): checked, then left out of the event.
    var cloneFlags: Set<String> = []
    /// The version of the update intent (raised when what an update means changed).
    var updateVersion = 1
    /// Rules that keep other rows in step after a change (an image's new current tag).
    var afterChange: @Sendable (_ state: inout ClusterState, _ key: String, _ row: Row) throws(LunaError) -> Void = {
        _, _, _ throws(LunaError) in
    }

    var pattern: NamePattern { FieldSchema.pattern(of: table) }

    var handlers: [IntentHandler] {
        let update = IntentHandler(
            name: "\(intentPrefix).update", version: updateVersion, prepare: prepareUpdate,
            apply: { state, name, payload throws(LunaError) in try applyUpdate(&state, name, payload) })
        let clone = IntentHandler(
            name: "\(intentPrefix).clone", prepare: prepareClone,
            apply: { state, name, payload throws(LunaError) in try applyClone(&state, name, payload) })
        let delete = IntentHandler(
            name: "\(intentPrefix).delete", prepare: { _, _, _ in .object([:]) },
            apply: { state, name, _ throws(LunaError) in try applyDelete(&state, name) })
        return cloneable ? [update, clone, delete] : [update, delete]
    }

    func prepareUpdate(_ name: String, _ body: Row, _ context: PrepareContext) throws(LunaError) -> JSONValue {
        try pattern.check(name, field: "name")
        var payload = try schema.normalize(body, ignoring: ["name", renameKey, "force"])
        payload = ObjectRules.seal(payload, schema: schema, context: context)
        if let new = body[renameKey] { payload[renameKey] = new }
        if let force = body["force"] { payload["force"] = try FieldSchema.normalize(force, as: .bool, field: "force") }
        return .object(payload)
    }

    func prepareClone(_ name: String, _ body: Row, _ context: PrepareContext) throws(LunaError) -> JSONValue {
        guard body[renameKey] != nil else {
            throw .invalid("Invalid request: Destination \(table.rawValue) name not supplied in \(renameKey)")
        }
        for flag in cloneFlags where body[flag] != nil {
            _ = try FieldSchema.normalize(body[flag]!, as: .bool, field: flag)
        }
        return try prepareUpdate(name, body.filter { !cloneFlags.contains($0.key) }, context)
    }

    func applyUpdate(_ state: inout ClusterState, _ name: String, _ payload: Row) throws(LunaError) -> Outcome {
        var changes = payload
        let newName = try ObjectRules.newName(changes, key: renameKey, table: table, in: state)
        let force = changes.removeValue(forKey: "force") == .bool(true)
        changes[renameKey] = nil
        try ObjectRules.checkReferences(changes, schema: schema, in: state)
        let old = state.row(table, name)
        if old == nil, newName != nil {
            throw .invalid("Invalid request: \(renameKey) is only allowed while updating, renaming or cloning")
        }
        var row = ObjectRules.merge(old ?? [:], changes)
        try validate(row, state)
        let key = newName ?? name
        if let newName {
            state.remove(table, name)
            for child in childTables { ObjectRules.moveChildren(child, from: name, to: newName, in: &state) }
            for referrer in referrers {
                for (rowKey, other) in state.rows(referrer.table) where other[referrer.field] == .string(name) {
                    state.put(referrer.table, rowKey, ObjectRules.merge(other, [referrer.field: .string(newName)]))
                }
            }
            for referrer in listReferrers {
                for (rowKey, other) in state.rows(referrer.table) {
                    let items = (other[referrer.field]?.stringValue ?? "").split(separator: ",").map(String.init)
                    guard items.contains(name) else { continue }
                    let renamed = items.map { $0 == name ? newName : $0 }.joined(separator: ",")
                    state.put(referrer.table, rowKey, ObjectRules.merge(other, [referrer.field: .string(renamed)]))
                }
            }
        }
        if hasAddress { try placeAddress(&row, key: key, changes: changes, force: force, state: &state) }
        state.put(table, key, row)
        try afterChange(&state, key, row)
        if old == nil { return .created("\(label) \(name) created successfully") }
        return .changed(newName.map { "\(label) \(name) renamed to \($0) and updated" } ?? "\(label) \(name) updated")
    }

    func applyClone(_ state: inout ClusterState, _ name: String, _ payload: Row) throws(LunaError) -> Outcome {
        let source = try ObjectRules.cloneSource(table, name, in: state)
        var changes = payload
        guard let newName = try ObjectRules.newName(changes, key: renameKey, table: table, in: state) else {
            throw .invalid("Invalid request: Destination \(table.rawValue) name not supplied in \(renameKey)")
        }
        let force = changes.removeValue(forKey: "force") == .bool(true)
        changes[renameKey] = nil
        try ObjectRules.checkReferences(changes, schema: schema, in: state)
        var row = ObjectRules.merge(source, changes)
        if hasAddress {
            row["ipaddress"] = changes["ipaddress"] ?? nil
            row["ipaddress_ipv6"] = changes["ipaddress_ipv6"] ?? nil
            row["macaddress"] = changes["macaddress"] ?? nil
            row = row.filter { !$0.value.isNull }
        }
        try validate(row, state)
        if hasAddress { try placeAddress(&row, key: newName, changes: changes, force: force, state: &state) }
        state.put(table, newName, row)
        for child in childTables {
            for key in state.childKeys(child, of: name) {
                state.put(child, RowKey.child(newName, RowKey.split(key).name), state.row(child, key)!)
            }
        }
        try afterChange(&state, newName, row)
        return .created("\(label) \(name) cloned as \(newName) successfully")
    }

    func applyDelete(_ state: inout ClusterState, _ name: String) throws(LunaError) -> Outcome {
        _ = try ObjectRules.existing(table, name, in: state, missing: "\(label) \(name) not present in database")
        let using = users(name, state)
        if !using.isEmpty {
            let shown = using.prefix(10).joined(separator: ", ")
            throw .invalid(
                "Invalid request: \(table.rawValue) \(name) currently in use by \(shown)\(using.count > 10 ? " ..." : "")")
        }
        for child in childTables { ObjectRules.removeChildren(child, of: name, in: &state) }
        state.remove(table, name)
        return .removed("\(label) \(name) removed")
    }

    /// Switches and other devices hold one address on one network.
    private func placeAddress(_ row: inout Row, key: String, changes: Row, force: Bool, state: inout ClusterState)
        throws(LunaError)
    {
        if let mac = row["macaddress"]?.stringValue, let holder = state.macs[mac], holder != "\(table.rawValue):\(key)" {
            throw .invalid("Invalid request: MAC address \(mac) is already in use by \(holder)")
        }
        guard let network = row["network"]?.stringValue else {
            if row["ipaddress"] != nil { throw .invalid("Invalid request: an ipaddress needs a network") }
            return
        }
        let requested = changes["ipaddress"]?.stringValue.flatMap(IPAddress.init)
        try AddressPool.assign(
            &row, network: network, requested: requested, holder: "\(table.rawValue):\(key)", force: force, in: &state)
    }
}
