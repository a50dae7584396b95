import Crypto
import Foundation
import LunaDomain
import LunaModel

/// Packs an OS image from its tree: the kernel of the chosen version, an initrd built
/// inside the tree by its own dracut with the luna module, and the tree as a compressed
/// tar with numeric owners, extended attributes and ACLs. The results are put in the files
/// folder under content-addressed names; the image's previous files stay as they were.
public struct ImagePacker: Sendable {
    public let store: ImageFileStore
    /// The node login baked into the initrd (`USERNAME=`/`PASSWORD=` lines, node.ini).
    public let nodeINI: String
    public var dracutTimeout: Duration = .seconds(3600)
    public var archiveTimeout: Duration = .seconds(4 * 3600)

    public init(store: ImageFileStore, nodeINI: String) {
        self.store = store
        self.nodeINI = nodeINI
    }

    public struct Input: Sendable {
        public var image: String
        public var tree: String
        public var kernelVersion: String?
        public var kernelModules: [String]
        /// A tag for temporary names, unique per pack (the request id).
        public var request: String
        /// The tracker the archive's torrent names; nil makes no torrent.
        public var announce: String?

        public init(
            image: String, tree: String, kernelVersion: String?, kernelModules: [String], request: String, announce: String?
        ) {
            self.image = image
            self.tree = tree
            self.kernelVersion = kernelVersion
            self.kernelModules = kernelModules
            self.request = request
            self.announce = announce
        }
    }

    public struct Output: Sendable {
        public var kernelVersion: String
        public var files: [ImageFileKind: ImageFileRef]
        /// The archive's `.torrent`, named `<archive>.torrent`.
        public var torrent: ImageFileRef?
    }

    /// A tree's path fit for a grab, a push, a clone or a sync: see `ImageTree.checked`.
    public static func checkTreePath(_ path: String, image: String) throws(LunaError) -> String {
        try ImageTree.checked(path, image: image)
    }

    /// Refuses a kernel version the image's tree does not hold, before anything changes.
    public static func checkKernel(tree: String, image: String, version: String) throws(LunaError) {
        _ = try ImageTree(tree, image: image).kernel(version)
    }

    /// What a pack cut short by a stop of the controller left beside the files.
    public func removeLeftovers(of request: String) {
        let work = store.directory + "/.pack-\(request)"
        let outputs = ImageFileKind.allCases.map(\.suffix) + [TorrentFile.suffix]
        for path in [work, work + ".ini"] + outputs.map({ "\(work).out.\($0)" }) {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    public func pack(_ input: Input, report: @Sendable (String) async -> Void) async throws(LunaError) -> Output {
        let tree = try ImageTree(input.tree, image: input.image)
        let version = try tree.kernel(input.kernelVersion)
        try tree.requireLunaModule()
        // Beside the files, never in the tree: the tree stays as it was, and the initrd
        // arrives on the files' own file system.
        let work = store.directory + "/.pack-\(input.request)"
        let login = work + ".ini"
        let staging = work + ".out"
        removeLeftovers(of: input.request)
        defer { removeLeftovers(of: input.request) }
        do {
            try FileManager.default.createDirectory(
                atPath: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw LunaError(.unavailable, "\(work) cannot be made: \(error.localizedDescription)")
        }
        try write(nodeINI, to: login, mode: 0o600)

        await report("building the initrd of \(input.image) with dracut for kernel \(version)")
        let drivers = input.kernelModules.filter { !$0.isEmpty }.joined(separator: " ")
        let dracut = try await run(
            [
                "unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--kill-child", "sh", "-c",
                Self.dracutScript, "sh", tree.path, version, login, work, drivers,
            ], timeout: dracutTimeout, what: "dracut in \(tree.path)")
        // dracut only warns about a module it cannot find, and a node would boot without it.
        if let missing = dracut.output.split(separator: "\n").first(where: { $0.contains("Failed to find module") }) {
            throw LunaError(
                .invalid,
                "Invalid request: kernelmodules of OS image \(input.image) names a module kernel \(version) lacks: \(missing)")
        }
        try move(work + "/initrd.img", to: "\(staging).\(ImageFileKind.initrd.suffix)")

        await report("archiving \(tree.path) (tar with numeric owners, xattrs and ACLs, zstd)")
        _ = try await run(
            [
                "tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--acls", "--one-file-system", "--sparse",
                "--sort=name", "-I", "zstd -q -T0 -3", "-C", tree.path, "-cf", "\(staging).\(ImageFileKind.archive.suffix)", ".",
            ], timeout: archiveTimeout, what: "tar of \(tree.path)")
        try copy(tree.path + "/boot/vmlinuz-\(version)", to: "\(staging).\(ImageFileKind.kernel.suffix)")

        await report("hashing the kernel, initrd and archive of \(input.image)")
        var files: [ImageFileKind: ImageFileRef] = [:]
        for kind in ImageFileKind.allCases {
            let source = "\(staging).\(kind.suffix)"
            let digest: (size: Int, sha256: String)
            do { digest = try ImageFileStore.digest(source) } catch {
                throw LunaError(.unavailable, "\(source) cannot be read: \(error)")
            }
            let ref = ImageFileRef(
                name: ImageFileStore.contentName(image: input.image, sha256: digest.sha256, suffix: kind.suffix),
                size: digest.size, sha256: digest.sha256)
            try await store.adopt(source, as: ref)
            files[kind] = ref
        }
        var torrent: ImageFileRef?
        if let announce = input.announce, let archive = files[.archive] {
            await report("making the torrent of \(archive.name) (tracker \(announce))")
            torrent = try await makeTorrent(of: archive, announce: announce, staging: "\(staging).\(TorrentFile.suffix)")
        }
        return Output(kernelVersion: version, files: files, torrent: torrent)
    }

    /// The archive's `.torrent`, from its copy in the files folder.
    private func makeTorrent(of archive: ImageFileRef, announce: String, staging: String) async throws(LunaError) -> ImageFileRef
    {
        let bytes = try TorrentFile.make(archive: store.path(archive.name), name: archive.name, announce: announce)
        try write(bytes, to: staging, mode: 0o644)
        let ref = ImageFileRef(
            name: "\(archive.name).\(TorrentFile.suffix)", size: bytes.count, sha256: SHA256.hash(data: bytes).lowercaseHex)
        try await store.adopt(staging, as: ref, sha256: ref.sha256)
        return ref
    }

    /// Builds the initrd inside the tree ($1) for kernel $2 with the node login $3, in the
    /// work folder $4, adding the drivers $5. Run in private mount and pid namespaces: the
    /// mounts and every process end with it, however it ends. The tree is mounted
    /// read-only and its /tmp is the work folder, so the pack changes nothing in it.
    static let dracutScript = """
        set -eu
        tree=$1 kver=$2 ini=$3 work=$4 drivers=$5
        trap 'rm -f "$work/node.ini"' EXIT
        for d in proc sys dev tmp; do
            if [ ! -d "$tree/$d" ] || [ -L "$tree/$d" ]; then
                echo "the image has no folder /$d to mount on" >&2
                exit 1
            fi
        done
        mount --bind "$tree" "$tree"
        mount -o remount,bind,ro "$tree"
        mount -t proc proc "$tree/proc"
        mount --bind /sys "$tree/sys"
        mount --bind /dev "$tree/dev"
        mount --bind "$work" "$tree/tmp"
        install -m 0600 "$ini" "$work/node.ini"
        set -- --force --no-hostonly --kver "$kver" --add "network-legacy luna" \\
            --omit "systemd network-manager" --compress "zstd -q -3 -T0" --no-early-microcode --tmpdir /tmp
        if [ -n "$drivers" ]; then set -- "$@" --add-drivers "$drivers"; fi
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LUNA_NODE_INI=/tmp/node.ini chroot "$tree" dracut "$@" /tmp/initrd.img
        """

    private func run(_ argv: [String], timeout: Duration, what: String) async throws(LunaError) -> ProgramRun.Finished {
        let finished = try await ProgramRun(argv, timeout: timeout).run()
        guard finished.succeeded else {
            throw LunaError(.unavailable, "\(what) failed (\(finished.status)): \(finished.tail)")
        }
        return finished
    }

    private func write(_ text: String, to path: String, mode: Int) throws(LunaError) {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    private func write(_ bytes: [UInt8], to path: String, mode: Int) throws(LunaError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: mode])
        else {
            throw LunaError(.unavailable, "\(path) cannot be written")
        }
    }

    private func move(_ source: String, to target: String) throws(LunaError) {
        guard rename(source, target) == 0 else {
            // The tree may sit on another file system than the files folder.
            try copy(source, to: target)
            return
        }
    }

    private func copy(_ source: String, to target: String) throws(LunaError) {
        try? FileManager.default.removeItem(atPath: target)
        do { try FileManager.default.copyItem(atPath: source, toPath: target) } catch {
            throw LunaError(.unavailable, "\(source) cannot be copied to \(target): \(error.localizedDescription)")
        }
    }
}
