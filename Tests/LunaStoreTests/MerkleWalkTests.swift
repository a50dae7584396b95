import LunaStore
import Testing

/// The Merkle tree and the walk down two trees to the rows that differ.
struct MerkleWalkTests {
    static func rows(_ count: Int) -> [(key: String, body: String)] {
        (0..<count).map { (key: "node\($0)", body: #"{"group":"compute"}"#) }
    }

    /// Walks like two controllers would: ask for the root's children, descend where the
    /// hashes differ, compare the rows of each differing leaf.
    static func walk(mine: MerkleTree, theirs: MerkleTree) -> (keys: [String], questions: Int) {
        var frontier: [[Int]] = [[]]
        var keys: [String] = []
        var questions = 0
        while let path = frontier.popLast() {
            questions += 1
            if let hashes = theirs.children(at: path) {
                frontier += MerkleWalk.differingChildren(of: path, mine: mine, theirs: hashes)
            } else if let rows = theirs.rows(at: path) {
                keys += MerkleWalk.differingKeys(at: path, mine: mine, theirs: rows)
            }
        }
        return (keys.sorted(), questions)
    }

    @Test func equalRowsGiveEqualRootsWhateverTheirOrder() {
        let rows = Self.rows(500)
        #expect(MerkleTree(rows: rows).root == MerkleTree(rows: rows.reversed()).root)
        #expect(MerkleTree(rows: rows).root != MerkleTree(rows: Array(rows.dropLast())).root)
    }

    @Test func theWalkFindsOneChangedRowAmongTenThousandInFourQuestions() {
        var changed = Self.rows(10_000)
        changed[4321].body = #"{"group":"tampered"}"#
        let result = Self.walk(mine: MerkleTree(rows: Self.rows(10_000)), theirs: MerkleTree(rows: changed))
        #expect(result.keys == ["node4321"])
        #expect(result.questions == MerkleTree.depth + 1)
    }

    @Test func theWalkFindsRowsPresentOnOneSideOnly() {
        let mine = MerkleTree(rows: Self.rows(1000) + [(key: "extra", body: "{}")])
        let theirs = MerkleTree(rows: Array(Self.rows(1000).dropFirst()))
        #expect(Self.walk(mine: mine, theirs: theirs).keys == ["extra", "node0"])
        #expect(Self.walk(mine: mine, theirs: mine).keys.isEmpty)
    }

    @Test func aTreeUpdatedInPlaceEqualsOneBuiltFromTheChangedRows() {
        var rows = Self.rows(5000)
        var tree = MerkleTree(rows: rows)
        rows[17].body = #"{"group":"other"}"#
        let removed = rows.remove(at: 4000)
        rows.append((key: "new", body: "{}"))
        tree.update([(rows[17].key, rows[17].body), (removed.key, nil), ("new", "{}")])
        #expect(tree == MerkleTree(rows: rows))
        tree.update(rows.map { ($0.key, nil) })
        #expect(tree == MerkleTree(rows: []), "emptied, it is the empty tree again")
    }

    @Test func pathsOutsideTheTreeNameNoNode() {
        let tree = MerkleTree(rows: Self.rows(10))
        #expect(tree.children(at: [])?.count == MerkleTree.fanout)
        #expect(tree.children(at: [15, 15])?.count == MerkleTree.fanout)
        #expect(tree.children(at: [16]) == nil)
        #expect(tree.children(at: [0, 0, 0]) == nil, "a leaf has rows, not children")
        #expect(tree.rows(at: [0, 0]) == nil)
        #expect(tree.rows(at: [0, 0, 0, 0]) == nil)
        let leaves = (0..<4096).map { [$0 >> 8, $0 >> 4 & 15, $0 & 15] }
        #expect(leaves.reduce(0) { $0 + (tree.rows(at: $1)?.count ?? 0) } == 10)
    }
}
