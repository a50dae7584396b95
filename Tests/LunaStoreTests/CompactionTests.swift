import Foundation
import LunaDomain
import LunaLog
import LunaModel
import LunaRuntime
import LunaStore
import Testing

/// Compaction folds stable events into a snapshot and cuts them from the log; restarts
/// start from it, and a controller that lacks folded events is sent it.
@Suite(.serialized)
struct CompactionTests {
    typealias Cluster = InProcessClusterTests.Cluster

    /// The events still in a controller's log, read as a restart would read them.
    static func logEvents(_ cluster: Cluster, _ name: String) throws -> [Event] {
        let directory = DataDirectory(cluster.root + "/" + name)
        let snapshot = try SnapshotFile.read(path: directory.snapshot)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.log)))
        return try LogScanner(path: directory.log).scan(bytes, folded: snapshot.heads).events
    }

    /// Compacts until the log holds nothing (every event stable and folded); false after `seconds`.
    static func foldEverything(_ cluster: Cluster, _ name: String, seconds: Double = 120) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            try await cluster.controller(name).compact(olderThan: 0)
            if try logEvents(cluster, name).isEmpty { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    static func write(_ cluster: Cluster, _ prefix: String, count: Int) async throws {
        for name in cluster.names {
            for index in 0..<count {
                _ = try await cluster.controller(name).submit(
                    "Node.update", object: "\(prefix)\(name)n\(index)", body: ["group": "compute"], actor: name,
                    requestID: "r")
            }
        }
    }

    @Test func stableEventsFoldIntoTheSnapshotAndAWipedControllerRejoinsFromIt() async throws {
        let cluster = Cluster()
        for name in cluster.names { try cluster.start(name) }
        try await InProcessClusterTests.seed(cluster.controller("c1"))
        #expect(await cluster.converge())
        #expect(await cluster.inSync())
        try await Self.write(cluster, "a", count: 20)
        #expect(await cluster.converge())
        for name in cluster.names {
            #expect(try await Self.foldEverything(cluster, name), "\(name) folds every stable event")
        }
        let roots = try await cluster.controller("c1").merkleRoots()
        for name in cluster.names {
            #expect(try await cluster.controller(name).merkleRoots() == roots, "\(name) differs after compaction")
            let log = await cluster.controller(name).clusterStatus().json["log"]
            #expect(log?["events"] == 0 && log?["folded"]?["c2"] == 20, "\(name)'s status: \(log?.canonicalText ?? "")")
        }

        // A restart reads the snapshot and an empty log; with its views gone it rebuilds them from both.
        await cluster.stop("c2")
        try DataDirectory(cluster.root + "/c2").removeViews()
        try cluster.start("c2")
        #expect(try await cluster.controller("c2").merkleRoots() == roots, "c2 rebuilt from its snapshot")
        #expect(await cluster.controller("c2").read { $0.keys(.node).count } == 60)

        // More writes go on top of the snapshots, then c3 loses everything and rejoins:
        // its peers no longer hold the events it lacks, so it is sent a snapshot first.
        #expect(await cluster.inSync())
        try await Self.write(cluster, "b", count: 5)
        #expect(await cluster.converge())
        try await cluster.wipe("c3")
        #expect(await cluster.converge())
        let after = try await cluster.controller("c1").merkleRoots()
        for name in cluster.names {
            #expect(try await cluster.controller(name).merkleRoots() == after, "\(name) differs after c3 rejoined")
        }
        let c3 = DataDirectory(cluster.root + "/c3")
        #expect(try SnapshotFile.read(path: c3.snapshot).heads["c3"]?.seq == 20, "c3's own old events came in the snapshot")
        #expect(await cluster.controller("c3").read { $0.row(.node, "ac3n0") } != nil)
        #expect(await cluster.inSync())
        _ = try await cluster.controller("c3").submit(
            "Node.update", object: "afterrejoin", body: ["group": "compute"], actor: "t", requestID: "r")
        #expect(await cluster.converge())
        let written = try Self.logEvents(cluster, "c3").filter { $0.origin == "c3" }
        #expect(written.map(\.seq) == Array(21...26), "c3's own tail came back, and its new event follows it")

        // Restarted once more on what it installed, c3 reads the same state back.
        let final = try await cluster.controller("c1").merkleRoots()
        await cluster.stop("c3")
        try cluster.start("c3")
        #expect(try await cluster.controller("c3").merkleRoots() == final)
        await cluster.shutdown()
    }
}
