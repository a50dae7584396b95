/// The head of one origin's hash chain: its last seq and that event's checksum.
public struct ChainHead: Sendable, Hashable {
    public var seq: UInt64
    public var checksum: String

    public init(seq: UInt64, checksum: String) {
        self.seq = seq
        self.checksum = checksum
    }

    public static let empty = ChainHead(seq: 0, checksum: "")
}
