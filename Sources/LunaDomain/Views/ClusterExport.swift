import LunaModel

/// Every row of the views but the controllers', secrets opened: what
/// `/config/cluster/import` restores (`ClusterImportIntents`).
public enum ClusterExport {
    public static let format = 1

    public static func export(_ state: ClusterState, opener: any SecretSealer) -> JSONValue {
        var tables: Row = [:]
        for table in Table.allCases where !Table.membership.contains(table) {
            var rows: Row = [:]
            for (key, row) in state.rows(table) {
                var shown = row
                if let field = ClusterImportIntents.sealedFields[table], let sealed = row[field]?.stringValue {
                    shown[field] = opener.open(sealed).map(JSONValue.string) ?? .null
                }
                rows[key] = .object(shown)
            }
            if !rows.isEmpty { tables[table.rawValue] = .object(rows) }
        }
        return ["luna_export": .int(format), "tables": .object(tables)]
    }
}
