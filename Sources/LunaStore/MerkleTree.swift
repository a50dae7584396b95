import Crypto
import Foundation
import GRDB
import LunaDomain
import LunaModel

/// Per-table Merkle hashes as a tree of fanout 16 and three levels below the root: a
/// row falls into one of 4,096 leaves by the first 12 bits of its key's SHA-256; a leaf
/// hashes its rows' digests in key order, every other node its 16 children. Equal roots
/// mean the same bytes; unequal ones are walked down to the rows that differ, a few
/// kilobytes for one row among 100,000.
public struct MerkleTree: Sendable, Equatable {
    public static let fanout = 16
    public static let depth = 3
    public static let leafCount = 4096

    /// The hashes of each level below the root, top first: 16, 256, then 4,096 leaves.
    private let levels: [[String]]
    /// Per leaf, the digest of each of its rows by key.
    private let leaves: [[String: String]]
    public let root: String

    public init(rows: [(key: String, body: String)]) {
        var leaves = [[String: String]](repeating: [:], count: Self.leafCount)
        for row in rows {
            leaves[Self.leaf(of: row.key)][row.key] =
                SHA256.hash(data: Array(row.key.utf8) + [0] + Array(row.body.utf8)).lowercaseHex
        }
        var level = leaves.map { leaf in
            guard !leaf.isEmpty else { return Self.emptyHashes[Self.depth] }
            var hasher = SHA256()
            for key in leaf.keys.sorted() { hasher.update(data: Array(key.utf8) + [0] + Array(leaf[key]!.utf8) + [10]) }
            return hasher.finalize().lowercaseHex
        }
        var levels = [level]
        for depth in (0..<Self.depth).reversed() {
            level = stride(from: 0, to: level.count, by: Self.fanout).map { start in
                let children = level[start..<start + Self.fanout]
                if children.allSatisfy({ $0 == Self.emptyHashes[depth + 1] }) { return Self.emptyHashes[depth] }
                return SHA256.hash(data: Array(children.joined().utf8)).lowercaseHex
            }
            levels.insert(level, at: 0)
        }
        self.root = level[0]
        self.levels = Array(levels.dropFirst())
        self.leaves = leaves
    }

    /// The hash of a node with no rows below it, per depth (the root's first, a leaf's
    /// last): most of a small table's tree, computed once.
    private static let emptyHashes: [String] = {
        var hashes = [SHA256.hash(data: [UInt8]()).lowercaseHex]
        for _ in 0..<depth {
            hashes.insert(SHA256.hash(data: Array(String(repeating: hashes[0], count: fanout).utf8)).lowercaseHex, at: 0)
        }
        return hashes
    }()

    /// The leaf a key falls into.
    public static func leaf(of key: String) -> Int {
        let digest = Array(SHA256.hash(data: Array(key.utf8)))
        return Int(digest[0]) << 4 | Int(digest[1]) >> 4
    }

    /// A node's place: the child taken at each level from the root (empty for the root).
    /// Nil when the path is not a node of the tree.
    static func index(of path: [Int]) -> Int? {
        guard path.count <= depth, path.allSatisfy({ (0..<fanout).contains($0) }) else { return nil }
        return path.reduce(0) { $0 * fanout + $1 }
    }

    /// The hashes of a node's 16 children (above the leaves), or nil for no such node.
    public func children(at path: [Int]) -> [String]? {
        guard path.count < Self.depth, let index = Self.index(of: path) else { return nil }
        return Array(levels[path.count][index * Self.fanout..<(index + 1) * Self.fanout])
    }

    /// The digests of a leaf's rows by key, or nil when the path does not name a leaf.
    public func rows(at path: [Int]) -> [String: String]? {
        guard path.count == Self.depth, let index = Self.index(of: path) else { return nil }
        return leaves[index]
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
        for table in LunaDomain.Table.allCases { roots[table] = MerkleTree(table, of: state).root }
        return roots
    }

    /// The tree of one table as `state` holds it.
    public init(_ table: LunaDomain.Table, of state: ClusterState) {
        self.init(rows: state.rows(table).map { (key: $0.key, body: JSONValue.object($0.value).canonicalText) })
    }
}
