/// One controller's side of holding the beacon, as rounds of votes. A holder asks every
/// third of a lease to renew. A controller that holds nothing only asks whom the voters
/// have promised; once enough of them answered that none has promised anyone, it asks for
/// their votes itself, after a pause that grows with its rank among the live controllers
/// (longer than the time between looks), so the preferred live one asks first and votes
/// do not split. Pure: the caller runs the rounds and gives the time (monotonic, ms).
public struct BeaconCandidate: Sendable {
    public enum Round: Sendable, Equatable {
        /// Ask for votes (grants).
        case ask
        /// Only ask whom the voters have promised.
        case probe
    }

    public let me: String
    public let lease: Int64
    /// Held while the clock is before this: the lease counted from before the round that won it,
    /// less a margin for clocks that run at slightly different rates.
    public private(set) var until: Int64 = .min
    /// Since when every voter that answered had promised no one else.
    private var freeSince: Int64?
    /// Whom the voters promised in the last round, when not this controller.
    public private(set) var otherHolder: String?

    public init(me: String, lease: Int64) {
        self.me = me
        self.lease = lease
    }

    public var margin: Int64 { lease / 6 }
    /// Between rounds: a holder renews every third of a lease; the others look more often.
    public func interval(at now: Int64) -> Int64 { holds(at: now) ? lease / 3 : lease / 12 }

    public func holds(at now: Int64) -> Bool { now < until }

    /// What the round starting now does; `rank` counts the controllers preferred to this one
    /// that answered the last round. `onTiebreaker`: a pair whose peer is silent, free only
    /// by the tie-breaker's word, waits a quarter lease of such rounds before it asks, so one
    /// lost answer from a live peer does not make a second holder.
    public func nextRound(at now: Int64, rank: Int, onTiebreaker: Bool = false) -> Round {
        if holds(at: now) { return .ask }
        guard let freeSince else { return .probe }
        let wait = max(Int64(rank) * (lease / 3), onTiebreaker ? lease / 4 : 0)
        return now - freeSince >= wait ? .ask : .probe
    }

    /// A round that started at `sentAt` ended with these answers and, for an ask, whether
    /// the votes made a holder; `enough` says whether those who answered could make one.
    public mutating func finished(
        _ round: Round, sentAt: Int64, answers: [String: BeaconVoter.Answer], won: Bool, enough: Bool
    ) {
        if round == .ask, won {
            until = max(until, sentAt + lease - margin)
            freeSince = nil
            otherHolder = nil
            return
        }
        var promised: [String: Int] = [:]
        for answer in answers.values {
            if let holder = answer.holder, holder != me { promised[holder, default: 0] += 1 }
        }
        otherHolder = promised.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key
        if otherHolder == nil, enough {
            if round == .probe { freeSince = freeSince ?? sentAt }
        } else {
            freeSince = nil
        }
    }
}
