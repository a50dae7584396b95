import LunaModel

/// Everything the views hold, in memory: the state that events are applied to.
/// Mutations go through `put` and `remove`, which keep the address and MAC indexes
/// and the set of rows the store must write.
public struct ClusterState: Sendable {
    public private(set) var tables: [Table: [String: Row]] = [:]
    /// Rows changed since the store last took them, as (table, key).
    public private(set) var dirty: Set<DirtyRow> = []
    /// Per network, every address in use and who holds it (`node/BOOTIF`, `switch:sw1`, …).
    public private(set) var addresses: [String: [IPAddress: String]] = [:]
    /// Per network and family, an address below which no host address is free: where
    /// the search for the next free one may start. Only ever a lower bound, so the
    /// search gives what a scan from the network's start would give, in less time.
    public private(set) var allocationFloors: [String: [IPAddress.Family: UInt128]] = [:]
    /// Every MAC address in use and the row that holds it.
    public private(set) var macs: [String: String] = [:]
    /// Per table, the keys of rows changed since the last `takeTouched` (every row passes
    /// through `index` or `unindex`), so that hashes are redone for those rows only. A
    /// table replaced whole, or with more than `touchedLimit` keys, is touched all over.
    /// Only a state that says so keeps the record (a controller's live one): a rebuild
    /// or a replay would pay for it and never look. Without it, every table counts as
    /// touched all over.
    public var tracksTouched = false
    private var touchedKeys: [Table: Set<String>] = [:]
    private var touchedAll: Set<Table> = []
    static let touchedLimit = 4096

    public enum Touched: Sendable, Equatable {
        case keys(Set<String>)
        case all
    }
    /// Members of each group, for deletes and cascades.
    public private(set) var groupMembers: [String: Set<String>] = [:]
    /// Children (interfaces, secrets) of each owner, per child table.
    public private(set) var children: [Table: [String: Set<String>]] = [:]

    public struct DirtyRow: Hashable, Sendable {
        public var table: Table
        public var key: String
    }

    /// Rows as they were before the change in progress, newest last, for `rollback`.
    private var undo: [(table: Table, key: String, row: Row?)] = []
    private var recording = false

    /// Raised by every change of a row, never lowered, not even by `replace`: a reader
    /// that saw one revision knows the rows are unchanged while it stands.
    public private(set) var revision: UInt64 = 0

    public init() {}

    /// Starts recording an intent's changes so a rejection can undo them all.
    mutating func begin() {
        undo.removeAll(keepingCapacity: true)
        recording = true
    }

    /// Ends an intent. A tentative one keeps its undo record, so the views can go back
    /// to the stable point when a late event sorts before it.
    mutating func commit(tentative: Bool = false) {
        if tentative { journals.append(undo) }
        undo.removeAll(keepingCapacity: true)
        recording = false
    }

    /// The undo records of the intents applied since the snapshot, oldest first: the first
    /// `settledJournals` are stable (kept until compaction folds them, so the snapshot can
    /// be taken from this state), the rest tentative.
    private var journals: [[(table: Table, key: String, row: Row?)]] = []
    private var settledJournals = 0

    /// How many applied intents are still tentative.
    public var tentativeCount: Int { journals.count - settledJournals }

    /// How many applied intents keep an undo record (stable ones not yet folded, and tentative ones).
    public var journaledCount: Int { journals.count }

    /// Takes back every tentative intent, newest first: the state is the stable one again,
    /// and every row that changes is marked for the store.
    public mutating func undoTentative() {
        undoNewest(journals.count - settledJournals)
        revision &+= 1
    }

    private mutating func undoNewest(_ count: Int) {
        for journal in journals.suffix(count).reversed() {
            for entry in journal.reversed() {
                unindex(entry.table, entry.key)
                tables[entry.table]?[entry.key] = entry.row
                if let row = entry.row { index(entry.table, entry.key, row) }
                dirty.insert(DirtyRow(table: entry.table, key: entry.key))
            }
        }
        journals.removeLast(count)
    }

    /// A copy as it was before the newest `count` intents with undo records: the state a
    /// compaction folds, taken without replaying. Only the tables those intents touched are
    /// copied (their entries, not their rows), so it costs a small part of the state.
    public func before(newest count: Int) -> ClusterState {
        var copy = self
        copy.undoNewest(min(count, journals.count))
        copy.journals = []
        copy.settledJournals = 0
        return copy
    }

    /// The oldest `count` stable intents were folded into the snapshot: their records go.
    public mutating func foldSettled(_ count: Int) {
        let folded = min(count, settledJournals)
        journals.removeFirst(folded)
        settledJournals -= folded
    }

    /// Forgets the undo record of the newest intent: a local write that was refused never
    /// becomes an event, so it has no place among the tentative ones.
    public mutating func discardNewestTentative() {
        _ = journals.popLast()
    }

    /// Becomes `other` (a state rebuilt from the events), marking every row that differs
    /// so the store rewrites it.
    public mutating func replace(with other: ClusterState) {
        var changed = dirty.union(other.dirty)
        for table in Table.allCases {
            let mine = tables[table] ?? [:]
            let theirs = other.tables[table] ?? [:]
            for key in Set(mine.keys).union(theirs.keys) where mine[key] != theirs[key] {
                changed.insert(DirtyRow(table: table, key: key))
            }
        }
        let tracking = tracksTouched
        let after = max(revision, other.revision) &+ 1
        self = other
        revision = after
        dirty = changed
        tracksTouched = tracking
        touchedKeys = [:]
        touchedAll = Set(Table.allCases)
    }

    /// The oldest `count` tentative intents became stable: they are never taken back, and
    /// their undo records wait for compaction.
    public mutating func settleTentative(_ count: Int) {
        settledJournals = min(settledJournals + count, journals.count)
    }

    /// Puts back every row the intent in progress changed: a rejection leaves no trace.
    mutating func rollback(tentative: Bool = false) {
        if tentative { journals.append([]) }
        recording = false
        for entry in undo.reversed() {
            unindex(entry.table, entry.key)
            tables[entry.table]?[entry.key] = entry.row
            if let row = entry.row { index(entry.table, entry.key, row) }
        }
        undo.removeAll(keepingCapacity: true)
        revision &+= 1
    }

    public func row(_ table: Table, _ key: String) -> Row? {
        tables[table]?[key]
    }

    public func keys(_ table: Table) -> [String] {
        (tables[table] ?? [:]).keys.sorted()
    }

    public func rows(_ table: Table) -> [String: Row] {
        tables[table] ?? [:]
    }

    public func childKeys(_ table: Table, of owner: String) -> [String] {
        (children[table]?[owner] ?? []).sorted()
    }

    /// Records that every host address of `network` below `floor` is unavailable.
    mutating func raiseAllocationFloor(_ network: String, _ family: IPAddress.Family, to floor: UInt128) {
        if floor > allocationFloors[network]?[family] ?? 0 { allocationFloors[network, default: [:]][family] = floor }
    }

    public mutating func put(_ table: Table, _ key: String, _ row: Row) {
        if recording { undo.append((table, key, tables[table]?[key])) }
        unindex(table, key)
        tables[table, default: [:]][key] = row
        index(table, key, row)
        dirty.insert(DirtyRow(table: table, key: key))
        revision &+= 1
    }

    public mutating func remove(_ table: Table, _ key: String) {
        if recording { undo.append((table, key, tables[table]?[key])) }
        unindex(table, key)
        tables[table]?[key] = nil
        dirty.insert(DirtyRow(table: table, key: key))
        revision &+= 1
    }

    /// What changed in a table since the last call; nil for nothing.
    public mutating func takeTouched(_ table: Table) -> Touched? {
        guard tracksTouched else { return .all }
        if touchedAll.remove(table) != nil {
            touchedKeys[table] = nil
            return .all
        }
        return touchedKeys.removeValue(forKey: table).map(Touched.keys)
    }

    private mutating func touch(_ table: Table, _ key: String) {
        guard tracksTouched, !touchedAll.contains(table) else { return }
        touchedKeys[table, default: []].insert(key)
        if touchedKeys[table]!.count > Self.touchedLimit {
            touchedKeys[table] = nil
            touchedAll.insert(table)
        }
    }

    /// Hands the changed rows to the store and forgets them.
    public mutating func takeDirty() -> Set<DirtyRow> {
        defer { dirty.removeAll(keepingCapacity: true) }
        return dirty
    }

    /// Loads a row read back from the store: indexed, not marked dirty.
    public mutating func load(_ table: Table, _ key: String, _ row: Row) {
        tables[table, default: [:]][key] = row
        index(table, key, row)
        revision &+= 1
    }

    private static let addressTables: Set<Table> = [.nodeinterface, .controller, .switch, .otherdev]

    private static func holder(_ table: Table, _ key: String) -> String {
        table == .nodeinterface ? key : "\(table.rawValue):\(key)"
    }

    private mutating func index(_ table: Table, _ key: String, _ row: Row) {
        touch(table, key)
        if Self.addressTables.contains(table), let network = row["network"]?.stringValue {
            for field in ["ipaddress", "ipaddress_ipv6"] {
                if let text = row[field]?.stringValue, let address = IPAddress(text) {
                    addresses[network, default: [:]][address] = Self.holder(table, key)
                    if allocationFloors[network]?[address.family] == address.value {
                        allocationFloors[network]?[address.family] = address.value + 1
                    }
                }
            }
        }
        if let mac = row["macaddress"]?.stringValue, !mac.isEmpty {
            macs[mac] = Self.holder(table, key)
        }
        if table == .node, let group = row["group"]?.stringValue {
            groupMembers[group, default: []].insert(key)
        }
        if Self.childTables.contains(table) {
            children[table, default: [:]][RowKey.split(key).owner, default: []].insert(key)
        }
    }

    private static let childTables: Set<Table> = [
        .nodeinterface, .groupinterface, .nodesecret, .groupsecret, .osimagetag, .rackinventory, .dns,
    ]

    private mutating func unindex(_ table: Table, _ key: String) {
        touch(table, key)
        // A changed network (range, gateway, DHCP range) may free any address.
        if table == .network { allocationFloors[key] = nil }
        guard let old = tables[table]?[key] else { return }
        if Self.addressTables.contains(table), let network = old["network"]?.stringValue {
            for field in ["ipaddress", "ipaddress_ipv6"] {
                if let text = old[field]?.stringValue, let address = IPAddress(text),
                    addresses[network]?[address] == Self.holder(table, key)
                {
                    addresses[network]?[address] = nil
                    if let floor = allocationFloors[network]?[address.family], address.value < floor {
                        allocationFloors[network]?[address.family] = address.value
                    }
                }
            }
        }
        if let mac = old["macaddress"]?.stringValue, macs[mac] == Self.holder(table, key) {
            macs[mac] = nil
        }
        if table == .node, let group = old["group"]?.stringValue {
            groupMembers[group]?.remove(key)
        }
        if Self.childTables.contains(table) {
            children[table]?[RowKey.split(key).owner]?.remove(key)
        }
    }
}
