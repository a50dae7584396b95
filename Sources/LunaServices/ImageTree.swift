import Foundation
import LunaModel

/// An OS image's unpacked tree (the image's `path`) as a pack reads it: its kernels, and
/// whether its dracut has the luna module.
struct ImageTree {
    let path: String
    let image: String

    init(_ path: String, image: String) throws(LunaError) {
        let trimmed = try Self.checked(path, image: image)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: trimmed + "/usr", isDirectory: &isFolder), isFolder.boolValue,
            FileManager.default.fileExists(atPath: trimmed + "/tmp")
        else {
            throw .invalid(
                "Invalid request: \(path) of OS image \(image) holds no OS tree (no usr and tmp folders): set the image's path to its unpacked tree"
            )
        }
        self.path = trimmed
        self.image = image
    }

    /// `path` without a trailing `/`, once it is a place an image's tree may be: absolute,
    /// no `..`, and at least two folders deep, so that no grab, clone or sync ever writes
    /// over `/` or a top-level folder such as `/usr` or `/etc`.
    static func checked(_ path: String, image: String) throws(LunaError) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard trimmed.hasPrefix("/"), parts.count >= 2, !parts.contains(where: { $0.isEmpty || $0 == ".." || $0 == "." }) else {
            throw .invalid(
                "Invalid request: path of OS image \(image) must be an absolute folder at least two levels deep (like /trinity/images/\(image)), not '\(path)'"
            )
        }
        return trimmed
    }

    /// The kernel version asked for, or the newest in `boot/` when none is.
    func kernel(_ asked: String?) throws(LunaError) -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path + "/boot")) ?? []
        let versions = names.filter { $0.hasPrefix("vmlinuz-") }.map { String($0.dropFirst("vmlinuz-".count)) }
        if let asked, !asked.isEmpty {
            guard versions.contains(asked) else {
                let have = versions.isEmpty ? "none" : versions.sorted().joined(separator: ", ")
                throw .invalid("Invalid request: OS image \(image) has no kernel \(asked) in \(path)/boot (it has: \(have))")
            }
            return asked
        }
        guard let newest = versions.max(by: { $0.compare($1, options: .numeric) == .orderedAscending }) else {
            throw .invalid("Invalid request: OS image \(image) has no kernel in \(path)/boot: install one in the image first")
        }
        return newest
    }

    func requireLunaModule() throws(LunaError) {
        let module = path + "/usr/lib/dracut/modules.d/95luna/module-setup.sh"
        guard FileManager.default.fileExists(atPath: module) else {
            throw .invalid(
                "Invalid request: OS image \(image) has no luna dracut module (\(module)): install the luna-node package in the image (Deploy/package-node builds it)"
            )
        }
    }
}
