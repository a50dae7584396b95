import Foundation
import LunaDomain
import LunaModel
import LunaReplication

/// Taking controllers out of the cluster. A removal is written only once the members that
/// stay refuse the removed controller and hold every event of it that any of them holds;
/// after it, no later event of that origin is taken, so they keep one history, and
/// stability (and with it compaction) stops waiting for the member that is gone.
extension Controller {
    /// A member heard from within this long counts as running: `remove` refuses it.
    public static let aliveWindow: Int64 = 10_000

    /// How long a member's request to refuse a controller it removes holds here after its
    /// last message: it asks again in every message while the removal lasts.
    static let fenceLease: Int64 = 60_000

    /// The sentence a peer's message is refused with, if it is refused.
    func refusal(of message: PeerMessage) -> String? {
        let removal = removals[message.from]
        if removal?.through != nil || removal?.incarnations.contains(message.incarnation) == true {
            return Removal.refusal(message.from)
        }
        let remover =
            fenced.contains(message.from)
            ? name : fencedFor[message.from].flatMap { $0.until > physicalMillis() ? $0.by : nil }
        if let remover {
            return "controller \(message.from) is being removed from the cluster by \(remover); its messages are refused"
        }
        return nil
    }

    /// The peers whose messages are refused here now because they are being removed.
    var refusedPeers: Set<String> {
        let now = physicalMillis()
        return fenced.union(fencedFor.filter { $0.value.until > now }.keys)
    }

    /// Takes a peer's word on removals: whom it is removing (refused here too from now on)
    /// and whom it refuses.
    func noteFences(_ message: PeerMessage) {
        peerRefusing[message.from] = Set(message.refusing)
        let now = physicalMillis()
        fencedFor = fencedFor.filter { $0.value.until > now }
        for target in message.removing where target != name {
            fencedFor[target] = (message.from, now + Self.fenceLease)
        }
    }

    /// A peer refused this controller's messages because it was taken out: from now on it
    /// takes no writes, and says why.
    public func noteRefused(by peer: String, reason: String) {
        refusedBy.insert(peer)
        guard failure == nil else { return }
        let sentence = "\(peer) refuses this controller: \(reason)"
        logger.error("\(sentence)")
        recordIncident(sentence)
        failure = LunaError(.unavailable, "Service unavailable: \(sentence)")
    }

    /// Takes dead members out: each must be silent, the others must confirm refusing it and
    /// holding all of its events that any of them holds; then one `Controller.remove` each
    /// is written, and the request ends when the others hold those too.
    public func removeMembers(_ names: [String], actor: String, requestID: String, timeout: Int64 = 30_000)
        async throws(LunaError) -> [Outcome]
    {
        let targets = Set(names)
        guard !targets.isEmpty else { throw .invalid("Invalid request: name the controllers to remove") }
        let now = physicalMillis()
        for target in targets.sorted() {
            guard target != name else {
                throw .invalid(
                    "Invalid request: controller \(name) cannot remove itself: run `luna cluster leave` against it, "
                        + "or `luna cluster remove \(name)` on another member once it is stopped")
            }
            guard state.row(.controller, target) != nil else {
                if removals[target]?.through != nil {
                    throw .invalid("Invalid request: controller \(target) was removed from the cluster already")
                }
                throw .notFound("Controller \(target) not found")
            }
            if let heard = lastHeard[target], now - heard < Self.aliveWindow {
                throw .invalid(
                    "Invalid request: controller \(target) answered \(String(format: "%.1f", Double(now - heard) / 1000)) s "
                        + "ago, so it is running: stop lunad there first, or run `luna cluster leave` against it")
            }
        }
        fenced.formUnion(targets)
        defer { fenced.subtract(targets) }
        let stay = core.peers.filter { !targets.contains($0) }
        let removed = targets.sorted().joined(separator: ", ")
        var through: [String: UInt64] = [:]
        while true {
            for target in targets {
                through[target] = stay.reduce(core.clock[target]) { max($0, core.report(of: $1)?.clock[target] ?? 0) }
            }
            // A member's clock counts once it refuses the removed too, in a message sent since
            // the request began: nothing of theirs reaches it, or through it the others, after.
            let unconfirmed = stay.filter { peer in
                (lastHeard[peer] ?? .min) <= now || !(peerRefusing[peer] ?? []).isSuperset(of: targets)
                    || targets.contains { core.report(of: peer)?.clock[$0] ?? 0 < through[$0]! }
            }
            let lacking = targets.filter { core.clock[$0] < through[$0]! }
            if unconfirmed.isEmpty && lacking.isEmpty { break }
            guard physicalMillis() - now < timeout else {
                let who = unconfirmed + (lacking.isEmpty ? [] : [name])
                throw LunaError(
                    .unavailable,
                    "Service unavailable: nothing was removed: \(who.joined(separator: ", ")) did not confirm within "
                        + "\(timeout / 1000) s that it refuses \(removed) and holds every event of theirs the others hold; "
                        + "a member that is dead too must be removed in the same request")
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        var outcomes: [Outcome] = []
        for target in targets.sorted() {
            var body: Row = ["through": .int(Int(through[target]!))]
            if let incarnation = core.incarnation(of: target) { body["incarnation"] = .int(Int(incarnation)) }
            outcomes.append(
                try await submit(MembershipIntents.removeIntent, object: target, body: body, actor: actor, requestID: requestID))
        }
        // The others refuse the removed only while asked to; once they hold the removals,
        // they refuse them for good.
        try await waitUntilPeersHold(stay, seq: log.heads[name]?.seq ?? 0, since: physicalMillis(), timeout: timeout) {
            "the removal of \(removed) is written, but \($0) did not confirm within \(timeout / 1000) s that it holds it: "
                + "it gets it when it answers again"
        }
        return outcomes
    }

    /// This controller leaves: it stops taking writes, waits until every other member holds
    /// all its events, writes its own removal as its last event, and waits until they hold
    /// that too. Every other member must be running.
    public func leave(actor: String, requestID: String, timeout: Int64 = 30_000) async throws(LunaError) -> Outcome {
        if let failure { throw failure }
        let peers = core.peers
        guard !peers.isEmpty else {
            throw .invalid("Invalid request: controller \(name) is the only member; there is no cluster to leave")
        }
        let start = physicalMillis()
        let silent = peers.filter { peer in lastHeard[peer].map { start - $0 >= Self.aliveWindow } ?? true }
        guard silent.isEmpty else {
            throw LunaError(
                .invalid,
                "Invalid request: \(silent.joined(separator: ", ")) did not answer in the last "
                    + "\(Self.aliveWindow / 1000) s, and the members that stay must hold every event of \(name) before it "
                    + "leaves: bring it back, or remove it first with `luna cluster remove` on another member")
        }
        leaving = true
        do {
            try await waitUntilPeersHold(peers, seq: log.heads[name]?.seq ?? 0, since: start, timeout: timeout) {
                "\($0) did not confirm within \(timeout / 1000) s that it holds every event of \(name); nothing was written "
                    + "and \(name) takes writes again"
            }
        } catch {
            leaving = false
            throw error
        }
        let through = (log.heads[name]?.seq ?? 0) + 1
        let outcome: Outcome
        do {
            outcome = try await submit(
                MembershipIntents.removeIntent, object: name,
                body: ["through": .int(Int(through)), "incarnation": .int(Int(core.incarnation))], actor: actor,
                requestID: requestID)
        } catch {
            leaving = false
            throw error
        }
        try await waitUntilPeersHold(peers, seq: through, since: start, timeout: timeout) {
            "the removal of \(name) is written, but \($0) did not confirm within \(timeout / 1000) s that it holds it: "
                + "it gets it when it answers again"
        }
        return outcome
    }

    /// Waits until every one of `peers` has reported, since `since`, holding this
    /// controller's own events up to `seq`, or refused it as removed (it holds the removal).
    private func waitUntilPeersHold(
        _ peers: [String], seq: UInt64, since: Int64, timeout: Int64, failure: (String) -> String
    ) async throws(LunaError) {
        while true {
            let missing = peers.filter { peer in
                guard !refusedBy.contains(peer) else { return false }
                return (lastHeard[peer] ?? .min) <= since || core.report(of: peer)?.clock[name] ?? 0 < seq
            }
            if missing.isEmpty { return }
            guard physicalMillis() - since < timeout else {
                throw LunaError(.unavailable, "Service unavailable: " + failure(missing.joined(separator: ", ")))
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
