import LunaDomain
import LunaModel
import LunaReplication
import LunaStore

/// Anti-entropy: peers report their Merkle roots with the clock they were taken at. Equal
/// clocks with unequal roots mean the views drifted (a hand edit, disk rot, a bug). A
/// controller whose views differ from the majority's (or, with no majority, from the
/// master's) first rebuilds them from its log; if they still differ, it walks the trees
/// down to the differing rows and takes them from that peer. Both are incidents for
/// `luna cluster status`.
extension Controller {
    func checkDrift() {
        guard unreleased.isEmpty, appliedClock == core.clock, rootsClock == appliedClock, !core.roots.isEmpty else { return }
        var reported: [String: [String: String]] = [:]
        for peer in core.peers {
            if let report = core.peerRoots[peer], report.clock == appliedClock { reported[peer] = report.roots }
        }
        let differing = reported.filter { differingTables($0.value) != [] }.keys.sorted()
        guard !differing.isEmpty else {
            walks = [:]
            return
        }
        guard let source = trustedPeer(reported) else { return }
        let tables = differingTables(reported[source]!)
        if repairedAt != appliedClock {
            repairedAt = appliedClock
            logger.warning(
                "views differ from \(differing.joined(separator: ", ")) in \(tables.joined(separator: ", ")) at the same clock: rebuilding them from the log"
            )
            do {
                try rebuildFromHeldEvents(tentative: Set(order.tentative.map(\.id)))
            } catch {
                failure = LunaError(.unavailable, "Service unavailable: the views cannot be rebuilt: \(error)")
                return
            }
            writeRepairedViews()
            incidents.append(
                "\(name): views differed from \(differing.joined(separator: ", ")) in \(tables.joined(separator: ", ")) at clock \(appliedClock.entries.sorted { $0.key < $1.key }); rebuilt from the log"
            )
        } else if reportedDrift != appliedClock {
            reportedDrift = appliedClock
            incidents.append(
                "\(name): views still differ from \(source) in \(tables.joined(separator: ", ")) after a rebuild from the log: taking the differing rows from \(source)"
            )
            for table in tables {
                walks[table] = source
                emit(core.send(.treeQuery(table: table, path: []), to: source))
            }
        }
    }

    /// The peer whose views this controller should hold: one of the members holding the
    /// same roots as more than half of all members, or the master when no version has a
    /// majority (a pair). Nil when that is this controller's own version.
    private func trustedPeer(_ reported: [String: [String: String]]) -> String? {
        let versions = Dictionary(grouping: reported.keys.sorted() + [name]) { $0 == name ? core.roots : reported[$0]! }
        if let majority = versions.values.first(where: { $0.count * 2 > core.members.count }) {
            return majority.contains(name) ? nil : majority.first
        }
        guard let master, master != name, let theirs = reported[master], differingTables(theirs) != [] else { return nil }
        return master
    }

    private func differingTables(_ roots: [String: String]) -> [String] {
        core.roots.keys.filter { roots[$0] != core.roots[$0] }.sorted()
    }

    /// A step of a Merkle walk: a peer's question answered from these views, or a peer's
    /// answer followed down (only while the views are still at the clock it was taken at).
    func handleRepair(_ message: PeerMessage) {
        switch message.body {
        case .treeQuery(let table, let path):
            guard let tree = tree(table) else { return }
            let answer = PeerMessage.Body.treeAnswer(
                table: table, path: path, hashes: tree.children(at: path) ?? [], rows: tree.rows(at: path) ?? [:])
            emit(core.send(answer, to: message.from))
        case .rowsQuery(let table, let keys):
            guard let kind = Table(rawValue: table) else { return }
            var rows: [String: String] = [:]
            for key in keys { rows[key] = state.row(kind, key).map { JSONValue.object($0).canonicalText } ?? "" }
            emit(core.send(.rowsAnswer(table: table, rows: rows), to: message.from))
        case .treeAnswer(let table, let path, let hashes, let rows):
            guard walks[table] == message.from, message.clock == appliedClock, let tree = tree(table) else { return }
            if path.count < MerkleTree.depth {
                for child in MerkleWalk.differingChildren(of: path, mine: tree, theirs: hashes) {
                    emit(core.send(.treeQuery(table: table, path: child), to: message.from))
                }
            } else {
                let keys = MerkleWalk.differingKeys(at: path, mine: tree, theirs: rows)
                if !keys.isEmpty { emit(core.send(.rowsQuery(table: table, keys: keys), to: message.from)) }
            }
        case .rowsAnswer(let table, let rows):
            guard walks[table] == message.from, message.clock == appliedClock, let kind = Table(rawValue: table) else { return }
            takeRows(rows, of: kind, from: message.from)
        case .events, .pull, .snapshot:
            break
        }
    }

    /// The last resort: rows from the trusted peer replace this controller's own. They are
    /// not events: a later rebuild from the log would bring the difference back, so the
    /// incident tells the operator.
    private func takeRows(_ rows: [String: String], of table: Table, from peer: String) {
        for (key, body) in rows.sorted(by: { $0.key < $1.key }) {
            if body.isEmpty {
                state.remove(table, key)
            } else if case .object(let row)? = try? JSONParser.parse(Array(body.utf8)) {
                state.put(table, key, row)
            }
        }
        writeRepairedViews()
        let keys = rows.keys.sorted().joined(separator: ", ")
        logger.warning("took \(rows.count) rows of \(table.rawValue) from \(peer): \(keys)")
        incidents.append("\(name): took \(rows.count) rows of \(table.rawValue) from \(peer): \(keys)")
    }

    private func writeRepairedViews() {
        do {
            try store.write(&state, clock: appliedClock)
        } catch {
            failStorage("the views could not be written: \(error)")
        }
        core.roots = currentRoots()
    }

    /// This controller's tree of a table, while the views hold exactly the core's clock.
    private func tree(_ table: String) -> MerkleTree? {
        guard appliedClock == core.clock, let kind = Table(rawValue: table) else { return nil }
        return merkleTree(kind)
    }

    /// The Merkle root of every table.
    func currentRoots() -> [String: String] {
        Table.allCases.reduce(into: [String: String]()) { $0[$1.rawValue] = merkleTree($1).root }
    }

    /// A table's tree as the views hold it now: only the rows touched since the last call
    /// are hashed again (a whole table when it was replaced, or when the tree is new).
    func merkleTree(_ table: Table) -> MerkleTree {
        switch state.takeTouched(table) {
        case .keys(let keys) where trees[table] != nil:
            trees[table]!.update(keys.map { ($0, state.row(table, $0).map { JSONValue.object($0).canonicalText }) })
        case .keys, .all:
            trees[table] = MerkleTree(table, of: state)
        case nil where trees[table] == nil:
            trees[table] = MerkleTree(table, of: state)
        case nil:
            break
        }
        return trees[table]!
    }
}
