import LunaModel

/// Rules shared by every kind of object: existence, references, merging changes.
enum ObjectRules {
    /// Applies normalised changes to a row: null removes the field.
    static func merge(_ row: Row, _ changes: Row) -> Row {
        var out = row
        for (key, value) in changes {
            if value.isNull { out.removeValue(forKey: key) } else { out[key] = value }
        }
        return out
    }

    /// Every reference in `changes` must name an existing object.
    static func checkReferences(_ changes: Row, schema: FieldSchema, in state: ClusterState) throws(LunaError) {
        for key in changes.keys.sorted() {
            guard case .reference(let table)? = schema.fields[key], let name = changes[key]?.stringValue else { continue }
            guard state.row(table, name) != nil else {
                throw .invalid("Invalid request: \(label(table)) \(name) is not known or valid")
            }
        }
    }

    static func label(_ table: Table) -> String {
        switch table {
        case .osimage: "osimage"
        case .bmcsetup: "bmcsetup"
        case .otherdev: "other device"
        default: table.rawValue
        }
    }

    /// The new name of a rename, checked and free; nil when the request renames nothing.
    static func newName(_ body: Row, key: String, table: Table, in state: ClusterState) throws(LunaError) -> String? {
        guard let value = body[key], !value.isNull else { return nil }
        guard case .string(let name) = value else {
            throw .invalid("Invalid request: field \(key) must be a string, not \(value.typeName)")
        }
        try FieldSchema.pattern(of: table).check(name, field: key)
        guard state.row(table, name) == nil else { throw .invalid("Invalid request: \(name) already present in database") }
        return name
    }

    /// The object a clone copies; a missing one is a bad request (400), as luna2 answers.
    static func cloneSource(_ table: Table, _ name: String, in state: ClusterState) throws(LunaError) -> Row {
        guard let row = state.row(table, name) else {
            throw .invalid("Invalid request: Source \(table.rawValue) \(name) does not exist")
        }
        return row
    }

    /// Rejects requests for objects that must already exist.
    static func existing(_ table: Table, _ name: String, in state: ClusterState, missing: String) throws(LunaError) -> Row {
        guard let row = state.row(table, name) else { throw .notFound(missing) }
        return row
    }

    /// Renames children (interfaces, secrets, tags) along with their owner.
    static func moveChildren(_ table: Table, from old: String, to new: String, in state: inout ClusterState) {
        for key in state.childKeys(table, of: old) {
            let row = state.row(table, key)!
            state.remove(table, key)
            state.put(table, RowKey.child(new, RowKey.split(key).name), row)
        }
    }

    static func removeChildren(_ table: Table, of owner: String, in state: inout ClusterState) {
        for key in state.childKeys(table, of: owner) { state.remove(table, key) }
    }

    /// Seals every secret-typed field of a normalised body.
    static func seal(_ body: Row, schema: FieldSchema, context: PrepareContext) -> Row {
        var out = body
        for (key, value) in body {
            if case .secret? = schema.fields[key], let clear = value.stringValue {
                out[key] = .string(context.sealer.seal(clear))
            }
        }
        return out
    }
}
