import Foundation
import LunaServices
import Testing

/// The beacon's rounds among three (or two) controllers under seeded schedules: random
/// message delays and losses, clocks that run at slightly different rates, holders killed
/// and restarted (forgetting every promise), links cut and healed. Checked at every
/// millisecond: never two holders. Checked after each death: a new holder within 5 s.
@Suite("Beacon leases, simulated")
struct BeaconSimulationTests {
    static let lease: Int64 = 2400
    static let timeout: Int64 = 400

    /// Deterministic pseudo-random numbers (SplitMix64), so a failing seed replays.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func upTo(_ bound: Int64) -> Int64 { Int64(next() % UInt64(bound + 1)) }
    }

    struct Pending {
        var round: BeaconCandidate.Round
        var sentAt: Int64
        var answers: [String: BeaconVoter.Answer]
        var ends: Int64
        /// Whether the tie-breaker answered, asked with the peer.
        var tiebreaker: Bool
    }

    struct Member {
        var name: String
        /// Local clock = global time × rate / 1000 + offset: rates differ by up to 1%.
        var rate: Int64
        var offset: Int64
        var alive = true
        var voter: BeaconVoter
        var candidate: BeaconCandidate
        var nextRound: Int64 = 0
        /// A round waiting for answers: kind, local send time, answers so far, when it ends (global).
        var pending: Pending?
        /// Who answered the last round.
        var answered: Set<String> = []

        func local(_ now: Int64) -> Int64 { now * rate / 1000 + offset }
    }

    struct World {
        var members: [Member]
        var random: Random
        var cut: Set<String> = []
        var tiebreakerReachable: Set<String> = []
        var hasTiebreaker = false

        func linked(_ a: String, _ b: String) -> Bool { a == b || (!cut.contains(a) && !cut.contains(b)) }
        func index(_ name: String) -> Int { members.firstIndex { $0.name == name }! }
        var names: [String] { members.map(\.name) }

        /// Holders by their own clock at global time `now`.
        func holders(at now: Int64) -> [String] {
            members.filter { $0.alive && $0.candidate.holds(at: $0.local(now)) }.map(\.name)
        }

        mutating func step(at now: Int64) {
            for i in members.indices where members[i].alive {
                if let pending = members[i].pending, now >= pending.ends {
                    finish(i, pending, at: now)
                }
                guard members[i].pending == nil, now >= members[i].nextRound else { continue }
                start(i, at: now)
            }
        }

        mutating func start(_ i: Int, at now: Int64) {
            let me = members[i].name
            let sentAt = members[i].local(now)
            let rank = members[..<i].filter { members[i].answered.contains($0.name) }.count
            let quorum = BeaconQuorum(voters: names, hasTiebreaker: hasTiebreaker)
            let kind = members[i].candidate.nextRound(
                at: sentAt, rank: rank, onTiebreaker: quorum.peerSilent(me, answered: members[i].answered))
            var answers: [String: BeaconVoter.Answer] = [:]
            // Answers by when they come back; a peer that never answers costs the timeout.
            var arrivals: [(at: Int64, name: String, answer: BeaconVoter.Answer?)] = []
            let request: BeaconVoter.Request = kind == .ask ? .ask : .probe
            for j in members.indices {
                if j == i {
                    answers[me] = members[i].voter.answer(me, request, at: sentAt)
                    continue
                }
                // A request lost, or to a dead or cut peer, is never answered.
                let there = random.upTo(60), back = random.upTo(60)
                guard members[j].alive, linked(me, members[j].name), random.upTo(50) > 0, there + back <= timeout else {
                    arrivals.append((now + timeout, members[j].name, nil))
                    continue
                }
                // The voter decides when the request arrives, by its own clock.
                let answer = members[j].voter.answer(me, request, at: members[j].local(now + there))
                arrivals.append((now + there + back, members[j].name, answer))
            }
            var ends = now
            let quorum3 = BeaconQuorum(voters: names, hasTiebreaker: false)
            for arrival in arrivals.sorted(by: { $0.at < $1.at }) {
                ends = arrival.at
                if let answer = arrival.answer { answers[arrival.name] = answer }
                let granted = Set(answers.filter { $0.value.granted }.keys)
                if kind == .ask, names.count > 2,
                    quorum3.holds(me, granted: granted, answered: Set(answers.keys), tiebreaker: false)
                {
                    break
                }
            }
            members[i].pending = Pending(
                round: kind, sentAt: sentAt, answers: answers, ends: ends, tiebreaker: tiebreakerReachable.contains(me))
        }

        mutating func finish(_ i: Int, _ pending: Pending, at now: Int64) {
            let me = members[i].name
            let quorum = BeaconQuorum(voters: names, hasTiebreaker: hasTiebreaker)
            let granted = Set(pending.answers.filter { $0.value.granted }.keys)
            let answered = Set(pending.answers.keys)
            let won =
                pending.round == .ask && quorum.holds(me, granted: granted, answered: answered, tiebreaker: pending.tiebreaker)
            members[i].answered = answered
            if ProcessInfo.processInfo.environment["BEACON_TRACE"] != nil {
                print(now, me, pending.round, pending.answers.mapValues { $0.granted ? "G" : $0.holder ?? "-" }, won)
            }
            members[i].candidate.finished(
                pending.round, sentAt: pending.sentAt, answers: pending.answers, won: won,
                enough: quorum.couldHold(answered: answered, tiebreaker: pending.tiebreaker))
            members[i].pending = nil
            // A loser that holds nothing gives its promises back (each release may be lost too).
            if pending.round == .ask, !won, !members[i].candidate.holds(at: members[i].local(now)) {
                for name in granted {
                    let j = index(name)
                    guard members[j].alive, linked(me, name), j == i || random.upTo(50) > 0 else { continue }
                    _ = members[j].voter.answer(me, .release, at: members[j].local(now))
                }
            }
            members[i].nextRound = now + members[i].candidate.interval(at: members[i].local(now))
        }

        mutating func kill(_ name: String) {
            let i = index(name)
            members[i].alive = false
            members[i].pending = nil
        }

        /// A restart forgets every promise and lease.
        mutating func restart(_ name: String, at now: Int64) {
            let i = index(name)
            members[i].alive = true
            members[i].voter = BeaconVoter(startedAt: members[i].local(now), lease: lease)
            members[i].candidate = BeaconCandidate(me: name, lease: lease)
            members[i].nextRound = now
        }
    }

    static func world(_ names: [String], seed: UInt64, tiebreaker: Bool = false) -> World {
        var random = Random(state: seed)
        let members = names.map { name in
            Member(
                name: name, rate: 990 + random.upTo(20), offset: random.upTo(1_000_000),
                voter: BeaconVoter(startedAt: .min / 2, lease: lease), candidate: BeaconCandidate(me: name, lease: lease))
        }
        var world = World(members: members, random: random)
        world.hasTiebreaker = tiebreaker
        return world
    }

    enum Fault {
        /// The holder dies (the first moment after the fault's time that there is one), and
        /// restarts after the given time.
        case killHolder(restartAfter: Int64)
        /// The holder is cut off from everyone (and, with `tiebreaker`, from the tie-breaker).
        case cutHolder(tiebreaker: Bool)
        case heal
    }

    struct Outcome {
        /// From each holder's death until the next holder, in ms.
        var failovers: [Int64] = []
        var lastHolderAt: Int64 = -1
    }

    /// Runs `world` for `duration` ms with `faults` at their times.
    static func run(_ world: inout World, duration: Int64, faults: [(at: Int64, fault: Fault)]) -> Outcome {
        var outcome = Outcome()
        var pending = faults.sorted { $0.at < $1.at }
        var restarts: [(at: Int64, name: String)] = []
        var killedHolderAt: Int64?
        for now in 0..<duration {
            for restart in restarts where restart.at == now { world.restart(restart.name, at: now) }
            if let next = pending.first, next.at <= now {
                let holder = world.holders(at: now).first
                switch next.fault {
                case .killHolder(let after):
                    if let holder {
                        world.kill(holder)
                        restarts.append((now + after, holder))
                        killedHolderAt = now
                        pending.removeFirst()
                    }
                case .cutHolder(let tiebreaker):
                    if let holder {
                        world.cut.insert(holder)
                        if tiebreaker { world.tiebreakerReachable.remove(holder) }
                        pending.removeFirst()
                    }
                case .heal:
                    world.cut.removeAll()
                    world.tiebreakerReachable = Set(world.names)
                    pending.removeFirst()
                }
            }
            world.step(at: now)
            let holders = world.holders(at: now)
            #expect(holders.count <= 1, "two holders at \(now) ms: \(holders)")
            if holders.count > 1 { return outcome }
            if !holders.isEmpty { outcome.lastHolderAt = now }
            if let since = killedHolderAt, !holders.isEmpty {
                outcome.failovers.append(now - since)
                killedHolderAt = nil
            }
        }
        #expect(pending.isEmpty, "faults never applied (no holder to apply them to): \(pending.count)")
        return outcome
    }

    @Test(arguments: 1...12 as ClosedRange<UInt64>)
    func aTrioNeverHasTwoHoldersAndFailsOverWithinFiveSeconds(seed: UInt64) {
        var world = Self.world(["c1", "c2", "c3"], seed: seed)
        // Every 12 s the holder dies and comes back 8 s later; at 100 s the holder is cut off, healed at 110 s.
        var faults = (0..<8).map { (at: Int64(6000 + $0 * 12_000), fault: Fault.killHolder(restartAfter: 8000)) }
        faults += [(102_000, .cutHolder(tiebreaker: false)), (110_000, .heal)]
        let outcome = Self.run(&world, duration: 120_000, faults: faults)
        #expect(outcome.failovers.count == 8, "each killed holder was followed: \(outcome.failovers)")
        #expect(outcome.failovers.allSatisfy { $0 <= 5000 }, "failover took \(outcome.failovers.max() ?? 0) ms")
        #expect(outcome.lastHolderAt > 115_000, "a holder after the heal")
    }

    @Test(arguments: 1...12 as ClosedRange<UInt64>)
    func aPairWithATiebreakerKeepsOneHolderAcrossACut(seed: UInt64) {
        var world = Self.world(["c1", "c2"], seed: seed, tiebreaker: true)
        // The tie-breaker sits on the beacon network: the side that is cut off loses it too.
        world.tiebreakerReachable = ["c1", "c2"]
        let faults: [(at: Int64, fault: Fault)] = [
            (6000, .cutHolder(tiebreaker: true)), (20_000, .heal), (30_000, .killHolder(restartAfter: 8000)),
        ]
        let outcome = Self.run(&world, duration: 45_000, faults: faults)
        #expect(outcome.failovers.count == 1 && outcome.failovers.allSatisfy { $0 <= 5000 }, "\(outcome.failovers)")
        #expect(outcome.lastHolderAt > 40_000)
    }

    /// The holder dies and is back a second later, quiet for a lease, while a third
    /// controller is cut off: the restarted one and the one left make a majority.
    @Test(arguments: 1...12 as ClosedRange<UInt64>)
    func aRestartedHolderAndTheOneLeftElectWhileTheThirdIsCut(seed: UInt64) {
        var world = Self.world(["c1", "c2", "c3"], seed: seed)
        var killedAt: Int64?
        var victim = ""
        var elected: Int64?
        for now in Int64(0)..<20_000 {
            let holders = world.holders(at: now)
            if now >= 6000, killedAt == nil, let holder = holders.first {
                victim = holder
                world.kill(holder)
                killedAt = now
            }
            if let killedAt, now == killedAt + 1000 {
                world.restart(victim, at: now)
                world.cut.insert(world.names.first { $0 != victim }!)
            }
            world.step(at: now)
            let after = world.holders(at: now)
            #expect(after.count <= 1, "two holders at \(now) ms: \(after)")
            if let killedAt, elected == nil, !after.isEmpty, now > killedAt { elected = now - killedAt }
        }
        #expect(elected.map { $0 <= 5000 } == true, "elected \(elected.map { "after \($0) ms" } ?? "never")")
    }

    @Test func aPairWithoutATiebreakerHoldsNothingWhenItsPeerIsGone() {
        var world = Self.world(["c1", "c2"], seed: 7)
        _ = Self.run(&world, duration: 8000, faults: [(4000, .killHolder(restartAfter: 60_000))])
        #expect(world.holders(at: 7999).isEmpty, "one of two without a tie-breaker cannot tell a dead peer from a cut")
    }
}
