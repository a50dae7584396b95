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

        public init(image: String, tree: String, kernelVersion: String?, kernelModules: [String], request: String) {
            self.image = image
            self.tree = tree
            self.kernelVersion = kernelVersion
            self.kernelModules = kernelModules
            self.request = request
        }
    }

    public struct Output: Sendable {
        public var kernelVersion: String
        public var files: [ImageFileKind: ImageFileRef]
    }

    /// Refuses a kernel version the image's tree does not hold, before anything changes.
    public static func checkKernel(tree: String, image: String, version: String) throws(LunaError) {
        _ = try ImageTree(tree, image: image).kernel(version)
    }

    public func pack(_ input: Input, report: @Sendable (String) async -> Void) async throws(LunaError) -> Output {
        let tree = try ImageTree(input.tree, image: input.image)
        let version = try tree.kernel(input.kernelVersion)
        try tree.requireLunaModule()
        let work = try tree.makeWorkFolder(input.request)
        defer { try? FileManager.default.removeItem(atPath: tree.path + work) }
        let staging = store.directory + "/.pack-\(input.request)"
        defer {
            for kind in ImageFileKind.allCases { try? FileManager.default.removeItem(atPath: "\(staging).\(kind.suffix)") }
        }
        try write(nodeINI, to: tree.path + work + "/node.ini", mode: 0o600)

        await report("building the initrd of \(input.image) with dracut for kernel \(version)")
        let drivers = input.kernelModules.filter { !$0.isEmpty }
        var dracut = [
            "unshare", "--mount", "--propagation", "private", "--", "sh", "-c", Self.dracutScript, "sh", tree.path, version, work,
        ]
        if !drivers.isEmpty { dracut += ["--add-drivers", drivers.joined(separator: " ")] }
        try await run(dracut, timeout: dracutTimeout, what: "dracut in \(tree.path)")
        try move(tree.path + work + "/initrd.img", to: "\(staging).\(ImageFileKind.initrd.suffix)")

        await report("archiving \(tree.path) (tar with numeric owners, xattrs and ACLs, zstd)")
        try await run(
            [
                "tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "--acls", "--one-file-system", "--sparse",
                "--exclude=.\(work)", "-I", "zstd -T0 -3", "-C", tree.path, "-cf", "\(staging).\(ImageFileKind.archive.suffix)",
                ".",
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
        return Output(kernelVersion: version, files: files)
    }

    /// Runs dracut inside the tree ($1) for kernel $2, writing $3/initrd.img with the node
    /// login $3/node.ini; further arguments go to dracut. The caller runs it in a private
    /// mount namespace, so the bind mounts end with it whatever happens.
    static let dracutScript = """
        set -eu
        tree=$1 kver=$2 work=$3
        shift 3
        for fs in proc sys dev; do mount --rbind "/$fs" "$tree/$fs"; done
        chroot "$tree" env LUNA_NODE_INI="$work/node.ini" dracut --force --quiet --no-hostonly --kver "$kver" \\
            --add "network-legacy luna" --omit "systemd network-manager" --compress zstd --no-early-microcode \\
            "$@" "$work/initrd.img"
        """

    private func run(_ argv: [String], timeout: Duration, what: String) async throws(LunaError) {
        let finished = try await ProgramRun(argv, timeout: timeout).run()
        guard finished.succeeded else {
            throw LunaError(.unavailable, "\(what) failed (\(finished.status)): \(finished.tail)")
        }
    }

    private func write(_ text: String, to path: String, mode: Int) throws(LunaError) {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
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
