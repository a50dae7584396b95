import Crypto
import Foundation
import GRDB
import LunaDomain
import LunaModel

/// Per-table Merkle hashes: rows fall into 256 buckets by the first byte of the hash of
/// their key; a bucket hashes its rows in key order; the root hashes the buckets. Two
/// controllers with equal roots hold the same bytes; unequal roots point at buckets.
public struct MerkleTree: Sendable, Equatable {
    public static let bucketCount = 256

    public let buckets: [String]
    public let root: String

    public init(rows: [(key: String, body: String)]) {
        var hashers = [SHA256](repeating: SHA256(), count: Self.bucketCount)
        for row in rows.sorted(by: { $0.key < $1.key }) {
            let bucket = Int(Array(SHA256.hash(data: Array(row.key.utf8)))[0])
            hashers[bucket].update(data: Array(row.key.utf8) + [0] + Array(row.body.utf8) + [10])
        }
        buckets = hashers.map { Self.hex($0.finalize()) }
        var top = SHA256()
        for bucket in buckets { top.update(data: Array(bucket.utf8)) }
        root = Self.hex(top.finalize())
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}

extension ViewStore {
    /// The Merkle root of every replicated table, with the clock of what the views
    /// hold, read in one transaction so a running controller cannot write in between.
    public func merkleRoots() throws -> (clock: VectorClock, roots: [LunaDomain.Table: String]) {
        try queue.read { db in
            var roots: [LunaDomain.Table: String] = [:]
            for table in LunaDomain.Table.allCases {
                let rows = try GRDB.Row.fetchAll(db, sql: "SELECT key, body FROM \(Self.quoted(table)) ORDER BY key")
                roots[table] = MerkleTree(rows: rows.map { ($0["key"], $0["body"]) }).root
            }
            var clock = VectorClock()
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT origin, seq FROM applied") {
                let seq: Int64 = row["seq"]
                clock.advance(row["origin"], to: UInt64(seq))
            }
            return (clock, roots)
        }
    }
}

extension MerkleTree {
    /// The roots of the tables as `state` holds them: what the store's roots are once it
    /// has written that state (the rows are the same canonical bytes).
    public static func roots(of state: ClusterState) -> [LunaDomain.Table: String] {
        var roots: [LunaDomain.Table: String] = [:]
        for table in LunaDomain.Table.allCases {
            let rows = state.rows(table).map { (key: $0.key, body: JSONValue.object($0.value).canonicalText) }
            roots[table] = MerkleTree(rows: rows).root
        }
        return roots
    }
}
