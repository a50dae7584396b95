import Foundation
import LunaModel
import Testing

/// luna2's syncimages: with the flag set, the controllers that are not the master unpack
/// each image's last packed archive into their own trees (here c2 has [IMAGES] TREES of
/// its own, as separate head nodes have disks of their own), but never over the master's
/// tree (c3 shares it, as controllers on one shared disk would); /ha/syncimage unpacks
/// again on demand.
@Suite(.serialized)
struct OSImageSyncProcessTests {
    typealias LocalCluster = ReplicationProcessTests.LocalCluster

    static func waitFor(_ path: String, toHold text: String) async throws -> Bool {
        for _ in 0..<300 {
            if (try? String(contentsOfFile: path, encoding: .utf8)) == text { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func controllersOtherThanTheMasterUnpackEachPackIntoTheirTrees() async throws {
        let (cluster, tree) = try OSImagePackProcessTests.cluster()
        defer { OSImagePackProcessTests.remove(cluster, tree) }
        #expect(try await cluster.run(["up", "3"]).exit == 0)
        let ini = "\(cluster.directory)/c2/luna.ini"
        try (try String(contentsOfFile: ini, encoding: .utf8) + "\n[IMAGES]\nTREES = \(cluster.directory)/c2-trees\n")
            .write(toFile: ini, atomically: true, encoding: .utf8)
        #expect(try await cluster.run(["stop", "c2"]).exit == 0)
        #expect(try await cluster.run(["start", "c2"]).exit == 0)
        let apis = (1...3).map(cluster.api)
        try "gone in the second pack".write(toFile: tree + "/etc/old", atomically: true, encoding: .utf8)
        #expect(try await apis[0].post("/config/cluster", ["config": ["cluster": ["syncimages": true]]]).status == 204)
        #expect(
            try await apis[0].post("/config/osimage/fake", ["config": ["osimage": ["fake": ["path": .string(tree)]]]]).status
                == 201)
        let first = try #require(try await apis[0].get("/config/osimage/fake/_pack").body?["request_id"]?.stringValue)
        #expect(try await OSImagePackProcessTests.follow(first, on: apis[0]).contains { $0.text.hasPrefix("finished pack fake") })
        let marker = "\(cluster.directory)/c2-trees/fake/etc/marker"
        #expect(try await Self.waitFor(marker, toHold: "packed by the test"), "c2 did not unpack\n\(cluster.logTails())")
        #expect(try await apis[1].get("/ha/state").body?["ha"]?["syncimages"] == true)
        // c3's tree is the master's: an edit made there after the pack survives c3's passes.
        try "edited after the pack".write(toFile: tree + "/etc/after-pack", atomically: true, encoding: .utf8)
        try await Task.sleep(for: .seconds(3))
        #expect(FileManager.default.fileExists(atPath: tree + "/etc/after-pack"), "c3 unpacked over the master's tree")
        #expect(cluster.logTails().contains("is the master c1's own tree"), "\(cluster.logTails())")

        // The master's tree changes and is packed again: the copies follow, whole.
        try "second".write(toFile: tree + "/etc/marker", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: tree + "/etc/old")
        let second = try #require(try await apis[2].get("/config/osimage/fake/_pack").body?["request_id"]?.stringValue)
        #expect(
            try await OSImagePackProcessTests.follow(second, on: apis[2]).contains { $0.text.hasPrefix("finished pack fake") })
        let copy = "\(cluster.directory)/c2-trees/fake"
        #expect(try await Self.waitFor(copy + "/etc/marker", toHold: "second"))
        #expect(!FileManager.default.fileExists(atPath: copy + "/etc/old"), "the old tree was not replaced whole")

        // On demand: unpacked again on a controller that lost a file; not on the master.
        try FileManager.default.removeItem(atPath: "\(cluster.directory)/c2-trees/fake/etc/marker")
        let again = try await apis[1].get("/ha/syncimage/fake")
        #expect(again.status == 200, "\(again.text)")
        #expect(try await Self.waitFor("\(cluster.directory)/c2-trees/fake/etc/marker", toHold: "second"))
        let master = try await apis[0].get("/ha/syncimage/fake")
        #expect(master.status == 404 && master.text.contains("c1 is the master"), "\(master.text)")
        #expect(try await apis[0].post("/config/cluster", ["config": ["cluster": ["syncimages": false]]]).status == 204)
        var off = false
        for _ in 0..<100 where !off {
            let reply = try await apis[1].get("/ha/syncimage/fake")
            off = reply.status == 404 && reply.text.contains("syncimages is not set")
            if !off { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(off)
    }
}
