/// An event's identity: the controller that wrote it and its position in that origin's log.
public struct EventID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var origin: String
    public var seq: UInt64

    public init(origin: String, seq: UInt64) {
        self.origin = origin
        self.seq = seq
    }

    /// Parses `origin:seq`, the form operators type and `luna log inspect` prints.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"),
            let seq = UInt64(text[text.index(after: colon)...]),
            colon > text.startIndex
        else { return nil }
        self.init(origin: String(text[..<colon]), seq: seq)
    }

    public var description: String { "\(origin):\(seq)" }

    public static func < (lhs: EventID, rhs: EventID) -> Bool {
        (lhs.origin, lhs.seq) < (rhs.origin, rhs.seq)
    }
}
