import Foundation
import LunaDomain
import LunaModel
import LunaRuntime
import Testing

/// A controller removed while it is cut off from the remover only, and still writes and
/// talks to the third member: the remover has that member refuse it before counting what
/// it holds, so no event past the removal's `through` enters, and the two agree after.
struct RemovalFenceTests {
    @Test func aMemberCutOffFromTheRemoverOnlyHandsTheOtherNothingPastItsRemoval() async throws {
        let cluster = InProcessClusterTests.Cluster()
        // Stopped and removed however the check ends: a failed one must not leave c3 writing.
        do {
            try await Self.check(cluster)
        } catch {
            await cluster.shutdown()
            throw error
        }
        await cluster.shutdown()
    }

    private static func check(_ cluster: InProcessClusterTests.Cluster) async throws {
        for name in cluster.names { try cluster.start(name) }
        try await InProcessClusterTests.seed(cluster.controller("c1"))
        #expect(await cluster.converge())
        #expect(await cluster.inSync())
        cluster.cut("c1", from: "c3")
        let c3 = cluster.controller("c3")
        let writer = Task {
            var index = 0
            while !Task.isCancelled {
                _ = try? await c3.submit(
                    "Node.update", object: "c3n\(index)", body: ["group": "compute"], actor: "t", requestID: "w",
                    requireSync: false)
                index += 1
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { writer.cancel() }
        // c1 hears from c3 only through c2 now: after the alive window, c3 counts as dead.
        try await Task.sleep(for: .milliseconds(Controller.aliveWindow + 500))
        let c1 = cluster.controller("c1"), c2 = cluster.controller("c2")
        _ = try await c1.removeMembers(["c3"], actor: "t", requestID: "remove", timeout: 120_000)
        let through = try #require(await c1.read { Removal.all(in: $0)["c3"]?.through })
        // c3 goes on writing, and pushing to c2, after its removal.
        let deadline = ContinuousClock.now + .seconds(120)
        while await c3.appliedClock["c3"] < through + 10, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(500))
        writer.cancel()
        _ = await writer.value

        #expect(await c3.appliedClock["c3"] >= through + 10, "c3 wrote past its removal")
        while await c2.appliedClock != c1.appliedClock, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(await c1.appliedClock["c3"] == through)
        #expect(await c2.appliedClock["c3"] == through, "c2 holds no event of c3 past its removal")
        #expect(await c2.read { Removal.all(in: $0)["c3"]?.through } == through)
        #expect(try await c2.merkleRoots() == c1.merkleRoots())
    }
}
