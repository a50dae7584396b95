import LunaDomain
import LunaModel
import Testing

/// Seals by prefixing, so tests can see that a value went through the sealer.
struct FakeSealer: SecretSealer {
    func seal(_ clear: String) -> String { "sealed:" + clear }
    func open(_ sealed: String) -> String? {
        sealed.hasPrefix("sealed:") ? String(sealed.dropFirst("sealed:".count)) : nil
    }
}

/// A cluster state driven the way the controller drives it: prepare, then apply an event.
struct Harness {
    var state = ClusterState()
    var seq: UInt64 = 0

    static let context = PrepareContext(sealer: FakeSealer())

    /// Builds the event the controller would write for this intent.
    mutating func event(
        _ intent: String, _ object: String, _ payload: JSONValue, version: Int = 1, format: Int = Event.currentFormat
    ) -> Event {
        seq += 1
        return Event(
            format: format, origin: "c1", seq: seq, clock: VectorClock(["c1": seq - 1]),
            time: HybridTime(millis: Int64(seq)), intent: intent, intentVersion: version, object: object,
            payload: payload, actor: "test", requestID: "r", previousHash: "")
    }

    /// Only the prepare step: the normalised payload, or the error it throws.
    static func prepare(_ intent: String, _ object: String, _ body: Row = [:]) throws(LunaError) -> JSONValue {
        guard let handler = IntentRegistry.current.handlers[intent] else {
            throw LunaError.invalid("test: no handler \(intent)")
        }
        return try handler.prepare(object, body, context)
    }

    /// Prepare + apply in one call. Throws the prepare error; apply rejections come back as `.rejected`.
    @discardableResult
    mutating func run(_ intent: String, _ object: String, _ body: Row = [:]) throws(LunaError) -> Outcome {
        let payload = try Self.prepare(intent, object, body)
        switch IntentRegistry.current.apply(event(intent, object, payload), to: &state) {
        case .applied(let outcome): return outcome
        case .upgradeNeeded(let text): throw LunaError.invalid("test: upgrade needed: \(text)")
        }
    }

    /// Runs an intent that must succeed; records an issue (with the message) otherwise.
    @discardableResult
    mutating func ok(
        _ intent: String, _ object: String, _ body: Row = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) -> Outcome? {
        do {
            let outcome = try run(intent, object, body)
            if case .rejected(let error) = outcome {
                Issue.record("\(intent) \(object) was rejected: \(error.message)", sourceLocation: sourceLocation)
                return nil
            }
            return outcome
        } catch {
            Issue.record("\(intent) \(object) failed in prepare: \(error.message)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Runs an intent that must pass prepare and be rejected by apply, and checks that the
    /// rejection left the state exactly as it was. Returns the rejection.
    @discardableResult
    mutating func rejected(
        _ intent: String, _ object: String, _ body: Row = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) -> LunaError? {
        let before = Snapshot(state)
        let outcome: Outcome
        do {
            outcome = try run(intent, object, body)
        } catch {
            Issue.record(
                "\(intent) \(object) failed in prepare, expected a rejection by apply: \(error.message)",
                sourceLocation: sourceLocation)
            return nil
        }
        guard case .rejected(let error) = outcome else {
            Issue.record("\(intent) \(object) was not rejected: \(outcome)", sourceLocation: sourceLocation)
            return nil
        }
        #expect(Snapshot(state) == before, "rejected \(intent) changed the state", sourceLocation: sourceLocation)
        return error
    }

    /// Runs prepare only, expecting it to refuse the body.
    static func refused(
        _ intent: String, _ object: String, _ body: Row = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) -> LunaError? {
        do {
            let payload = try prepare(intent, object, body)
            Issue.record(
                "\(intent) \(object) was not refused by prepare: \(payload.canonicalText)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Reading the state

    func row(_ table: Table, _ key: String) -> Row? { state.row(table, key) }

    func string(_ table: Table, _ key: String, _ field: String) -> String? {
        state.row(table, key)?[field]?.stringValue
    }

    func address(_ key: String, v6: Bool = false) -> String? {
        string(.nodeinterface, key, v6 ? "ipaddress_ipv6" : "ipaddress")
    }

    /// Who holds `address` on `network`, per the address index.
    func holder(_ address: String, on network: String) -> String? {
        state.addresses[network]?[IPAddress(address)!]
    }

    func taken(on network: String) -> [String] {
        (state.addresses[network] ?? [:]).keys.sorted().map(\.description)
    }

    // MARK: Building blocks

    mutating func network(_ name: String, _ cidr: String, _ extra: Row = [:], sourceLocation: SourceLocation = #_sourceLocation) {
        var body: Row = ["network": .string(cidr)]
        body.merge(extra) { $1 }
        ok("Network.update", name, body, sourceLocation: sourceLocation)
    }

    mutating func group(
        _ name: String, interfaces: [(String, String)] = [], _ extra: Row = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var body = extra
        if !interfaces.isEmpty {
            body["interfaces"] = .array(interfaces.map { .object(["interface": .string($0.0), "network": .string($0.1)]) })
        }
        ok("Group.update", name, body, sourceLocation: sourceLocation)
    }

    mutating func node(
        _ name: String, group: String = "compute", _ extra: Row = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var body: Row = ["group": .string(group)]
        body.merge(extra) { $1 }
        ok("Node.update", name, body, sourceLocation: sourceLocation)
    }

    /// A network "cluster" (10.141.0.0/24) and a group "compute" with BOOTIF on it.
    static func basic() -> Harness {
        var harness = Harness()
        harness.network("cluster", "10.141.0.0/24")
        harness.group("compute", interfaces: [("BOOTIF", "cluster")])
        return harness
    }
}

/// The parts of a ClusterState a rejected intent must not change. Empty index entries are
/// dropped: they are invisible to every reader.
struct Snapshot: Equatable, CustomStringConvertible {
    var tables: [Table: [String: Row]]
    var addresses: [String: [IPAddress: String]]
    var macs: [String: String]
    var groupMembers: [String: Set<String>]
    var children: [Table: [String: Set<String>]]

    init(_ state: ClusterState) {
        tables = state.tables.filter { !$0.value.isEmpty }
        addresses = state.addresses.filter { !$0.value.isEmpty }
        macs = state.macs
        groupMembers = state.groupMembers.filter { !$0.value.isEmpty }
        children = state.children.mapValues { $0.filter { !$0.value.isEmpty } }.filter { !$0.value.isEmpty }
    }

    var description: String {
        "tables: \(tables.mapValues { $0.keys.sorted() }), addresses: \(addresses.mapValues { $0.mapValues { $0 } }), macs: \(macs)"
    }
}

func interfaces(_ items: [Row]) -> JSONValue { .array(items.map { .object($0) }) }
