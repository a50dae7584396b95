import Foundation
import Hummingbird
import LunaModel
import LunaRuntime
import LunaServices
import Testing

/// `/announce` and `/scrape` answer in bencode, open to clients without a token, and track
/// only the torrents of the cluster's images.
struct TrackerAPITests {
    static let hash = String(repeating: "%AB", count: 20)

    @Test func theTrackerRefusesBadQueriesAndForeignTorrentsInBencode() async throws {
        let harness = try await APIHarness.make()
        let services = ControllerServices(imageStore: ImageFileStore(directory: harness.directory + "/files"))
        try await harness.run(services: services) { client in
            let missing = try await client.get("/announce?peer_id=\(Self.hash)&port=6881&left=0", token: "")
            #expect(missing.status == .badRequest)
            #expect(
                try Bencode.decode(Array(missing.text.utf8))["failure reason"] == .text("Invalid request: info_hash is required"))

            let badPort = try await client.get("/announce?info_hash=\(Self.hash)&peer_id=\(Self.hash)&port=0&left=0", token: "")
            #expect(
                badPort.status == .badRequest && badPort.text.contains("port must be a number from 1 to 65535"), "\(badPort.text)"
            )

            let foreign = try await client.get(
                "/announce?info_hash=\(Self.hash)&peer_id=\(Self.hash)&port=6881&left=10&event=started", token: "")
            #expect(foreign.status == .notFound)
            #expect(foreign.text.contains("is not the torrent of an OS image of this cluster"), "\(foreign.text)")

            let scrape = try await client.get("/scrape", token: "")
            #expect(scrape.status == .ok)
            #expect(try Bencode.decode(Array(scrape.text.utf8)) == .dict(["files": .dict([:])]))
        }
    }

    @Test func aControllerWithoutImageFilesTracksNothing() async throws {
        let harness = try await APIHarness.make()
        try await harness.run { client in
            let reply = try await client.get("/scrape", token: "")
            #expect(reply.status == .serviceUnavailable && reply.text.contains("tracks no torrents"), "\(reply.text)")
        }
    }
}
