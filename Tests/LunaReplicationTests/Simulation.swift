import LunaDomain
import LunaModel
import LunaReplication
import LunaTestSupport

/// A seeded run of 2–5 controllers over a simulated network that drops, duplicates,
/// delays and reorders messages, partitions and heals, with crashes that lose what was
/// not durable, restarts, clocks skewed by minutes, concurrent conflicting writes, and
/// compactions (with snapshots sent to controllers that lack what was folded).
/// Then the network heals and the run goes quiet; `check` says what went wrong, if anything.
struct Simulation {
    struct InFlight {
        var deliverAt: Int64
        var sequence: Int
        var outgoing: Outgoing
    }

    var random: SeededRandom
    var controllers: [String: SimController] = [:]
    var names: [String]
    var skew: [String: Int64] = [:]
    var inFlight: [InFlight] = []
    var sequence = 0
    var now: Int64 = 1_800_000_000_000
    var cut: Set<[String]> = []
    /// Every event made durable where it was written (the seed's included): what must end
    /// up everywhere.
    var acknowledged: [Event] = []
    /// Every acknowledged event by id, the last written winning (a wiped controller that
    /// lost an event writes a new one under its seq): what the final order is made of.
    var written: [EventID: Event] = [:]
    var writes = 0

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
        let count = 2 + random.below(4)
        names = (0..<count).map { "c\($0)" }
        let seedLog = Self.seedEvents(origin: names[0])
        acknowledged = seedLog
        for event in seedLog { written[event.id] = event }
        for name in names {
            controllers[name] = SimController(name: name, members: names, log: seedLog)
            skew[name] = Int64(random.below(240_001)) - 120_000
        }
    }

    /// The same starting cluster on every controller, as one origin's first events.
    static func seedEvents(origin: String) -> [Event] {
        var state = ClusterState()
        var events: [Event] = []
        let steps: [(String, String, Row)] = [
            ("Network.update", "cluster", ["network": "10.141.0.0/24"]),
            ("Group.update", "compute", ["interfaces": [["interface": "BOOTIF", "network": "cluster"]]]),
        ]
        for (index, (intent, object, body)) in steps.enumerated() {
            let payload = try! IntentRegistry.current.handlers[intent]!.prepare(
                object, body, PrepareContext(sealer: PlainSealer()))
            let event = Event(
                origin: origin, seq: UInt64(index + 1), clock: VectorClock(), time: HybridTime(millis: Int64(index)),
                intent: intent, intentVersion: 1, object: object, payload: payload, actor: "seed", requestID: "seed",
                previousHash: "")
            _ = IntentRegistry.current.apply(event, to: &state)
            events.append(event)
        }
        return events
    }

    mutating func run(activeSteps: Int = 250) {
        for _ in 0..<activeSteps { step(faults: true) }
        cut = []
        for name in names where !controllers[name]!.up { controllers[name]!.restart() }
        for _ in 0..<3000 {
            step(faults: false)
            if quiet { break }
        }
    }

    /// Converged: nothing in flight, every log equal, every tentative event settled.
    var quiet: Bool {
        let clocks = Set(names.map { controllers[$0]!.core.clock })
        return inFlight.isEmpty && clocks.count == 1
            && names.allSatisfy { controllers[$0]!.unflushed.isEmpty && controllers[$0]!.unreleased.isEmpty }
            && names.allSatisfy { controllers[$0]!.order.tentative.isEmpty }
    }

    private mutating func step(faults: Bool) {
        now += Int64(1 + random.below(20))
        deliver(faults: faults)
        if faults {
            if random.chance(30) { write() }
            if random.chance(2) { crashOrRestart() }
            if random.chance(2) { togglePartition() }
        }
        for name in names where controllers[name]!.up && random.chance(2) { controllers[name]!.compact() }
        for name in names where controllers[name]!.up {
            if !faults || random.chance(60) {
                let flushed = controllers[name]!.flush(now: clock(name))
                acknowledged += flushed.acknowledged
                for event in flushed.acknowledged { written[event.id] = event }
                send(flushed.send, faults: faults)
            }
            send(controllers[name]!.tick(now: clock(name)), faults: faults)
            controllers[name]!.settle()
        }
    }

    private func clock(_ name: String) -> Int64 { now + skew[name]! }

    private mutating func write() {
        let name = random.pick(names)
        guard controllers[name]!.up else { return }
        let node = "n\(random.below(8))"
        let (intent, body): (String, Row) =
            switch random.below(4) {
            case 0, 1: ("Node.update", ["group": "compute"])
            case 2: ("Node.update", ["comment": .string("w\(writes)")])
            default: ("Node.delete", [:])
            }
        writes += 1
        _ = controllers[name]!.write(intent, node, body, now: clock(name))
    }

    private mutating func crashOrRestart() {
        let name = random.pick(names)
        if controllers[name]!.up {
            controllers[name]!.up = false
        } else if random.chance(20) {
            wipe(name)
        } else {
            controllers[name]!.restart()
        }
    }

    /// A controller comes back with an empty data directory. Events no other controller has
    /// on disk are lost with it (the last copy of any origin's), and so are its messages
    /// still on their way.
    private mutating func wipe(_ name: String) {
        inFlight.removeAll { $0.outgoing.message.from == name }
        let others = names.filter { $0 != name }.map { controllers[$0]! }
        acknowledged.removeAll { event in
            !others.contains { other in
                event.seq <= other.snapshot.heads[event.origin]?.seq ?? 0 || other.log.contains { $0.id == event.id }
            }
        }
        controllers[name]!.wipe(incarnation: Int64(1 + random.below(1 << 30)))
    }

    private mutating func togglePartition() {
        let a = random.pick(names)
        let b = random.pick(names)
        guard a != b else { return }
        let pair = [a, b].sorted()
        if cut.contains(pair) { cut.remove(pair) } else { cut.insert(pair) }
    }

    private mutating func send(_ outgoing: [Outgoing], faults: Bool) {
        for item in outgoing {
            if faults && random.chance(10) { continue }
            let copies = faults && random.chance(5) ? 2 : 1
            for _ in 0..<copies {
                sequence += 1
                let delay = Int64(1 + random.below(faults ? 80 : 10))
                inFlight.append(InFlight(deliverAt: now + delay, sequence: sequence, outgoing: item))
            }
        }
    }

    private mutating func deliver(faults: Bool) {
        let due = inFlight.filter { $0.deliverAt <= now }.sorted { ($0.deliverAt, $0.sequence) < ($1.deliverAt, $1.sequence) }
        inFlight.removeAll { $0.deliverAt <= now }
        for item in due {
            let to = item.outgoing.to
            let from = item.outgoing.message.from
            guard controllers[to]!.up, !cut.contains([from, to].sorted()) else { continue }
            let replies = controllers[to]!.receive(item.outgoing.message, now: clock(to))
            send(replies, faults: faults)
        }
    }

    /// Writes accepted where they were written but rejected once every write is in order:
    /// conflicts (two controllers creating one node) settled the same way everywhere.
    var rejectedOnReplay: Int {
        var state = ClusterState()
        var count = 0
        for event in finalEvents {
            if case .applied(.rejected) = IntentRegistry.current.apply(event, to: &state) { count += 1 }
        }
        return count
    }

    /// The events every controller ends up with, in the one order: those written that the
    /// first controller's clock covers (some a wipe lost, or that never left a crashed one).
    var finalEvents: [Event] {
        let clock = controllers[names[0]]!.core.clock
        return written.values.filter { $0.seq <= clock[$0.origin] }.sorted(by: Event.appliesBefore)
    }

    /// The invariants after heal and quiescence; empty when all hold.
    func check() -> [String] {
        var problems = names.flatMap { controllers[$0]!.violations }
        guard quiet else { return problems + ["the run did not go quiet within the step limit"] }
        let all = finalEvents
        var replayed = ClusterState()
        for event in all { _ = IntentRegistry.current.apply(event, to: &replayed) }
        for name in names {
            let controller = controllers[name]!
            let ids = Set(controller.log.map(\.id))
            if ids.count != controller.log.count { problems.append("\(name) logged an event twice") }
            let folded = controller.snapshot.heads
            if let lost = acknowledged.first(where: { !ids.contains($0.id) && $0.seq > folded[$0.origin]?.seq ?? 0 }) {
                problems.append("\(name) lacks acknowledged event \(lost.id)")
            }
            if controller.log.contains(where: { $0.seq <= folded[$0.origin]?.seq ?? 0 }) {
                problems.append("\(name)'s log holds an event its snapshot folded")
            }
            if controller.state.tables != replayed.tables {
                problems.append("\(name)'s views differ from one replay of all events in order")
            }
            if controller.stableState.tables != replayed.tables {
                problems.append("\(name)'s stable views differ from the replay")
            }
            if let bad = controller.stableHistory.sorted(by: { $0.key < $1.key }).first(where: {
                $0.key >= all.count || all[$0.key].id != $0.value
            }) {
                problems.append(
                    "\(name)'s stable order is not a prefix of the final order (at \(bad.key): \(bad.value) vs \(bad.key < all.count ? all[bad.key].id.description : "end"); all \(all.count))"
                )
            }
        }
        return problems
    }
}
