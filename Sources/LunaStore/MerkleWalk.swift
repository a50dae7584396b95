/// The steps of a walk down two controllers' Merkle trees of one table to the rows that
/// differ: compare the peer's hashes of a node's children with one's own and descend
/// where they differ; at a leaf, compare the rows' digests. Pure, so the walk is tested
/// and its bytes measured without a network.
public enum MerkleWalk {
    /// The children of `path` whose hashes differ from the peer's: the next nodes to ask for.
    public static func differingChildren(of path: [Int], mine: MerkleTree, theirs: [String]) -> [[Int]] {
        guard let own = mine.children(at: path), own.count == theirs.count else { return [] }
        return own.indices.filter { own[$0] != theirs[$0] }.map { path + [$0] }
    }

    /// The keys of a leaf whose rows differ: present on one side only, or with other bytes.
    public static func differingKeys(at path: [Int], mine: MerkleTree, theirs: [String: String]) -> [String] {
        let own = mine.rows(at: path) ?? [:]
        return Set(own.keys).union(theirs.keys).filter { own[$0] != theirs[$0] }.sorted()
    }
}
