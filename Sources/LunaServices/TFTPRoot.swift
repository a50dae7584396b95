import Foundation
import LunaModel

/// The TFTP root plain PXE firmware loads iPXE from: Luna keeps Debian's iPXE builds there
/// (`undionly.kpxe` for BIOS, `ipxe.efi` for UEFI), each replaced whole when it differs
/// from the installed package's, so a TFTP client never reads half a file.
public struct TFTPRoot: Sendable {
    public static let files = ["undionly.kpxe", "ipxe.efi"]

    public let directory: String
    /// Where the `ipxe` package puts its builds (`/usr/lib/ipxe`).
    public let source: String

    public init(directory: String, source: String) {
        self.directory = directory
        self.source = source
    }

    /// Copies what differs; returns the names copied. Throws a sentence naming the file.
    @discardableResult
    public func reconcile() throws(LunaError) -> [String] {
        let files = FileManager.default
        do {
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LunaError(.unavailable, "the TFTP root \(directory) cannot be made: \(error.localizedDescription)")
        }
        var copied: [String] = []
        for name in Self.files {
            guard let wanted = files.contents(atPath: "\(source)/\(name)") else {
                throw LunaError(
                    .unavailable, "\(source)/\(name) cannot be read: install Debian's ipxe package (apt-get install ipxe)")
            }
            let target = "\(directory)/\(name)"
            guard files.contents(atPath: target) != wanted else { continue }
            let staged = target + ".luna-new"
            guard files.createFile(atPath: staged, contents: wanted), rename(staged, target) == 0 else {
                try? files.removeItem(atPath: staged)
                throw LunaError(.unavailable, "\(target) could not be written (errno \(errno))")
            }
            copied.append(name)
        }
        return copied
    }
}
