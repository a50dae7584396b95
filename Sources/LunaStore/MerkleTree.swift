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

    /// The hashes of each level, the root's first: 1, 16, 256, then the 4,096 leaves.
    private var levels: [[String]]
    /// Per leaf, the digest of each of its rows by key.
    private var leaves: [[String: String]]
    public var root: String { levels[0][0] }

    public init(rows: [(key: String, body: String)]) {
        leaves = [[String: String]](repeating: [:], count: Self.leafCount)
        for row in rows { leaves[Self.leaf(of: row.key)][row.key] = Self.digest(row.key, row.body) }
        levels = (0...Self.depth).map { depth in
            [String](repeating: Self.emptyHashes[depth], count: 1 << (4 * depth))
        }
        rehash(leaves: Set(leaves.indices.filter { !leaves[$0].isEmpty }))
    }

    /// Changes the rows under these keys (a nil body: no row), hashing again only the
    /// leaves they fall in and the nodes above those.
    public mutating func update(_ changes: [(key: String, body: String?)]) {
        var touched = Set<Int>()
        for change in changes {
            let leaf = Self.leaf(of: change.key)
            leaves[leaf][change.key] = change.body.map { Self.digest(change.key, $0) }
            touched.insert(leaf)
        }
        rehash(leaves: touched)
    }

    private mutating func rehash(leaves touched: Set<Int>) {
        var nodes = touched
        for depth in (0...Self.depth).reversed() {
            for index in nodes {
                levels[depth][index] = depth == Self.depth ? Self.hash(leaf: leaves[index]) : hash(node: index, at: depth)
            }
            nodes = Set(nodes.map { $0 / Self.fanout })
        }
    }

    private static func digest(_ key: String, _ body: String) -> String {
        SHA256.hash(data: Array(key.utf8) + [0] + Array(body.utf8)).lowercaseHex
    }

    private static func hash(leaf: [String: String]) -> String {
        guard !leaf.isEmpty else { return emptyHashes[depth] }
        var hasher = SHA256()
        for key in leaf.keys.sorted() { hasher.update(data: Array(key.utf8) + [0] + Array(leaf[key]!.utf8) + [10]) }
        return hasher.finalize().lowercaseHex
    }

    private func hash(node index: Int, at depth: Int) -> String {
        let children = levels[depth + 1][index * Self.fanout..<(index + 1) * Self.fanout]
        if children.allSatisfy({ $0 == Self.emptyHashes[depth + 1] }) { return Self.emptyHashes[depth] }
        return SHA256.hash(data: Array(children.joined().utf8)).lowercaseHex
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
        return Array(levels[path.count + 1][index * Self.fanout..<(index + 1) * Self.fanout])
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
