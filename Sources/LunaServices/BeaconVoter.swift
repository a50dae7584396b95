/// One controller's vote on who holds the beacon. A grant is a promise: for one lease
/// from the moment it is given, no other candidate gets this vote. A holder counts its
/// lease from before it asked, so it always runs out before the promises that made it.
/// Pure: the caller gives the time (a monotonic clock, in milliseconds).
public struct BeaconVoter: Sendable {
    public struct Answer: Sendable, Equatable {
        public var granted: Bool
        /// Whom this voter's live promise is for, if anyone.
        public var holder: String?

        public init(granted: Bool, holder: String?) {
            self.granted = granted
            self.holder = holder
        }
    }

    public let lease: Int64
    private var promise: (holder: String, until: Int64)?
    /// A voter that just started may have forgotten a promise it gave before: it grants
    /// nothing for one lease.
    private let quietUntil: Int64

    public init(startedAt: Int64, lease: Int64) {
        self.lease = lease
        quietUntil = startedAt + lease
    }

    public enum Request: String, Sendable {
        /// For this voter's vote.
        case ask
        /// Only whom the promise is for.
        case probe
        /// A candidate that holds nothing and lost its round gives back the promise it got,
        /// so the next round need not wait for it to run out.
        case release
    }

    public mutating func answer(_ candidate: String, _ request: Request, at now: Int64) -> Answer {
        let live = promise.flatMap { $0.until > now ? $0.holder : nil }
        if request == .release, live == candidate {
            promise = nil
            return Answer(granted: false, holder: nil)
        }
        guard request == .ask, now >= quietUntil, live == nil || live == candidate else {
            return Answer(granted: false, holder: live)
        }
        promise = (candidate, now + lease)
        return Answer(granted: true, holder: candidate)
    }
}
