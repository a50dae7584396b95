import Crypto
import Foundation
import LunaDomain

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
    /// The Merkle root of every replicated table, by table.
    public func merkleRoots() throws -> [LunaDomain.Table: String] {
        var roots: [LunaDomain.Table: String] = [:]
        for table in LunaDomain.Table.allCases { roots[table] = MerkleTree(rows: try rows(of: table)).root }
        return roots
    }
}
