import Foundation
import LunaDomain
import LunaModel
import LunaServices
import LunaTransport

/// luna2's image clone: the tree is copied beside the source's (or to the `path` given),
/// then the row is cloned pointing at the copy. An image without a tree on the master is
/// cloned as a row alone, and the client is told so. Packed files are shared: they are
/// named by their content.
extension ImageWork {
    func checkClone(_ task: PeerTasks.Task) async throws(LunaError) {
        guard let target = task.options["newosimage"]?.stringValue, !target.isEmpty else {
            throw .invalid("Invalid request: Destination osimage name not supplied")
        }
        try NamePattern.object.check(target, field: "newosimage")
        if await controller.read({ $0.row(.osimage, target) }) != nil {
            throw .invalid("Invalid request: \(target) already present in database")
        }
        if let copy = try await copyPlan(task), FileManager.default.fileExists(atPath: copy.target) {
            throw .invalid("Invalid request: \(copy.target) exists already: give the clone a path of its own")
        }
    }

    func performClone(_ task: PeerTasks.Task, report: @escaping @Sendable (String) -> Void) async throws(LunaError) -> String {
        var body = task.options
        guard let copy = try await copyPlan(task) else {
            report("OS image \(task.object) has no tree on \(controller.name): the clone is the row alone")
            try await submit(task, "OSImage.clone", body)
            return "OS Image \(task.object) cloned as \(body["newosimage"]?.stringValue ?? "")"
        }
        report("copying the tree \(copy.source) to \(copy.target)")
        let finished = try await ProgramRun(
            ["cp", "-a", "--reflink=auto", "--", copy.source, copy.target], timeout: .seconds(4 * 3600)
        )
        .run()
        guard finished.succeeded else {
            try? FileManager.default.removeItem(atPath: copy.target)
            throw LunaError(.unavailable, "cp of \(copy.source) to \(copy.target) failed (\(finished.status)): \(finished.tail)")
        }
        body["path"] = .string(copy.path)
        do {
            try await submit(task, "OSImage.clone", body)
        } catch {
            try? FileManager.default.removeItem(atPath: copy.target)
            throw error
        }
        return "OS Image \(task.object) cloned as \(body["newosimage"]?.stringValue ?? "") with its tree at \(copy.target)"
    }

    /// Where the tree is copied from and to on this controller, and the clone's path;
    /// nil when the source has no tree here.
    func copyPlan(_ task: PeerTasks.Task) async throws(LunaError) -> (source: String, target: String, path: String)? {
        let row = await controller.read { $0.row(.osimage, task.object) }
        guard let row else { throw .notFound("Source osimage \(task.object) does not exist") }
        let clone = task.options["newosimage"]?.stringValue ?? ""
        var isFolder: ObjCBool = false
        guard let path = row["path"]?.stringValue, !path.isEmpty else { return nil }
        let source = localTree(task.object, path: path)
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isFolder), isFolder.boolValue else { return nil }
        var clonePath =
            ((path.hasSuffix("/") ? String(path.dropLast()) : path) as NSString).deletingLastPathComponent + "/" + clone
        if let given = task.options["path"]?.stringValue, !given.isEmpty { clonePath = given }
        clonePath = try ImagePacker.checkTreePath(clonePath, image: clone)
        return (
            try ImagePacker.checkTreePath(source, image: task.object),
            try ImagePacker.checkTreePath(localTree(clone, path: clonePath), image: clone), clonePath
        )
    }
}
