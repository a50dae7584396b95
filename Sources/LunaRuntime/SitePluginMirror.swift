import Crypto
import Foundation
import Logging
import LunaDomain
import LunaModel

/// Keeps a controller's site plugin folder and the cluster's site plugins (the `plugin`
/// table, replicated through the log) equal, both ways. A file the operator added,
/// changed or removed since the last pass becomes an event; a plugin changed elsewhere
/// is written to the folder. What each path held after the last pass is kept in the
/// data directory, so a pass can tell the operator's edits from a peer's.
public actor SitePluginMirror {
    let controller: Controller
    let folder: String
    let manifestPath: String
    let logger: Logger
    /// Per path, the content hash (and `+x` when executable) both sides held after the last pass.
    var synced: [String: String]

    public init(controller: Controller, folder: String, logger: Logger) throws {
        self.controller = controller
        self.folder = folder
        self.logger = logger
        manifestPath = controller.directory.path + "/site-plugins.json"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let saved = FileManager.default.contents(atPath: manifestPath).flatMap { try? JSONParser.parse(Array($0)) }
        synced = saved?.objectValue?.compactMapValues(\.stringValue) ?? [:]
    }

    /// One plugin as either side holds it.
    struct Plugin: Equatable {
        var content: String
        var executable: Bool

        var fingerprint: String {
            SHA256.hash(data: Data(content.utf8)).map { String(format: "%02x", $0) }.joined() + (executable ? "+x" : "")
        }
    }

    /// Compares the folder, the views and the last pass, and acts on each difference.
    public func pass() async {
        let disk = scan()
        let views = await controller.read { state in
            state.rows(.plugin).compactMapValues { row in
                row["content"]?.stringValue.map { Plugin(content: $0, executable: row["executable"] == .bool(true)) }
            }
        }
        for path in Set(disk.keys).union(views.keys).sorted() {
            let onDisk = disk[path]?.fingerprint
            let inViews = views[path]?.fingerprint
            if onDisk == inViews {
                synced[path] = onDisk
            } else if onDisk != synced[path] {
                await publish(path, disk[path], existsInViews: inViews != nil)
            } else {
                write(path, views[path])
            }
        }
        save()
    }

    /// The operator's edit, as an event from this controller.
    private func publish(_ path: String, _ plugin: Plugin?, existsInViews: Bool) async {
        let intent = plugin == nil ? "Plugin.delete" : "Plugin.put"
        guard plugin != nil || existsInViews else { return }
        let body: Row = plugin.map { ["content": .string($0.content), "executable": .bool($0.executable)] } ?? [:]
        do {
            _ = try await controller.submit(
                intent, object: path, body: body, actor: "site-plugins@\(controller.name)", requestID: "site-plugins")
            synced[path] = plugin?.fingerprint
            logger.notice("site plugin \(path) \(plugin == nil ? "removed" : "changed") in \(folder): sent to the cluster")
        } catch {
            logger.error("site plugin \(path) in \(folder) was not taken: \(error.message)")
        }
    }

    /// A change from elsewhere, written to the folder (whole, then renamed into place).
    private func write(_ path: String, _ plugin: Plugin?) {
        let file = "\(folder)/\(path)"
        do {
            if let plugin {
                try FileManager.default.createDirectory(
                    atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let temporary = "\(file).luna-new"
                try plugin.content.write(toFile: temporary, atomically: false, encoding: .utf8)
                try FileManager.default.setAttributes(
                    [.posixPermissions: plugin.executable ? 0o755 : 0o644], ofItemAtPath: temporary)
                guard rename(temporary, file) == 0 else { throw CocoaError(.fileWriteUnknown) }
            } else {
                try FileManager.default.removeItem(atPath: file)
            }
            synced[path] = plugin?.fingerprint
        } catch {
            logger.error("site plugin \(path) could not be written to \(folder): \(error)")
        }
    }

    /// Every plugin file in the folder: text files whose path is a plugin path.
    private func scan() -> [String: Plugin] {
        var found: [String: Plugin] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return found }
        while let path = walker.nextObject() as? String {
            let file = "\(folder)/\(path)"
            var info = stat()
            guard !path.hasSuffix(".luna-new"), (try? PluginPath.check(path)) != nil, lstat(file, &info) == 0,
                info.st_mode & S_IFMT == S_IFREG, info.st_size <= 1 << 20,
                let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
            else { continue }
            found[path] = Plugin(content: text, executable: info.st_mode & S_IXUSR != 0)
        }
        return found
    }

    private func save() {
        let value = JSONValue.object(synced.mapValues { .string($0) })
        do {
            try Data(value.canonicalText.utf8).write(to: URL(fileURLWithPath: manifestPath), options: .atomic)
        } catch {
            logger.error("\(manifestPath) could not be written: \(error)")
        }
    }
}
