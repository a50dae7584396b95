/// Whether the votes of one round make a holder. A trio (or more) needs a majority of the
/// full controllers. A pair needs both, or, when the peer gave no answer at all, this
/// controller's own vote and the tie-breaker address answering: the side of a partition
/// that still reaches the tie-breaker keeps the beacon. A lone controller needs its own.
public struct BeaconQuorum: Sendable, Equatable {
    public var voters: [String]
    public var hasTiebreaker: Bool

    public init(voters: [String], hasTiebreaker: Bool) {
        self.voters = voters
        self.hasTiebreaker = hasTiebreaker
    }

    /// Whether answers from `answered` (and the tie-breaker's, for a pair) could make a
    /// holder at all: until they could, no one is taken to be free of promises.
    public func couldHold(answered: Set<String>, tiebreaker: Bool) -> Bool {
        let count = answered.intersection(voters).count
        switch voters.count {
        case 1: return count == 1
        case 2: return count == 2 || (hasTiebreaker && tiebreaker)
        default: return count * 2 > voters.count
        }
    }

    /// A pair with a tie-breaker whose peer gave no answer.
    public func peerSilent(_ me: String, answered: Set<String>) -> Bool {
        voters.count == 2 && hasTiebreaker && !answered.contains(voters.first { $0 != me } ?? me)
    }

    /// A pair whose peer did not answer: only the tie-breaker can decide.
    public func needsTiebreaker(_ me: String, granted: Set<String>, answered: Set<String>) -> Bool {
        guard voters.count == 2, hasTiebreaker, granted.contains(me), let peer = voters.first(where: { $0 != me })
        else { return false }
        return !answered.contains(peer)
    }

    /// `granted` and `answered` name voters; `tiebreaker` is whether its address answered.
    public func holds(_ me: String, granted: Set<String>, answered: Set<String>, tiebreaker: Bool) -> Bool {
        guard voters.contains(me), granted.contains(me) else { return false }
        let votes = granted.intersection(voters).count
        switch voters.count {
        case 1: return true
        case 2: return votes == 2 || (needsTiebreaker(me, granted: granted, answered: answered) && tiebreaker)
        default: return votes * 2 > voters.count
        }
    }
}
