import Foundation
import GRDB
import LunaDomain
import LunaModel

/// The SQLite views: one table per replicated resource (`key`, canonical JSON `body`),
/// plus what has been applied. Knows no business rules: it stores what apply produced.
/// Views are disposable, so SQLite runs with synchronous=OFF; the log is what is durable.
public final class ViewStore: Sendable {
    public let path: String
    let queue: DatabaseQueue

    public init(path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try Self.migrator.migrate(queue)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-views") { db in
            for table in LunaDomain.Table.allCases {
                try db.execute(
                    sql: "CREATE TABLE \(quoted(table)) (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL) WITHOUT ROWID")
            }
            try db.execute(sql: "CREATE TABLE applied (origin TEXT PRIMARY KEY NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID")
            try db.execute(
                sql:
                    "CREATE TABLE outcome (origin TEXT NOT NULL, seq INTEGER NOT NULL, message TEXT NOT NULL, PRIMARY KEY (origin, seq)) WITHOUT ROWID"
            )
        }
        // Tables added after v1 (cloud, route, dns, osuser, osgroup): created where missing.
        migrator.registerMigration("v2-tables") { db in
            for table in LunaDomain.Table.allCases { try createMissing(table, in: db) }
        }
        // The site plugin table, added with netboot.
        migrator.registerMigration("v3-plugin-table") { db in try createMissing(.plugin, in: db) }
        // The BMC request audit, added with power control.
        migrator.registerMigration("v4-controlaudit-table") { db in try createMissing(.controlaudit, in: db) }
        // The switch ports seen by SNMP, added with switch-port discovery.
        migrator.registerMigration("v5-switchport-table") { db in try createMissing(.switchport, in: db) }
        // Controllers taken out of the cluster, added with membership changes.
        migrator.registerMigration("v6-removedcontroller-table") { db in try createMissing(.removedcontroller, in: db) }
        return migrator
    }

    /// Removes a views database and SQLite's side files, so it can be written anew.
    public static func removeFiles(at path: String) throws {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.removeItem(atPath: path + suffix)
        }
    }

    static func quoted(_ table: LunaDomain.Table) -> String { "\"\(table.rawValue)\"" }

    /// A resource table added after v1, created where an older database lacks it.
    static func createMissing(_ table: LunaDomain.Table, in db: Database) throws {
        try db.execute(
            sql: "CREATE TABLE IF NOT EXISTS \(quoted(table)) (key TEXT PRIMARY KEY NOT NULL, body TEXT NOT NULL) WITHOUT ROWID")
    }

    /// Writes the rows apply changed, the new applied clock and outcomes, in one
    /// transaction: the views never show half an event.
    /// `rejections` records why events were rejected; `accepted` clears that for events a
    /// reordering has since applied.
    public func write(
        _ state: inout ClusterState, clock: VectorClock, rejections: [(EventID, String)] = [], accepted: [EventID] = []
    ) throws {
        // In key order, so the B-trees fill from one end.
        let dirty = state.takeDirty().sorted { ($0.table, $0.key) < ($1.table, $1.key) }
        let bodies = Self.encode(dirty, from: state)
        try queue.write { db in
            // Cached statements: SQL is parsed once per table, not once per row.
            for (row, body) in zip(dirty, bodies) {
                let table = Self.quoted(row.table)
                if let body {
                    let insert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO \(table) (key, body) VALUES (?, ?)")
                    try insert.execute(arguments: [row.key, body])
                } else {
                    try db.cachedStatement(sql: "DELETE FROM \(table) WHERE key = ?").execute(arguments: [row.key])
                }
            }
            let applied = try db.cachedStatement(sql: "INSERT OR REPLACE INTO applied (origin, seq) VALUES (?, ?)")
            for (origin, seq) in clock.entries {
                try applied.execute(arguments: [origin, Int64(seq)])
            }
            for (id, message) in rejections {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO outcome (origin, seq, message) VALUES (?, ?, ?)",
                    arguments: [id.origin, Int64(id.seq), message])
            }
            for id in accepted {
                try db.execute(sql: "DELETE FROM outcome WHERE origin = ? AND seq = ?", arguments: [id.origin, Int64(id.seq)])
            }
        }
    }

    /// The canonical JSON of each changed row (nil: deleted). A rebuild changes every row
    /// at once, so large sets are encoded on every core.
    static func encode(_ dirty: [ClusterState.DirtyRow], from state: ClusterState) -> [String?] {
        let encodeRow: @Sendable (ClusterState.DirtyRow) -> String? = { row in
            state.row(row.table, row.key).map { JSONValue.object($0).canonicalText }
        }
        guard dirty.count > 4096 else { return dirty.map(encodeRow) }
        // Each index is written by exactly one iteration: no two threads touch the same slot.
        nonisolated(unsafe) let bodies = UnsafeMutableBufferPointer<String?>.allocate(capacity: dirty.count)
        defer { bodies.deallocate() }
        let chunks = ProcessInfo.processInfo.activeProcessorCount * 4
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for index in stride(from: chunk, to: dirty.count, by: chunks) {
                (bodies.baseAddress! + index).initialize(to: encodeRow(dirty[index]))
            }
        }
        let result = Array(bodies)
        _ = bodies.baseAddress!.deinitialize(count: dirty.count)
        return result
    }

    /// Reads every view back into memory, with the clock of what they hold.
    public func load() throws -> (state: ClusterState, clock: VectorClock) {
        try queue.read { db in
            var state = ClusterState()
            for table in LunaDomain.Table.allCases {
                let rows = try Row.fetchAll(db, sql: "SELECT key, body FROM \(Self.quoted(table))")
                for row in rows {
                    let key: String = row["key"]
                    let body: String = row["body"]
                    guard case .object(let fields) = try JSONParser.parse(body) else {
                        throw ViewStoreError(reason: "row \(key) of table \(table.rawValue) is not a JSON object")
                    }
                    state.load(table, key, fields)
                }
            }
            var clock = VectorClock()
            for row in try Row.fetchAll(db, sql: "SELECT origin, seq FROM applied") {
                let seq: Int64 = row["seq"]
                clock.advance(row["origin"], to: UInt64(seq))
            }
            return (state, clock)
        }
    }

    /// The rejection recorded for an event, if it was rejected when applied.
    public func rejection(of id: EventID) throws -> String? {
        try queue.read { db in
            try String.fetchOne(
                db, sql: "SELECT message FROM outcome WHERE origin = ? AND seq = ?", arguments: [id.origin, Int64(id.seq)])
        }
    }
}

public struct ViewStoreError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "the views are unreadable: \(reason)" }
}
