import ArgumentParser
import Foundation
import LunaDomain
import LunaLog
import LunaModel
import LunaReplication
import LunaRuntime
import LunaStore
import LunaTransport

/// Replication on loopback with mutual TLS: latency from acknowledgement on one
/// controller to visibility on the two others under a steady write load (against the
/// local write latency), the time for a controller 100,000 events behind to catch up
/// (against rebuilding the same events locally), and the bytes a Merkle walk exchanges
/// to find one differing row among 100,000 (against sending every row's digest).
struct ReplicationBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replication", abstract: "Replication latency, catch-up time and Merkle-walk bytes.")

    @Option(help: "Writes on the first controller for the latency figure.")
    var writes = 2000

    @Option(help: "Writes per second during the latency figure.")
    var rate = 200.0

    @Option(help: "Events the controller that catches up is behind.")
    var behind = 100_000

    @Option(help: "Rows in the table the Merkle walk searches.")
    var rows = 100_000

    func run() async throws {
        try await latency()
        try await catchUp()
        merkleWalk()
    }

    private func latency() async throws {
        let cluster = try BenchCluster(names: ["c1", "c2", "c3"])
        for name in cluster.names { try cluster.start(name, fsync: true) }
        try await cluster.seed(on: "c1")
        try await cluster.caughtUp(["c2", "c3"], with: "c1")
        let writer = cluster.controller("c1")
        while !(await writer.replicationState.inSync) { try await Task.sleep(for: .milliseconds(10)) }

        let sightings = Sightings()
        let watchers = ["c2", "c3"].map { name in
            let observer = cluster.controller(name)
            return Task {
                var seen = await observer.appliedClock["c1"]
                while !Task.isCancelled {
                    let now = await observer.appliedClock["c1"]
                    if now > seen {
                        await sightings.saw(name, seqs: (seen + 1)...now, at: ContinuousClock.now)
                        seen = now
                    }
                    try? await Task.sleep(for: .microseconds(200))
                }
            }
        }
        var local: [Double] = []
        var acknowledged: [UInt64: ContinuousClock.Instant] = [:]
        let interval = Duration.seconds(1 / rate)
        var slot = ContinuousClock.now
        for index in 0..<writes {
            let start = ContinuousClock.now
            _ = try await writer.submit(
                "Node.update", object: "lat\(index)", body: ["group": "compute"], actor: "bench", requestID: "lat\(index)")
            let done = ContinuousClock.now
            local.append(Self.millis(done - start))
            acknowledged[await writer.appliedClock["c1"]] = done
            slot += interval
            if slot > ContinuousClock.now { try await Task.sleep(until: slot) }
        }
        try await cluster.caughtUp(["c2", "c3"], with: "c1")
        try await Task.sleep(for: .milliseconds(20))
        for watcher in watchers { watcher.cancel() }
        var replicated: [Double] = []
        for (seq, ack) in acknowledged {
            for name in ["c2", "c3"] {
                guard let seen = await sightings.time(name, seq) else { continue }
                replicated.append(max(0, Self.millis(seen - ack)))
            }
        }
        await cluster.stop()
        let p50 = Self.percentile(replicated, 0.50)
        let p99 = Self.percentile(replicated, 0.99)
        let localP50 = Self.percentile(local, 0.50)
        let localP99 = Self.percentile(local, 0.99)
        print(
            "replication: latency from acknowledgement on c1 to visibility on c2 and c3, \(writes) writes at \(format(rate))/s: "
                + "p50 \(Self.ms(p50)) ms, p99 \(Self.ms(p99)) ms; the local write itself: p50 \(Self.ms(localP50)) ms, "
                + "p99 \(Self.ms(localP99)) ms, ratio p99 \(ratio(p99, localP99))")
        print("replication: target p99 <= 50 ms: \(p99 <= 50 ? "met" : "not met")")
    }

    private func catchUp() async throws {
        let cluster = try BenchCluster(names: ["x", "y"])
        let source = try cluster.start("x", fsync: false)
        await source.overrule()
        try await cluster.seed(on: "x")
        let seeded = Int(await source.appliedClock["x"])
        let nodes = behind / 10
        for index in 0..<max(0, behind - seeded) {
            let body: Row =
                index < nodes ? ["group": "compute"] : ["comment": .string("change \(index)"), "netboot": .bool(index % 2 == 0)]
            _ = try await source.submit(
                "Node.update", object: "n\(index % nodes)", body: body, actor: "bench", requestID: "catchup")
        }

        let log = DataDirectory(cluster.directory + "/x").log
        let rebuildStart = ContinuousClock.now
        let events = try LogScanner(path: log).scan([UInt8](try Data(contentsOf: URL(fileURLWithPath: log)))).events
        let target = cluster.directory + "/rebuilt.sqlite"
        _ = try Replayer.rebuild(events, into: ViewStore(path: target))
        let rebuild = Self.seconds(ContinuousClock.now - rebuildStart)

        let start = ContinuousClock.now
        try cluster.start("y", fsync: true)
        try await cluster.caughtUp(["y"], with: "x", seconds: 600)
        let catchUp = Self.seconds(ContinuousClock.now - start)
        print(
            "replication: a controller \(events.count) events behind caught up in \(String(format: "%.2f", catchUp)) s "
                + "(\(format(Double(events.count) / catchUp)) events/s); rebuilding the same log locally: "
                + "\(String(format: "%.2f", rebuild)) s, ratio \(ratio(catchUp, rebuild))")
        print("replication: target catch-up <= 5 s: \(catchUp <= 5 ? "met" : "not met")")

        // x folds every event into its snapshot; y, wiped, rejoins from it.
        var folded = 0
        let deadline = ContinuousClock.now + .seconds(120)
        while folded < events.count, ContinuousClock.now < deadline {
            folded += try await source.compact(olderThan: 0)
            try await Task.sleep(for: .milliseconds(50))
        }
        try await cluster.wipe("y")
        let restarted = ContinuousClock.now
        try cluster.start("y", fsync: true)
        try await cluster.caughtUp(["y"], with: "x", seconds: 600)
        let rejoin = Self.seconds(ContinuousClock.now - restarted)
        await cluster.stop()
        print(
            "replication: the same controller, wiped, rejoined from a snapshot of \(folded) folded events "
                + "(\(nodes) nodes) in \(String(format: "%.2f", rejoin)) s, against \(String(format: "%.2f", catchUp)) s "
                + "for the events themselves, ratio \(ratio(rejoin, catchUp))")
    }

    /// The walk as two controllers run it, each message measured as the wire carries it.
    private func merkleWalk() {
        let body = JSONValue.object([
            "group": "compute", "comment": "a node of a rack", "netboot": true, "bootmenu": false, "hostname": "node",
            "osimage": "compute-os", "provision_method": "torrent", "provision_fallback": "http",
        ]).canonicalText
        var theirs = (0..<rows).map { (key: String(format: "node%06d", $0), body: body) }
        let built = ContinuousClock.now
        let mine = MerkleTree(rows: theirs)
        let buildTime = Self.millis(ContinuousClock.now - built)
        theirs[rows / 3].body = body.replacingOccurrences(of: "a node of a rack", with: "a node of a rack, edited")
        let peer = MerkleTree(rows: theirs)
        var updated = mine
        let updateStart = ContinuousClock.now
        updated.update((0..<1000).map { (key: theirs[$0 * (rows / 1000)].key, body: "{}") })
        let updateTime = Self.millis(ContinuousClock.now - updateStart)

        var bytes = 0
        var found: [String] = []
        var frontier: [[Int]] = [[]]
        func wire(_ body: PeerMessage.Body) -> Int {
            PeerCodec.encode(
                PeerMessage(from: "c1", clock: VectorClock(["c1": 100_000]), time: HybridTime(millis: 1), body: body)
            )
            .count
        }
        while let path = frontier.popLast() {
            bytes += wire(.treeQuery(table: "node", path: path))
            let hashes = peer.children(at: path) ?? []
            let leaf = peer.rows(at: path) ?? [:]
            bytes += wire(.treeAnswer(table: "node", path: path, hashes: hashes, rows: leaf))
            frontier += MerkleWalk.differingChildren(of: path, mine: mine, theirs: hashes)
            if path.count == MerkleTree.depth { found += MerkleWalk.differingKeys(at: path, mine: mine, theirs: leaf) }
        }
        var everyDigest: [String: String] = [:]
        for path in (0..<MerkleTree.leafCount).map({ [$0 >> 8, $0 >> 4 & 15, $0 & 15] }) {
            everyDigest.merge(peer.rows(at: path) ?? [:]) { $1 }
        }
        let naive = wire(.treeAnswer(table: "node", path: [], hashes: [], rows: everyDigest))
        print(
            "replication: the Merkle walk located \(found) among \(rows) rows with \(bytes) bytes on the wire; "
                + "sending every row's digest instead: \(naive) bytes, ratio \(String(format: "%.4f", Double(bytes) / Double(naive)))"
        )
        print("replication: target <= 16 KB to locate the row: \(bytes <= 16 * 1024 && found.count == 1 ? "met" : "not met")")
        print(
            "replication: hashing a tree of \(rows) rows whole (at start, or a table replaced) took \(Self.ms(buildTime)) ms; "
                + "updating 1,000 of its rows in place: \(Self.ms(updateTime)) ms, ratio \(ratio(updateTime, buildTime))")
    }

    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }

    static func millis(_ duration: Duration) -> Double { seconds(duration) * 1000 }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func ms(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// When each observer first held each event of the writer.
actor Sightings {
    private var seen: [String: [UInt64: ContinuousClock.Instant]] = [:]

    func saw(_ observer: String, seqs: ClosedRange<UInt64>, at instant: ContinuousClock.Instant) {
        for seq in seqs { seen[observer, default: [:]][seq] = instant }
    }

    func time(_ observer: String, _ seq: UInt64) -> ContinuousClock.Instant? {
        seen[observer]?[seq]
    }
}
