import LunaServices
import Testing

@Suite("Beacon votes")
struct BeaconVoteTests {
    @Test func aVoterPromisesOneCandidateForOneLeaseAndProbesGrantNothing() {
        var voter = BeaconVoter(startedAt: -10_000, lease: 3000)
        #expect(voter.answer("c2", .probe, at: 0) == .init(granted: false, holder: nil))
        #expect(voter.answer("c1", .ask, at: 0) == .init(granted: true, holder: "c1"))
        #expect(voter.answer("c2", .ask, at: 2999) == .init(granted: false, holder: "c1"))
        #expect(voter.answer("c1", .ask, at: 2000).granted, "the holder renews")
        #expect(!voter.answer("c2", .ask, at: 4999).granted, "the renewal counts from when it was given")
        #expect(voter.answer("c2", .ask, at: 5000) == .init(granted: true, holder: "c2"))
    }

    @Test func aReleasedPromiseFreesTheVoteAndOnlyItsHolderReleasesIt() {
        var voter = BeaconVoter(startedAt: -10_000, lease: 3000)
        #expect(voter.answer("c1", .ask, at: 0).granted)
        #expect(voter.answer("c2", .release, at: 10) == .init(granted: false, holder: "c1"))
        #expect(voter.answer("c1", .release, at: 20) == .init(granted: false, holder: nil))
        #expect(voter.answer("c2", .ask, at: 30).granted)
    }

    @Test func aVoterThatJustStartedGrantsNothingForOneLease() {
        var voter = BeaconVoter(startedAt: 100, lease: 3000)
        #expect(!voter.answer("c1", .ask, at: 3099).granted)
        #expect(voter.answer("c1", .ask, at: 3100).granted)
    }

    @Test func quorums() {
        let trio = BeaconQuorum(voters: ["c1", "c2", "c3"], hasTiebreaker: false)
        #expect(trio.holds("c1", granted: ["c1", "c3"], answered: ["c1", "c3"], tiebreaker: false))
        #expect(!trio.holds("c1", granted: ["c1"], answered: ["c1", "c2", "c3"], tiebreaker: true))
        #expect(
            !trio.holds("c1", granted: ["c2", "c3"], answered: ["c1", "c2", "c3"], tiebreaker: false), "its own vote is needed")
        let pair = BeaconQuorum(voters: ["c1", "c2"], hasTiebreaker: true)
        #expect(pair.holds("c1", granted: ["c1", "c2"], answered: ["c1", "c2"], tiebreaker: false))
        #expect(pair.holds("c1", granted: ["c1"], answered: ["c1"], tiebreaker: true))
        #expect(!pair.holds("c1", granted: ["c1"], answered: ["c1"], tiebreaker: false))
        #expect(!pair.holds("c1", granted: ["c1"], answered: ["c1", "c2"], tiebreaker: true), "a peer that refused is alive")
        #expect(!pair.needsTiebreaker("c1", granted: ["c1"], answered: ["c1", "c2"]))
        #expect(
            BeaconQuorum(voters: ["c1"], hasTiebreaker: false).holds("c1", granted: ["c1"], answered: ["c1"], tiebreaker: false))
        #expect(!trio.holds("c9", granted: ["c9", "c1", "c2"], answered: ["c1", "c2", "c9"], tiebreaker: false), "not a voter")
    }

    @Test func theLeaseEndsBeforeThePromisesThatMadeIt() {
        var candidate = BeaconCandidate(me: "c1", lease: 3000)
        #expect(candidate.nextRound(at: 0, rank: 0) == .probe)
        candidate.finished(.probe, sentAt: 0, answers: ["c1": .init(granted: false, holder: nil)], won: false, enough: false)
        #expect(candidate.nextRound(at: 10, rank: 0) == .probe, "too few answered to know no one holds it")
        candidate.finished(.probe, sentAt: 0, answers: ["c1": .init(granted: false, holder: nil)], won: false, enough: true)
        #expect(candidate.nextRound(at: 10, rank: 0) == .ask, "the first in preference asks at once")
        #expect(candidate.nextRound(at: 10, rank: 2) == .probe, "the third waits its turn")
        #expect(candidate.nextRound(at: 2000, rank: 2) == .ask)
        candidate.finished(.ask, sentAt: 100, answers: [:], won: true, enough: true)
        #expect(candidate.holds(at: 2599) && !candidate.holds(at: 2600), "lease 3000 from before the round, less 500")
        candidate.finished(
            .probe, sentAt: 0, answers: ["c2": .init(granted: false, holder: "c3")], won: false, enough: true)
        #expect(candidate.otherHolder == "c3")
    }
}
