import LunaModel

/// A snapshot's rows as a cluster state, and back.
extension ClusterState {
    /// The state a snapshot holds, every row marked for the store. A table this build does
    /// not know stops here: applying events on a state missing it would diverge from the peers.
    public init(snapshot: Snapshot) throws(LunaError) {
        self.init()
        for (name, rows) in snapshot.tables {
            guard let table = Table(rawValue: name) else {
                throw LunaError(
                    .unavailable, "Service unavailable: the snapshot holds table \(name), which this build does not know: upgrade"
                )
            }
            for (key, row) in rows { put(table, key, row) }
        }
    }

    public func snapshot(heads: [String: ChainHead], last: EventPlace?) -> Snapshot {
        var tables: [String: [String: [String: JSONValue]]] = [:]
        for table in Table.allCases {
            let rows = rows(table)
            if !rows.isEmpty { tables[table.rawValue] = rows }
        }
        return Snapshot(heads: heads, last: last, tables: tables)
    }
}
