import Foundation
import LunaDomain
import LunaModel
import LunaServices
import LunaTransport

extension ImageWork {
    func checkPack(_ task: PeerTasks.Task, tree: String) throws(LunaError) {
        if task.kind == "kernel" {
            guard let version = task.options["kernelversion"]?.stringValue, !version.isEmpty else {
                throw .invalid("Invalid request: kernelversion is required")
            }
            try ImagePacker.checkKernel(tree: tree, image: task.object, version: version)
        }
        try requirePacker()
    }

    /// The tracker a torrent names: the one at the address nodes reach (the beacon), as
    /// the seeders and the installer use it. Nil (no torrent) while no address is set.
    func announceURL() async -> String? {
        let scheme = self.scheme
        return await controller.read { state in
            (try? ControllerEndpoint(state: state, scheme: scheme)).map { "\($0.url)/announce" }
        }
    }

    func requirePacker() throws(LunaError) {
        guard packer != nil else {
            throw LunaError(
                .unavailable,
                "Service unavailable: \(controller.name) cannot pack: an initrd carries the node login, and [API] NODE_USERNAME and NODE_PASSWORD are not set in its luna.ini"
            )
        }
    }

    /// Records the pack's start, packs, and records the files or the failure (after a
    /// kernel change, first the new kernel version).
    func performPack(_ task: PeerTasks.Task, report: @escaping @Sendable (String) -> Void) async throws(LunaError) -> String {
        let image = task.object
        if task.kind == "kernel", let version = task.options["kernelversion"] {
            try await submit(task, "OSImage.update", ["kernelversion": version])
            report("kernel of \(image) set to \(version.stringValue ?? "")")
        }
        let tree = try await treeOf(image)
        guard let packer, let row = await controller.read({ $0.row(.osimage, image) }) else {
            throw .notFound("OS Image \(image) not present in database")
        }
        try await submit(task, "OSImage.packing", ["request": .string(task.request), "controller": .string(controller.name)])
        let input = ImagePacker.Input(
            image: image, tree: tree, kernelVersion: row["kernelversion"]?.stringValue,
            kernelModules: (row["kernelmodules"]?.stringValue ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(
                String.init),
            request: task.request, announce: await announceURL())
        let output: ImagePacker.Output
        do {
            output = try await packer.pack(input) { report($0) }
        } catch {
            try? await submit(task, "OSImage.packFailed", ["request": .string(task.request), "reason": .string(error.message)])
            throw error
        }
        // Who packs this tree, beside it: a controller that finds the master's name beside its
        // own tree shares the master's disk, and syncimages must not unpack over it.
        _ = FileManager.default.createFile(atPath: tree + ImageTreeSync.masterMark, contents: Data(controller.name.utf8))
        var files: [String: JSONValue] = [:]
        for (kind, ref) in output.files { files[kind.rawValue] = ref.json }
        if let torrent = output.torrent { files[ImageFileRef.torrentKey] = torrent.json }
        try await submit(
            task, "OSImage.packed",
            ["request": .string(task.request), "kernelversion": .string(output.kernelVersion), "files": .object(files)])
        let names = ImageFileKind.allCases.compactMap { output.files[$0]?.name } + [output.torrent?.name].compactMap { $0 }
        return "OS image \(image) packed for kernel \(output.kernelVersion): \(names.joined(separator: ", "))"
    }
}
