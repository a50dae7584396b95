import Foundation
import Testing

/// Deploy/local-cluster as a new user meets it: `up N` starts N, `down` leaves nothing
/// behind, and `up` over a cluster that is there says so.
@Suite(.serialized)
struct LocalClusterScriptTests {
    @Test func upStartsNAndDownRemovesTheCluster() async throws {
        let cluster = ReplicationProcessTests.LocalCluster()
        defer { cluster.tearDown() }
        let one = try await cluster.run(["up", "1"])
        #expect(one.exit == 0, "\(one.output)")
        let again = try await cluster.run(["up", "3"])
        #expect(again.exit == 1)
        #expect(again.output.contains("a cluster (c1) is in \(cluster.directory) already"), "\(again.output)")
        #expect(try await cluster.run(["down"]).exit == 0)
        #expect(!FileManager.default.fileExists(atPath: cluster.directory + "/members"))
        let two = try await cluster.run(["up", "2"])
        #expect(two.exit == 0, "\(two.output)")
        let started = two.output.split(separator: "\n").filter { $0.hasPrefix("c") && $0.contains("http://") }
        #expect(started.count == 2, "\(two.output)")
    }
}
