import LunaModel

/// A whole-cluster restore (luna2's `/config/cluster/import`), through the log like any
/// write: one event carries every row, so the restore happens everywhere, whole or not at all.
/// The controllers are not taken from the file: a restore must not change who replicates.
enum ClusterImportIntents {
    static let all: [IntentHandler] = [restore]

    /// Fields stored sealed with the cluster key; an export shows them opened.
    static let sealedFields: [Table: String] = [
        .bmcsetup: "password", .nodesecret: "content", .groupsecret: "content", .osuser: "userPassword",
    ]

    /// Tables whose rows belong to an owner row: `owner/name` keys.
    static let owners: [Table: Table] = [
        .nodeinterface: .node, .groupinterface: .group, .nodesecret: .node, .groupsecret: .group,
        .osimagetag: .osimage, .rackinventory: .rack, .dns: .network,
    ]

    static let restore = IntentHandler(
        name: "Cluster.import",
        prepare: { _, body, context throws(LunaError) in
            guard body["luna_export"] == .int(ClusterExport.format), let tables = body["tables"]?.objectValue else {
                throw .invalid(
                    "Invalid request: not a Luna export: expected {\"luna_export\": \(ClusterExport.format), \"tables\": {…}} as GET /config/cluster/export writes it"
                )
            }
            var out: Row = [:]
            for (name, rows) in tables.sorted(by: { $0.key < $1.key }) {
                guard let table = Table(rawValue: name) else {
                    throw .invalid("Invalid request: the export has an unknown table '\(name)'")
                }
                guard table != .controller else { continue }
                guard let rows = rows.objectValue else {
                    throw .invalid("Invalid request: table \(name) must be an object of rows")
                }
                var sealed: Row = [:]
                for (key, row) in rows {
                    guard var fields = row.objectValue else {
                        throw .invalid("Invalid request: row \(name) \(key) must be an object")
                    }
                    if let field = sealedFields[table], let clear = fields[field]?.stringValue {
                        fields[field] = .string(context.sealer.seal(clear))
                    }
                    sealed[key] = .object(fields)
                }
                out[name] = .object(sealed)
            }
            return .object(["tables": .object(out)])
        },
        apply: { state, _, payload throws(LunaError) in
            let tables = payload["tables"]?.objectValue ?? [:]
            try check(tables)
            for table in Table.allCases where !Table.membership.contains(table) {
                for key in state.keys(table) { state.remove(table, key) }
            }
            for table in Table.allCases where !Table.membership.contains(table) {
                for (key, row) in (tables[table.rawValue]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                    state.put(table, key, row.objectValue ?? [:])
                }
            }
            return .created("Successfully imported config")
        })

    /// Every child row's owner is in the export, and every node's group.
    static func check(_ tables: Row) throws(LunaError) {
        func has(_ table: Table, _ key: String) -> Bool { tables[table.rawValue]?[key] != nil }
        for (child, owner) in owners.sorted(by: { $0.key < $1.key }) {
            for key in (tables[child.rawValue]?.objectValue ?? [:]).keys.sorted() {
                guard key.contains("/"), has(owner, RowKey.split(key).owner) else {
                    throw .invalid("Invalid request: \(child.rawValue) row \(key) belongs to no \(owner.rawValue) in the export")
                }
            }
        }
        for (node, row) in (tables["node"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard let group = row["group"]?.stringValue, has(.group, group) else {
                throw .invalid("Invalid request: node \(node) names a group that is not in the export")
            }
        }
    }
}
