import Foundation
import GRDB
import LunaDomain
import LunaLog
import LunaModel
import LunaReplication
import LunaRuntime
import LunaStore
import Testing

/// Three real controllers (log, views, core) in one process, their messages carried by
/// tasks instead of a network: concurrent writes everywhere, a conflicting create, a
/// restart and a wiped data directory all end in the same views.
@Suite(.serialized)
struct InProcessClusterTests {
    final class Cluster: @unchecked Sendable {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("luna-trio-\(UUID())").path
        let names = ["c1", "c2", "c3"]
        private let lock = NSLock()
        private var controllers: [String: Controller] = [:]
        private var pumps: [Task<Void, Never>] = []
        /// While true every message is lost, as in a network partition; pulls heal it after.
        private var partitioned = false

        /// Links lost both ways, as when one controller is cut off from another only.
        private var cuts: Set<Set<String>> = []

        func partition(_ cut: Bool) {
            lock.withLock { partitioned = cut }
        }

        func cut(_ one: String, from other: String) {
            lock.withLock { _ = cuts.insert([one, other]) }
        }

        func controller(_ name: String) -> Controller {
            lock.withLock { controllers[name]! }
        }

        /// Starts a controller; `registry` is the build it runs (an older one knows fewer intent versions).
        func start(_ name: String, registry: IntentRegistry = .current) throws {
            let controller = try Controller(
                directory: DataDirectory(root + "/" + name), name: name, fsync: false, peers: names, pullInterval: 50,
                registry: registry)
            lock.withLock { controllers[name] = controller }
            pumps.append(
                Task { [self] in
                    for await outgoing in controller.outgoing {
                        let target = lock.withLock {
                            partitioned || cuts.contains([name, outgoing.to]) ? nil : controllers[outgoing.to]
                        }
                        guard let target else { continue }
                        await target.receive(outgoing.message)
                    }
                })
            pumps.append(
                Task {
                    while !Task.isCancelled {
                        await controller.tick()
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                })
        }

        func stop(_ name: String) async {
            let controller = lock.withLock { controllers.removeValue(forKey: name) }
            await controller?.close()
        }

        /// Stops a controller, removes its data directory and starts it again empty.
        func wipe(_ name: String) async throws {
            await stop(name)
            try FileManager.default.removeItem(atPath: root + "/" + name)
            try start(name)
        }

        /// Waits until every controller takes writes (has caught up with its peers). The bounds
        /// are wide: while the whole suite starts, its tests share the process's few threads.
        func inSync(seconds: Double = 120) async -> Bool {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                var all = true
                for name in names where !(await controller(name).replicationState.inSync) { all = false }
                if all { return true }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return false
        }

        /// Waits until every controller holds the same events; false after `seconds`.
        func converge(seconds: Double = 120) async -> Bool {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while ContinuousClock.now < deadline {
                var clocks: [VectorClock] = []
                for name in names { clocks.append(await controller(name).appliedClock) }
                if Set(clocks).count == 1 { return true }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return false
        }

        func shutdown() async {
            for pump in pumps { pump.cancel() }
            for name in names { await stop(name) }
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    static func seed(_ controller: Controller) async throws {
        let steps: [(String, String, LunaDomain.Row)] =
            [
                ("Network.update", "cluster", ["network": "10.141.0.0/16"]),
                ("Group.update", "compute", ["interfaces": [["interface": "BOOTIF", "network": "cluster"]]]),
            ] + ["c1", "c2", "c3"].map { ("Controller.update", $0, [:]) }
        for (intent, object, body) in steps {
            _ = try await controller.submit(
                intent, object: object, body: body, actor: "seed", requestID: "seed", requireSync: false)
        }
    }

    @Test func threeControllersConvergeThroughConflictsRestartsAndAWipe() async throws {
        let cluster = Cluster()
        for name in cluster.names { try cluster.start(name) }
        try await Self.seed(cluster.controller("c1"))
        #expect(await cluster.converge())
        #expect(await cluster.inSync())

        try await withThrowingTaskGroup(of: Void.self) { group in
            for name in cluster.names {
                group.addTask {
                    let controller = cluster.controller(name)
                    for index in 0..<25 {
                        _ = try? await controller.submit(
                            "Node.update", object: "\(name)n\(index)", body: ["group": "compute"], actor: name, requestID: "r")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await cluster.converge())
        // Cut off from each other, all three clone a node onto one new name; once healed,
        // the first in the one order wins and the other two are rejected everywhere.
        cluster.partition(true)
        for name in cluster.names {
            _ = try await cluster.controller(name).submit(
                "Node.clone", object: "\(name)n0", body: ["newnodename": "same", "comment": .string(name)], actor: name,
                requestID: "clone-\(name)")
        }
        cluster.partition(false)
        #expect(await cluster.converge())
        let roots = try await cluster.controller("c1").merkleRoots()
        for name in cluster.names {
            #expect(try await cluster.controller(name).merkleRoots() == roots, "\(name) differs")
            let winner = await cluster.controller(name).read { $0.row(.node, "same")?["comment"] }
            #expect(winner == (await cluster.controller("c1").read { $0.row(.node, "same")?["comment"] }))
            #expect(await cluster.controller(name).read { $0.keys(.node).count } == 76)
        }
        // The two clones onto "same" that lost are rejected, and recorded so, everywhere.
        let log = DataDirectory(cluster.root + "/c1").log
        let sameEvents = try LogScanner(path: log).scan([UInt8](Data(contentsOf: URL(fileURLWithPath: log)))).events
            .filter { $0.intent == "Node.clone" }
        #expect(sameEvents.count == 3)
        for name in cluster.names {
            let views = try ViewStore(path: DataDirectory(cluster.root + "/" + name).views)
            let rejected = try sameEvents.filter { try views.rejection(of: $0.id) != nil }
            #expect(rejected.count == 2, "\(name) records \(rejected.count) rejections of the three clones onto 'same'")
        }

        // Each client follows its clone on the controller it asked: the two that lost hear
        // of it (409) after their 201, and every stream ends once its event is stable.
        var streams: [String: [RequestStreams.Line]] = [:]
        for name in cluster.names {
            let controller = cluster.controller(name)
            for _ in 0..<200 where !(streams[name]?.contains { $0.text.contains("is stable") } ?? false) {
                streams[name, default: []] += await controller.requestStatus("clone-\(name)") ?? []
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(streams[name]?.first?.text.hasPrefix("Node.clone \(name)n0: applied as event \(name):") == true)
            #expect(await controller.requestStatus("clone-\(name)") == nil, "the stream ends once stable and read")
        }
        let lost = streams.filter { $0.value.contains { $0.status == 409 && $0.text.contains("rejected once ordered") } }
        #expect(lost.count == 2, "\(streams)")
        #expect(lost.values.allSatisfy { $0.last?.text.hasSuffix("rejected for good") == true })

        await cluster.stop("c2")
        _ = try await cluster.controller("c1").submit(
            "Node.update", object: "whilec2down", body: ["group": "compute"], actor: "t", requestID: "r")
        try cluster.start("c2")
        #expect(await cluster.converge())

        try await cluster.wipe("c3")
        #expect(await cluster.converge())
        let after = try await cluster.controller("c1").merkleRoots()
        for name in cluster.names {
            #expect(try await cluster.controller(name).merkleRoots() == after, "\(name) differs after the restart and the wipe")
        }
        #expect(await cluster.controller("c3").read { $0.row(.node, "c3n0") } != nil, "c3's own events came back")
        await cluster.shutdown()
    }

    /// A controller started empty and overruled before it pulled writes a second history
    /// under its name. Its peers refuse it, apply nothing of it, and say so.
    @Test func aSecondHistoryOfAControllerIsRefusedAndReported() async throws {
        let cluster = Cluster()
        for name in cluster.names { try cluster.start(name) }
        try await Self.seed(cluster.controller("c1"))
        #expect(await cluster.converge())
        #expect(await cluster.inSync())
        _ = try await cluster.controller("c3").submit(
            "Node.update", object: "first", body: ["group": "compute"], actor: "t", requestID: "r")
        #expect(await cluster.converge())

        await cluster.stop("c3")
        try FileManager.default.removeItem(atPath: cluster.root + "/c3")
        cluster.partition(true)
        try cluster.start("c3")
        await cluster.controller("c3").overrule()
        // Two events: the peers already hold a c3:1, so only the second shows the fork.
        for network in ["other", "another"] {
            _ = try await cluster.controller("c3").submit(
                "Network.update", object: network,
                body: ["network": .string(network == "other" ? "10.150.0.0/16" : "10.160.0.0/16")],
                actor: "t", requestID: "r")
        }
        cluster.partition(false)

        var incidents: [String] = []
        for _ in 0..<200 where !incidents.contains(where: { $0.contains("fork") }) {
            incidents = await cluster.controller("c1").clusterStatus().incidents
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(incidents.contains { $0.contains("c1: fork: c3 sent an event c3:2 that differs") }, "\(incidents)")
        #expect(await cluster.controller("c1").read { $0.row(.network, "other") } == nil, "nothing of the fork is applied")
        #expect(await cluster.controller("c1").read { $0.row(.node, "first") } != nil)
        await cluster.shutdown()
    }

    /// A shadow serves reads and replicates, refuses writes with the reason, and is never
    /// the master; the master role moves where an operator sets it.
    @Test func aShadowReplicatesButTakesNoWritesAndIsNeverMaster() async throws {
        let cluster = Cluster()
        for name in cluster.names { try cluster.start(name) }
        try await Self.seed(cluster.controller("c1"))
        #expect(await cluster.converge())
        #expect(await cluster.inSync())
        _ = try await cluster.controller("c1").submit(
            "Cluster.update", object: "cluster", body: ["controller": ["c3": ["shadow": true]]], actor: "t", requestID: "r")
        _ = try await cluster.controller("c2").submit(
            "Node.update", object: "n1", body: ["group": "compute"], actor: "t", requestID: "r")
        #expect(await cluster.converge())

        let shadow = cluster.controller("c3")
        #expect(await shadow.read { $0.row(.node, "n1") } != nil, "a shadow serves reads")
        let refused = await #expect(throws: LunaError.self) {
            _ = try await shadow.submit("Node.update", object: "n2", body: ["group": "compute"], actor: "t", requestID: "r")
        }
        #expect(refused?.kind == .unavailable)
        #expect(refused?.message.contains("c3 is a shadow, a read-only replica that takes no writes: write on c1 or c2") == true)
        await #expect(throws: LunaError.self) {
            _ = try await shadow.submit("Cluster.master", object: "c3", body: [:], actor: "t", requestID: "r")
        }

        _ = try await cluster.controller("c2").submit("Cluster.master", object: "c2", body: [:], actor: "t", requestID: "r")
        #expect(await cluster.converge())
        for name in cluster.names {
            let roles = await cluster.controller(name).clusterStatus().members.reduce(into: [String: String]()) {
                $0[$1.name] = $1.role
            }
            #expect(roles == ["c1": "full", "c2": "master", "c3": "shadow"], "as \(name) sees it")
        }
        await cluster.shutdown()
    }

    /// A controller that has not caught up with its peers takes no writes until it has,
    /// or until an operator overrules; a new cluster's seeding is the one exception.
    @Test func writesWaitUntilInSyncOrOverruled() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("luna-insync-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let controller = try Controller(directory: DataDirectory(directory), name: "c1", fsync: false, peers: ["c2"])
        try await Self.seed(controller)
        let refused = await #expect(throws: LunaError.self) {
            _ = try await controller.submit("Node.update", object: "n1", body: ["group": "compute"], actor: "t", requestID: "r")
        }
        #expect(refused?.kind == .unavailable)
        #expect(refused?.message.contains("not in sync yet: still catching up with c2") == true)

        // The peers answer once they heard from c1: their messages carry the time of its first.
        var sent = controller.outgoing.makeAsyncIterator()
        let heard = try #require(await sent.next()).message.time
        for peer in ["c2", "c3"] {
            await controller.receive(
                PeerMessage(
                    from: peer, clock: await controller.appliedClock, time: HybridTime(millis: 1), seen: heard, body: .pull))
        }
        _ = try await controller.submit("Node.update", object: "n1", body: ["group": "compute"], actor: "t", requestID: "r")

        let other = try Controller(directory: DataDirectory(directory + "-b"), name: "c9", fsync: false, peers: ["c8"])
        defer { try? FileManager.default.removeItem(atPath: directory + "-b") }
        try await Self.seed(other)
        await other.overrule()
        _ = try await other.submit("Node.update", object: "n1", body: ["group": "compute"], actor: "t", requestID: "r")
        await controller.close()
        await other.close()
    }

    /// A hand edit of one controller's views, found by comparing Merkle roots with the
    /// peers at the same clock, repaired by a rebuild from the log, and recorded.
    @Test func driftedViewsAreFoundAndRebuilt() async throws {
        let cluster = Cluster()
        for name in cluster.names { try cluster.start(name) }
        try await Self.seed(cluster.controller("c1"))
        _ = try await cluster.controller("c1").submit(
            "Node.update", object: "n1", body: ["group": "compute"], actor: "t", requestID: "r", requireSync: false)
        #expect(await cluster.converge())
        let healthy = try await cluster.controller("c1").merkleRoots()

        await cluster.stop("c2")
        let views = try DatabaseQueue(path: DataDirectory(cluster.root + "/c2").views)
        try await views.write { db in
            try db.execute(sql: "UPDATE node SET body = replace(body, 'compute', 'tampered') WHERE key = 'n1'")
        }
        try views.close()
        try cluster.start("c2")

        var repaired = false
        for _ in 0..<200 where !repaired {
            repaired = try await cluster.controller("c2").merkleRoots() == healthy
            if !repaired { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(repaired, "c2's views were not rebuilt")
        #expect(await cluster.controller("c2").read { $0.row(.node, "n1")?["group"] } == "compute")
        let incidents = await cluster.controller("c2").clusterStatus().incidents
        #expect(
            // Outvoted by whichever peers reported at that clock first: one or both.
            incidents.contains {
                $0.contains("c2: views differed from c") && $0.contains(" in node at clock")
                    && $0.contains("rebuilt from the log")
            },
            "\(incidents)")
        #expect(await cluster.controller("c1").clusterStatus().incidents.isEmpty, "the majority does not rebuild")
        await cluster.shutdown()
    }

    /// A controller restored from a damaged copy: one event in its log says something else
    /// (its checksum made to match), so a rebuild from the log does not settle the drift.
    /// It walks the Merkle trees down to the one row and takes it from the majority.
    @Test func aDriftThatARebuildCannotSettleIsRepairedFromTheMajority() async throws {
        let cluster = Cluster()
        for name in cluster.names { try cluster.start(name) }
        try await Self.seed(cluster.controller("c1"))
        for index in 0..<40 {
            _ = try await cluster.controller("c1").submit(
                "Node.update", object: "n\(index)", body: ["group": "compute"], actor: "t", requestID: "r", requireSync: false)
        }
        #expect(await cluster.converge())
        let healthy = try await cluster.controller("c1").merkleRoots()

        await cluster.stop("c2")
        let directory = DataDirectory(cluster.root + "/c2")
        let events = try EventLog.open(path: directory.log, fsync: false)
        events.log.close()
        let rewritten = events.events.map { event in
            guard event.id == EventID(origin: "c1", seq: 45) else { return event }
            var forged = event
            if case .object(var fields) = forged.payload {
                fields["comment"] = "restored from a bad copy"
                forged.payload = .object(fields)
            }
            forged.checksum = EventCodec.checksum(of: forged)
            return forged
        }
        try FileManager.default.removeItem(atPath: directory.log)
        try directory.removeViews()
        let log = try EventLog.open(path: directory.log, fsync: false).log
        var last: LogPosition?
        for event in rewritten { last = log.append(event) }
        try await last?.durable()
        log.close()
        try cluster.start("c2")

        var repaired = false
        for _ in 0..<300 where !repaired {
            repaired = try await cluster.controller("c2").merkleRoots() == healthy
            if !repaired { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(repaired, "c2 did not take the row from the majority")
        #expect(await cluster.controller("c2").read { $0.row(.node, "n39")?["comment"] } == nil)
        let incidents = await cluster.controller("c2").clusterStatus().incidents
        #expect(incidents.contains { $0.contains("views still differ from c1 in node after a rebuild") }, "\(incidents)")
        #expect(incidents.contains { $0 == "c2: took 1 rows of node from c1: n39" }, "\(incidents)")
        #expect(await cluster.controller("c1").clusterStatus().incidents.isEmpty, "the majority takes nothing")
        await cluster.shutdown()
    }

    /// A rolling upgrade: c3 still runs a build that knows Cluster.update only at version 1.
    /// It holds the newer event and everything behind it without applying them, says
    /// "upgrade needed" — and, restarted on the newer build, catches up on its own log.
    @Test func aControllerOnAnOlderBuildCatchesUpOnceUpgraded() async throws {
        let older = IntentRegistry(
            IntentRegistry.current.handlers.values.map { handler in
                handler.name == "Cluster.update"
                    ? IntentHandler(name: handler.name, version: 1, prepare: handler.prepare, apply: handler.apply) : handler
            })
        let cluster = Cluster()
        try cluster.start("c1")
        try cluster.start("c2")
        try cluster.start("c3", registry: older)
        try await Self.seed(cluster.controller("c1"))
        #expect(await cluster.converge())
        _ = try await cluster.controller("c1").submit(
            "Cluster.update", object: "cluster", body: ["name": "upgraded"], actor: "t", requestID: "r", requireSync: false)
        _ = try await cluster.controller("c2").submit(
            "Node.update", object: "after", body: ["group": "compute"], actor: "t", requestID: "r", requireSync: false)

        var incidents: [String] = []
        for _ in 0..<200 where !incidents.contains(where: { $0.contains("upgrade needed") }) {
            incidents = await cluster.controller("c3").clusterStatus().incidents
            try await Task.sleep(for: .milliseconds(20))
        }
        let version = IntentRegistry.current.handlers["Cluster.update"]!.version
        #expect(
            incidents.contains { $0.contains("Cluster.update version \(version)") && $0.contains("upgrade needed") },
            "\(incidents)")
        #expect(await cluster.controller("c3").read { $0.row(.node, "after") } == nil, "nothing behind the newer event")

        await cluster.stop("c3")
        try cluster.start("c3")
        #expect(await cluster.converge())
        let roots = try await cluster.controller("c1").merkleRoots()
        #expect(try await cluster.controller("c3").merkleRoots() == roots)
        #expect(await cluster.controller("c3").read { $0.row(.cluster, "cluster")?["name"] } == "upgraded")
        #expect(await cluster.controller("c3").clusterStatus().incidents.isEmpty)
        await cluster.shutdown()
    }

    /// Version skew: an event of an intent version this build does not know arrives from a
    /// peer. It is kept in the log, nothing is applied from it on, writes are refused, the
    /// status says "upgrade needed" — and nothing crashes.
    @Test func anEventFromANewerBuildStopsApplyingWithoutACrash() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("luna-skew-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let controller = try Controller(directory: DataDirectory(directory), name: "c1", fsync: false, peers: ["c2"])
        try await Self.seed(controller)
        var newer = Event(
            origin: "c2", seq: 1, clock: VectorClock(), time: HybridTime(millis: 5), intent: "Node.update", intentVersion: 99,
            object: "future", payload: ["group": "compute"], actor: "c2", requestID: "r", previousHash: "")
        newer.checksum = EventCodec.checksum(of: newer)
        var later = Event(
            origin: "c2", seq: 2, clock: VectorClock(), time: HybridTime(millis: 6), intent: "Node.update", intentVersion: 1,
            object: "after", payload: ["group": "compute"], actor: "c2", requestID: "r", previousHash: newer.checksum)
        later.checksum = EventCodec.checksum(of: later)
        var forged = later
        forged.seq = 3
        forged.previousHash = later.checksum
        forged.object = "forged"
        let clock = await controller.appliedClock
        await controller.receive(
            PeerMessage(from: "c2", clock: clock, time: HybridTime(millis: 7), body: .events([newer, later, forged])))
        let log = DataDirectory(directory).log
        let logged = try LogScanner(path: log).scan([UInt8](Data(contentsOf: URL(fileURLWithPath: log)))).heads["c2"]?.seq
        #expect((logged ?? 0) <= 2, "an event whose checksum does not match its contents is never logged")

        #expect(await controller.read { $0.row(.node, "future") } == nil)
        #expect(await controller.read { $0.row(.node, "after") } == nil, "nothing behind the unknown event is applied")
        #expect(await controller.appliedClock["c2"] == 0)
        let incidents = await controller.clusterStatus().incidents
        #expect(incidents.contains { $0.contains("version 99") && $0.contains("upgrade needed") }, "\(incidents)")
        await controller.overrule()
        let refused = await #expect(throws: LunaError.self) {
            _ = try await controller.submit("Node.update", object: "n9", body: ["group": "compute"], actor: "t", requestID: "r")
        }
        #expect(refused?.kind == .unavailable)
        await controller.close()

        let reopened = try Controller(directory: DataDirectory(directory), name: "c1", fsync: false, peers: ["c2"])
        #expect(
            await reopened.clusterStatus().incidents.contains { $0.contains("upgrade needed") },
            "kept in the log across a restart")
        await reopened.close()
    }
}
