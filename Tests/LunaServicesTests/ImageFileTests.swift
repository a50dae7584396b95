import Foundation
import Logging
import LunaDomain
import LunaModel
import LunaRuntime
import LunaServices
import LunaTransport
import Synchronization
import Testing

/// Image files by content: a damaged or cut-short copy is found by its hash and fetched
/// again from a peer, a cut download resumes where it stopped, a wrong copy is refused,
/// and only files nothing names go, after the grace period.
@Suite(.serialized)
struct ImageFileTests {
    /// A seeded controller with two peers, an image whose pack recorded three files, the
    /// peers' folders holding those files, and a reconciler fetching from them.
    struct Fixture {
        let cluster: SeededCluster
        let files: String
        let peers: [String: String]
        let refs: [ImageFileRef]
        let store: ImageFileStore
        /// Offsets each fetch started from, by peer.
        let offsets = Shared<[String: [Int]]>([:])

        init() async throws {
            cluster = try await SeededCluster()
            files = cluster.directory + "/files"
            peers = ["peer1": cluster.directory + "/peer1", "peer2": cluster.directory + "/peer2"]
            for folder in [files] + peers.values {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            var refs: [ImageFileRef] = []
            var record: [String: JSONValue] = [:]
            for (field, suffix) in [("kernelfile", "vmlinuz"), ("initrdfile", "initrd.img"), ("imagefile", "tar.zst")] {
                let bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7 + suffix.count) })
                let scratch = cluster.directory + "/scratch"
                try bytes.write(to: URL(fileURLWithPath: scratch))
                let digest = try ImageFileStore.digest(scratch)
                let ref = ImageFileRef(
                    name: ImageFileStore.contentName(image: "img", sha256: digest.sha256, suffix: suffix), size: digest.size,
                    sha256: digest.sha256)
                for folder in peers.values { try bytes.write(to: URL(fileURLWithPath: "\(folder)/\(ref.name)")) }
                refs.append(ref)
                record[field] = ref.json
            }
            self.refs = refs
            store = ImageFileStore(directory: files)
            for peer in peers.keys.sorted() { try await cluster.change("Controller.update", peer, [:]) }
            try await cluster.change("OSImage.update", "img", ["path": "/trees/img"])
            try await cluster.change("OSImage.packed", "img", ["request": "r1", "kernelversion": "1", "files": .object(record)])
        }

        /// Copies from the peer's folder from the part's current size, like a ranged GET;
        /// `limit` stops after that many bytes, as a broken connection would.
        func reconciler(keep: Duration = .seconds(3600), limit: Int? = nil, lacking: Set<String> = []) -> ImageFileReconciler {
            let peers = self.peers
            let offsets = self.offsets
            let budget = Shared<Int?>(limit)
            return ImageFileReconciler(
                controller: cluster.controller, store: store,
                fetch: { peer, name, part in
                    guard !lacking.contains(peer), let source = FileManager.default.contents(atPath: "\(peers[peer]!)/\(name)")
                    else {
                        return .lacking
                    }
                    if !FileManager.default.fileExists(atPath: part) {
                        _ = FileManager.default.createFile(atPath: part, contents: nil)
                    }
                    let handle = FileHandle(forUpdatingAtPath: part)!
                    defer { try? handle.close() }
                    let offset = Int(try! handle.seekToEnd())
                    offsets.value.withLock { $0[peer, default: []].append(offset) }
                    var rest = source.suffix(from: min(offset, source.count))
                    let allowed = budget.value.withLock { budget -> Int? in
                        defer { budget = nil }
                        return budget
                    }
                    if let allowed { rest = rest.prefix(allowed) }
                    try! handle.write(contentsOf: rest)
                    guard allowed == nil else { return .failed("connection cut after \(allowed!) bytes") }
                    return .complete(sha256: try! ImageFileStore.digest(part).sha256)
                },
                keepUnreferenced: keep, logger: Logger(label: "test"))
        }

        func bytes(_ name: String) -> Data? { FileManager.default.contents(atPath: "\(files)/\(name)") }
        func peerBytes(_ name: String) -> Data? { FileManager.default.contents(atPath: "\(peers["peer1"]!)/\(name)") }
    }

    @Test func missingDamagedAndTruncatedFilesAreFetchedAgainFromAPeer() async throws {
        let fixture = try await Fixture()
        defer { Task { await fixture.cluster.remove() } }
        let reconciler = fixture.reconciler()
        await reconciler.pass()
        for ref in fixture.refs {
            #expect(fixture.bytes(ref.name) == fixture.peerBytes(ref.name))
            #expect(await fixture.store.isVerified(ref.name))
        }
        // One byte changed in place, one file cut in half.
        let damaged = fixture.refs[0].name
        var bytes = fixture.bytes(damaged)!
        bytes[1000] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: "\(fixture.files)/\(damaged)"))
        #expect(await !fixture.store.isVerified(damaged))
        let truncated = fixture.refs[1].name
        try fixture.bytes(truncated)!.prefix(1000).write(to: URL(fileURLWithPath: "\(fixture.files)/\(truncated)"))
        await reconciler.pass()
        #expect(fixture.bytes(damaged) == fixture.peerBytes(damaged))
        #expect(fixture.bytes(truncated) == fixture.peerBytes(truncated))
        #expect(await fixture.store.isVerified(damaged))
        #expect(await fixture.store.isVerified(truncated))
    }

    @Test func aDownloadCutMidFileResumesWhereItStopped() async throws {
        let fixture = try await Fixture()
        defer { Task { await fixture.cluster.remove() } }
        // peer1 breaks off after 100,000 bytes of the first file; peer2 is asked next and resumes.
        let reconciler = fixture.reconciler(limit: 100_000)
        await reconciler.pass()
        let offsets = fixture.offsets.value.withLock { $0 }
        #expect(offsets["peer1"]?.first == 0)
        #expect(offsets["peer2"]?.first == 100_000)
        for ref in fixture.refs { #expect(await fixture.store.isVerified(ref.name)) }
        #expect(await reconciler.failures.isEmpty)
    }

    @Test func aCopyWhoseHashDiffersIsRefusedAndTheNextPeerIsAsked() async throws {
        let fixture = try await Fixture()
        defer { Task { await fixture.cluster.remove() } }
        let name = fixture.refs[2].name
        var bad = fixture.peerBytes(name)!
        bad[5] ^= 1
        try bad.write(to: URL(fileURLWithPath: "\(fixture.peers["peer1"]!)/\(name)"))
        let reconciler = fixture.reconciler()
        await reconciler.pass()
        #expect(fixture.bytes(name) == FileManager.default.contents(atPath: "\(fixture.peers["peer2"]!)/\(name)"))
        #expect(await fixture.store.isVerified(name))
        #expect(!FileManager.default.fileExists(atPath: fixture.store.partPath(name)))
    }

    @Test func withNoPeerHoldingAFileNothingIsServedAndTheReasonIsKept() async throws {
        let fixture = try await Fixture()
        defer { Task { await fixture.cluster.remove() } }
        let reconciler = fixture.reconciler(lacking: ["peer1", "peer2"])
        await reconciler.pass()
        for ref in fixture.refs { #expect(await !fixture.store.isVerified(ref.name)) }
        #expect(await reconciler.failures[fixture.refs[0].name] == "peer1 does not hold it; peer2 does not hold it")
    }

    @Test func onlyUnreferencedPackFilesAreRemovedAndOnlyAfterTheGracePeriod() async throws {
        let fixture = try await Fixture()
        defer { Task { await fixture.cluster.remove() } }
        let reconciler = fixture.reconciler(keep: .milliseconds(300))
        let stale = "img-0123456789abcdef.tar.zst"
        let byHand = "my-kernel"
        for name in [stale, byHand] {
            _ = FileManager.default.createFile(atPath: "\(fixture.files)/\(name)", contents: Data("x".utf8))
        }
        await reconciler.pass()
        #expect(fixture.bytes(stale) != nil)
        try await Task.sleep(for: .milliseconds(400))
        await reconciler.pass()
        #expect(fixture.bytes(stale) == nil)
        #expect(fixture.bytes(byHand) != nil)
        for ref in fixture.refs { #expect(await fixture.store.isVerified(ref.name)) }
    }

    @Test(arguments: [
        ("img-0123456789abcdef.tar.zst", true), ("img-0123456789abcdef.vmlinuz", true), ("a-b-0123456789abcdef.initrd.img", true),
        ("img-0123456789ABCDEF.tar.zst", false), ("img-0123.tar.zst", false), ("img.tar.zst", false), ("vmlinuz-6.1", false),
    ])
    func packNamesAreRecognised(name: String, packed: Bool) {
        #expect(ImageFileStore.isContentAddressed(name) == packed)
    }
}

/// A value the fetch closures of a test share with the test.
final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>

    init(_ value: Value) {
        self.value = Mutex(value)
    }
}
