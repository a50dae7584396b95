import Foundation
import LunaDomain
import LunaModel
import LunaServices

/// Holds the floating beacon address on this controller while its lease lasts, and only
/// then. Runs rounds of votes among the full controllers (`BeaconCandidate`), answers the
/// peers' rounds as a voter (`BeaconVoter`), and puts the address on or takes it off the
/// interface (`BeaconAddress`). A check every 50 ms drops the address the moment the lease
/// runs out, whatever a round is waiting on.
public actor BeaconKeeper {
    public struct Settings: Sendable {
        public var interface: String
        /// An address that answers ping, for a pair to tell a dead peer from a cut link.
        public var tiebreaker: String?
        public var lease: Int64

        public init(interface: String, tiebreaker: String?, lease: Int64) {
            self.interface = interface
            self.tiebreaker = tiebreaker
            self.lease = lease
        }
    }

    /// Sends `peer` one of `candidate`'s requests; nil when it gives no answer in time.
    public typealias Ask =
        @Sendable (_ peer: String, _ candidate: String, _ request: BeaconVoter.Request) async ->
        BeaconVoter.Answer?

    let controller: Controller
    let settings: Settings
    let ask: Ask
    let started = ContinuousClock.now
    var voter: BeaconVoter
    var candidate: BeaconCandidate
    /// The address this controller has put on its interface, if any.
    var held: BeaconAddress?
    /// An address change in progress: rounds and checks do not start a second one.
    var changing = false
    var lastFailure: String?
    var plan: FloatingBeacon?
    /// The voters that answered the last round.
    var answeredLast: Set<String> = []

    public init(controller: Controller, settings: Settings, ask: @escaping Ask) {
        self.controller = controller
        self.settings = settings
        self.ask = ask
        voter = BeaconVoter(startedAt: 0, lease: settings.lease)
        candidate = BeaconCandidate(me: controller.name, lease: settings.lease)
    }

    func now() -> Int64 {
        let elapsed = ContinuousClock.now - started
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// A peer's round: this controller's vote.
    public func answer(candidate name: String, request: BeaconVoter.Request) -> BeaconVoter.Answer {
        voter.answer(name, request, at: now())
    }

    /// Rounds and checks until cancelled; the address goes when it ends.
    public func run() async {
        await clearLeftover()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    let pause = await self.round()
                    try? await Task.sleep(for: .milliseconds(pause))
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    await self.enforce()
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            await group.next()
            group.cancelAll()
        }
        candidate = BeaconCandidate(me: controller.name, lease: settings.lease)
        // Run outside the cancelled task, so the removal itself is not cancelled.
        if let held { await Task { try? await held.release() }.value }
        held = nil
    }

    /// A beacon address left on the interface by a run that did not end cleanly.
    func clearLeftover() async {
        guard let plan = try? await controller.read({ state throws(LunaError) in try FloatingBeacon(state: state) }) else {
            return
        }
        let address = BeaconAddress(interface: settings.interface, address: plan.address, prefix: plan.prefix)
        if await address.present() { try? await address.release() }
    }

    /// One round; returns how long to wait before the next, in ms.
    func round() async -> Int64 {
        let me = controller.name
        do throws(LunaError) {
            plan = try await controller.read { state throws(LunaError) in try FloatingBeacon(state: state) }
        } catch {
            note(error.message)
            plan = nil
        }
        guard let plan, let place = plan.candidates.firstIndex(of: me) else {
            candidate = BeaconCandidate(me: me, lease: settings.lease)
            await enforce()
            return settings.lease / 6
        }
        let quorum = BeaconQuorum(voters: plan.candidates, hasTiebreaker: settings.tiebreaker != nil)
        let rank = plan.candidates[..<place].filter(answeredLast.contains).count
        let sentAt = now()
        let kind = candidate.nextRound(
            at: sentAt, rank: rank, onTiebreaker: quorum.peerSilent(me, answered: answeredLast))
        let request: BeaconVoter.Request = kind == .ask ? .ask : .probe
        var answers = [me: voter.answer(me, request, at: sentAt)]
        let ask = self.ask
        // A pair asks its tie-breaker in the same moment as its peer, so both tell of one network.
        let tiebreaker = plan.candidates.count == 2 ? settings.tiebreaker : nil
        var tiebreakerAnswered = false
        await withTaskGroup(of: (String?, BeaconVoter.Answer?).self) { group in
            for peer in plan.candidates where peer != me {
                group.addTask { (peer, await ask(peer, me, request)) }
            }
            if let tiebreaker {
                group.addTask { (nil, await Self.answers(tiebreaker) ? .init(granted: false, holder: nil) : nil) }
            }
            for await (peer, answer) in group {
                if let peer { answers[peer] = answer } else { tiebreakerAnswered = answer != nil }
                // A majority granted: a dead peer's timeout need not hold the round up.
                let granted = Set(answers.filter { $0.value.granted }.keys)
                if kind == .ask, plan.candidates.count > 2,
                    quorum.holds(me, granted: granted, answered: Set(answers.keys), tiebreaker: false)
                {
                    group.cancelAll()
                    break
                }
            }
        }
        let answered = Set(answers.keys)
        answeredLast = answered
        let granted = Set(answers.filter { $0.value.granted }.keys)
        let won = kind == .ask && quorum.holds(me, granted: granted, answered: answered, tiebreaker: tiebreakerAnswered)
        candidate.finished(
            kind, sentAt: sentAt, answers: answers, won: won,
            enough: quorum.couldHold(answered: answered, tiebreaker: tiebreakerAnswered))
        if kind == .ask, !won, !candidate.holds(at: now()) {
            _ = voter.answer(me, .release, at: now())
            for peer in granted where peer != me { Task { _ = await ask(peer, me, .release) } }
        }
        await enforce()
        return candidate.interval(at: now())
    }

    /// Puts the address on while the lease lasts and takes it off when it ends.
    func enforce() async {
        guard !changing else { return }
        let wanted =
            candidate.holds(at: now())
            ? plan.map { BeaconAddress(interface: settings.interface, address: $0.address, prefix: $0.prefix) } : nil
        guard wanted?.address != held?.address else { return }
        changing = true
        defer { changing = false }
        do throws(LunaError) {
            if let held {
                try await held.release()
                self.held = nil
                controller.logger.notice("released the beacon \(held.address)")
            }
            if let wanted, candidate.holds(at: now()) {
                try await wanted.take()
                held = wanted
                lastFailure = nil
                controller.logger.notice("took the beacon \(wanted.address) on \(settings.interface)")
                Task { try? await wanted.announce() }
            }
        } catch {
            note(error.message)
        }
    }

    func note(_ failure: String) {
        guard failure != lastFailure else { return }
        lastFailure = failure
        Task { await controller.recordIncident("beacon: \(failure)") }
    }

    static func answers(_ address: String) async -> Bool {
        let ping = ProgramRun(["ping", "-n", "-c", "1", "-W", "0.4", address], timeout: .seconds(1))
        return (try? await ping.run())?.succeeded == true
    }

    /// For `/ha/state` and `luna cluster status`.
    public var status: JSONValue {
        let now = now()
        let holds = candidate.holds(at: now)
        var out: [String: JSONValue] = [
            "mode": "luna", "interface": .string(settings.interface),
            "address": plan.map { .string($0.address) } ?? .null,
            "holder": holds ? .string(controller.name) : candidate.otherHolder.map(JSONValue.string) ?? .null,
            "held_here": .bool(held != nil),
            "lease_ms": holds ? .int(Int(candidate.until - now)) : .null,
        ]
        if let lastFailure { out["failure"] = .string(lastFailure) }
        return .object(out)
    }
}
