import LunaDomain
import LunaModel
import LunaStore

/// Anti-entropy: peers report their Merkle roots with the clock they were taken at. Equal
/// clocks with unequal roots mean the views drifted (a hand edit, disk rot, a bug). A
/// controller outvoted by its peers rebuilds its views from the log; if that does not
/// settle it, the difference is recorded as an incident for `luna cluster status`.
extension Controller {
    func checkDrift() {
        guard unreleased.isEmpty, appliedClock == core.clock, rootsClock == appliedClock, !core.roots.isEmpty else { return }
        var agreeing = 0
        var differing: [(peer: String, tables: [String])] = []
        for peer in core.peers {
            guard let reported = core.peerRoots[peer], reported.clock == appliedClock else { continue }
            let tables = core.roots.keys.filter { reported.roots[$0] != core.roots[$0] }.sorted()
            if tables.isEmpty { agreeing += 1 } else { differing.append((peer, tables)) }
        }
        guard !differing.isEmpty, differing.count > agreeing else { return }
        let tables = Array(Set(differing.flatMap(\.tables))).sorted().joined(separator: ", ")
        let peers = differing.map(\.peer).joined(separator: ", ")
        if repairedAt != appliedClock {
            repairedAt = appliedClock
            logger.warning("views differ from \(peers) in \(tables) at the same clock: rebuilding them from the log")
            rebuildFromHeldEvents(tentative: Set(order.tentative.map(\.id)))
            do {
                try store.write(&state, clock: appliedClock)
            } catch {
                failure = LunaError(.unavailable, "Service unavailable: the views could not be written: \(error)")
            }
            core.roots = Self.roots(of: state)
            incidents.append(
                "\(name): views differed from \(peers) in \(tables) at clock \(appliedClock.entries.sorted { $0.key < $1.key }); rebuilt from the log"
            )
        } else if reportedDrift != appliedClock {
            reportedDrift = appliedClock
            incidents.append("\(name): views still differ from \(peers) in \(tables) after a rebuild from the log")
        }
    }

    static func roots(of state: ClusterState) -> [String: String] {
        MerkleTree.roots(of: state).reduce(into: [String: String]()) { $0[$1.key.rawValue] = $1.value }
    }
}
