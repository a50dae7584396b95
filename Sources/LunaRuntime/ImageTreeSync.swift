import Foundation
import Logging
import LunaDomain
import LunaModel
import LunaServices

/// luna2's `syncimages`: with the cluster's flag set, every controller but the master
/// unpacks each image's last packed archive into its own copy of the tree, once the
/// archive is held here verified; the master is where trees are changed and packed. A tree
/// is replaced whole: unpacked beside it, then swapped in.
public actor ImageTreeSync {
    let controller: Controller
    let store: ImageFileStore
    /// Where this controller keeps its trees (`<trees>/<image>`); nil for the images' paths.
    let trees: String?
    let logger: Logger
    /// Images to unpack again on the next pass, whatever their markers say.
    var forced: Set<String> = []
    /// Why the last unpack of an image failed, until one succeeds.
    public private(set) var failures: [String: String] = [:]

    public init(controller: Controller, store: ImageFileStore, trees: String?, logger: Logger) {
        self.controller = controller
        self.store = store
        self.trees = trees
        self.logger = logger
    }

    /// Beside a tree, the name of the controller that last packed it.
    static let masterMark = ".luna-packed-by"

    public enum Refusal: Error, Sendable, Equatable {
        case notSyncing
        case master(String)
    }

    /// `/ha/syncimage/<image>`: unpack the image again on the next pass.
    public func force(_ image: String) async -> Refusal? {
        let (syncing, master) = (
            await controller.read { $0.row(.cluster, "cluster")?["syncimages"] == .bool(true) },
            await controller.replicationState.master
        )
        guard syncing else { return .notSyncing }
        if master == controller.name { return .master(controller.name) }
        forced.insert(image)
        return nil
    }

    public func pass() async {
        let master = await controller.replicationState.master
        let (syncing, images) = await controller.read { state in
            (
                state.row(.cluster, "cluster")?["syncimages"] == .bool(true),
                state.rows(.osimage).compactMap { name, row -> (String, String, ImageFileRef)? in
                    guard let path = row["path"]?.stringValue, !path.isEmpty,
                        let archive = ImageFileRef.of(row)[ImageFileKind.archive.rawValue]
                    else { return nil }
                    return (name, path, archive)
                }
            )
        }
        guard syncing, master != controller.name else { return }
        for (image, path, archive) in images.sorted(by: { $0.0 < $1.0 }) where await store.isVerified(archive.name) {
            guard let target = try? ImagePacker.checkTreePath(trees.map { "\($0)/\(image)" } ?? path, image: image) else {
                failures[image] = "its path \(path) is no place for a tree: not unpacked"
                continue
            }
            let marker = target + ".luna-archive"
            let unpacked = try? String(contentsOfFile: marker, encoding: .utf8)
            guard forced.contains(image) || unpacked != archive.sha256 else { continue }
            let packer = try? String(contentsOfFile: target + Self.masterMark, encoding: .utf8)
            if let master, packer == master {
                let reason = "\(target) is the master \(master)'s own tree (a shared disk?): not unpacked over it"
                if failures[image] != reason { logger.warning("OS image \(image): \(reason)") }
                failures[image] = reason
                continue
            }
            do throws(LunaError) {
                try await unpack(store.path(archive.name), into: target)
                guard FileManager.default.createFile(atPath: marker, contents: Data(archive.sha256.utf8)) else {
                    throw LunaError(.unavailable, "\(marker) cannot be written")
                }
                forced.remove(image)
                failures[image] = nil
                logger.notice("unpacked OS image \(image) into \(target) from \(archive.name)")
            } catch {
                if failures[image] != error.message { logger.warning("could not unpack OS image \(image): \(error.message)") }
                failures[image] = error.message
            }
        }
    }

    /// Unpacks beside the tree, then swaps the new tree in and removes the old one.
    private func unpack(_ archive: String, into target: String) async throws(LunaError) {
        let staging = target + ".luna-sync"
        let old = target + ".luna-old"
        for leftover in [staging, old] { try? FileManager.default.removeItem(atPath: leftover) }
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw LunaError(.unavailable, "\(staging) cannot be made: \(error.localizedDescription)")
        }
        let finished = try await ProgramRun(
            [
                "tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--acls", "-I", "zstd -q", "-xf", archive, "-C",
                staging,
            ],
            timeout: .seconds(4 * 3600)
        ).run()
        guard finished.succeeded else {
            try? FileManager.default.removeItem(atPath: staging)
            throw LunaError(
                .unavailable, "tar could not unpack \(archive) into \(staging) (\(finished.status)): \(finished.tail)")
        }
        let present = FileManager.default.fileExists(atPath: target)
        guard !present || rename(target, old) == 0 else {
            throw LunaError(.unavailable, "\(target) cannot be moved aside: \(String(cString: strerror(errno)))")
        }
        guard rename(staging, target) == 0 else {
            let reason = String(cString: strerror(errno))
            if present { _ = rename(old, target) }
            throw LunaError(.unavailable, "\(staging) cannot replace \(target): \(reason)")
        }
        try? FileManager.default.removeItem(atPath: old)
    }
}
