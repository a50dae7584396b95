import LunaDomain
import LunaModel

extension Controller {
    /// Members, lags, agreement of the views, incidents: for `luna cluster status`.
    public func clusterStatus() -> ClusterStatus {
        let mine = currentRoots()
        let clock = appliedClock
        var members = [
            ClusterStatus.Member(
                name: name, role: role(of: name), clock: clock, inSync: core.inSync,
                lagEvents: core.peers.reduce(0) { $0 + Self.lacking(clock, behind: core.report(of: $1)?.clock ?? VectorClock()) },
                lagSeconds: nil)
        ]
        for peer in core.peers {
            let report = core.report(of: peer)
            let theirs = report?.clock ?? VectorClock()
            members.append(
                ClusterStatus.Member(
                    name: peer, role: role(of: peer), clock: theirs, inSync: theirs.covers(clock),
                    lagEvents: Self.lacking(theirs, behind: clock),
                    lagSeconds: report.map { Double(core.hybrid.last.millis - $0.time.millis) / 1000 }))
        }
        var merkle: [String: Bool?] = [:]
        for (table, root) in mine {
            var agree: Bool? = true
            for peer in core.peers {
                guard let reported = core.peerRoots[peer], reported.clock == clock else {
                    agree = nil
                    break
                }
                if reported.roots[table] != root {
                    agree = false
                    break
                }
            }
            merkle[table] = agree
        }
        return ClusterStatus(
            controller: name, members: members, stableTime: core.stableTime, merkle: merkle,
            incidents: incidents + (failure.map { [$0.message] } ?? []),
            logEvents: core.heldCount + unreleased.count, folded: VectorClock(core.folded.mapValues(\.seq)))
    }

    func role(of member: String) -> String {
        ControllerRoles.isShadow(member, in: state) ? "shadow" : member == master ? "master" : "full"
    }

    /// Events `clock` holds that `behind` lacks.
    static func lacking(_ clock: VectorClock, behind: VectorClock) -> Int {
        clock.entries.reduce(0) { $0 + Int($1.value > behind[$1.key] ? $1.value - behind[$1.key] : 0) }
    }
}
