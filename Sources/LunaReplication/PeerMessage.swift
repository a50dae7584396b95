import LunaModel

/// What controllers say to each other. Every message carries the sender's vector clock
/// and hybrid time: receivers merge the time and learn how far the sender has come,
/// which is what stability is computed from.
public struct PeerMessage: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        /// Events the receiver may lack: a new local event pushed at once, or a reply to a pull.
        case events([Event])
        /// "This is what I have": the receiver answers with what the sender lacks.
        case pull
        /// Anti-entropy: the hashes below one node (`path` from the root) of a table's Merkle tree.
        case treeQuery(table: String, path: [Int])
        /// The answer: the node's child hashes, or at a leaf the digests of its rows by key.
        case treeAnswer(table: String, path: [Int], hashes: [String], rows: [String: String])
        /// The rows of a table under these keys, to take them from the majority.
        case rowsQuery(table: String, keys: [String])
        /// The rows asked for, as canonical JSON; an empty text means there is no such row.
        case rowsAnswer(table: String, rows: [String: String])
        /// The sender's snapshot, for a receiver that pulled events it has folded.
        case snapshot(Snapshot)
    }

    public var from: String
    /// A random number drawn when the sender's data directory was created: a controller wiped
    /// and started again is a new incarnation, whose reports replace the old one's.
    public var incarnation: Int64
    public var clock: VectorClock
    public var time: HybridTime
    /// The latest time the sender holds for the receiver: the most it heard from any of the
    /// receiver's incarnations, and at least its own last stable event's time. A receiver
    /// that lost its data (and its ceiling) starts its clock above it.
    public var seen: HybridTime
    public var body: Body
    /// The sender's Merkle root per table, at `clock` (pulls carry them): equal clocks with
    /// unequal roots mean the views drifted apart.
    public var roots: [String: String]
    /// Controllers the sender is taking out of the cluster: the receiver refuses their
    /// messages too, so no event of theirs enters after the sender counted what is held.
    public var removing: [String]
    /// Controllers whose messages the sender refused as it sent this: a remover counts the
    /// sender's clock only once it says so.
    public var refusing: [String]

    public init(
        from: String, incarnation: Int64 = 0, clock: VectorClock, time: HybridTime, seen: HybridTime = HybridTime(millis: 0),
        body: Body, roots: [String: String] = [:], removing: [String] = [], refusing: [String] = []
    ) {
        self.from = from
        self.incarnation = incarnation
        self.clock = clock
        self.time = time
        self.seen = seen
        self.body = body
        self.roots = roots
        self.removing = removing
        self.refusing = refusing
    }
}

/// A message and the peer it goes to.
public struct Outgoing: Sendable, Equatable {
    public var to: String
    public var message: PeerMessage

    public init(to: String, message: PeerMessage) {
        self.to = to
        self.message = message
    }
}
