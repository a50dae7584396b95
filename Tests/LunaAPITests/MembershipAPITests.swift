import LunaModel
import Testing

/// The membership routes' refusals on one controller, whatever the cluster's rows say.
struct MembershipAPITests {
    @Test func aControllerWhosePeersNeverAnsweredDoesNotLeaveAndNamesThem() async throws {
        let harness = try await APIHarness.make()
        try await harness.run { client in
            let alone = try await client.post("/cluster/member/_leave", [:])
            #expect(alone.status == .badRequest && alone.message.contains("the only member"), "\(alone.message)")
            // A controller row of a peer that never answered, as a fuzzer or a typo makes one.
            let added = try await client.post("/config/cluster", ["config": ["cluster": ["controller": ["c9": [:]]]]])
            #expect(added.status == .noContent || added.status == .created, "\(added.text)")
            let refused = try await client.post("/cluster/member/_leave", [:])
            #expect(refused.status == .badRequest && refused.message.contains("c9 did not answer"), "\(refused.message)")
            let itself = try await client.post("/cluster/member/_remove", ["controllers": ["controller"]])
            #expect(itself.status == .badRequest && itself.message.contains("cannot remove itself"), "\(itself.message)")
            let unknown = try await client.post("/cluster/member/_remove", ["controllers": ["c7"]])
            #expect(unknown.status == .notFound, "\(unknown.message)")
            let empty = try await client.post("/cluster/member/_remove", ["controllers": []])
            #expect(empty.status == .badRequest, "\(empty.message)")
        }
    }
}
