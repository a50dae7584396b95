import Crypto
import Foundation
import LunaDomain
import LunaModel

/// The image files folder of one controller, content-addressed: a file is served only once
/// its sha256 was checked against the one its pack recorded, and only while it is unchanged
/// since (same size, modification time and inode).
public actor ImageFileStore {
    public nonisolated let directory: String
    /// Verified files by name, with the stamp they had when checked.
    private var verified: [String: FileStamp] = [:]

    public init(directory: String) {
        self.directory = directory
    }

    public nonisolated func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// Where a file being fetched collects its bytes: hidden, so it is never served.
    public nonisolated func partPath(_ name: String) -> String { "\(directory)/.\(name).part" }

    /// True when `name` was verified and has not changed since.
    public func isVerified(_ name: String) -> Bool {
        guard let stamp = verified[name] else { return false }
        guard FileStamp(path: path(name)) == stamp else {
            verified[name] = nil
            return false
        }
        return true
    }

    /// The verified files still as they were checked.
    public func held() -> Set<String> {
        Set(verified.keys.filter { isVerified($0) })
    }

    /// Checks the file in place against `ref`; a file of the wrong size or hash is removed.
    /// True when it is now verified.
    public func verify(_ ref: ImageFileRef) async -> Bool {
        if isVerified(ref.name) { return true }
        let path = path(ref.name)
        guard let before = FileStamp(path: path) else { return false }
        guard before.size == ref.size, let digest = try? Self.digest(path), digest.sha256 == ref.sha256,
            FileStamp(path: path) == before
        else {
            try? FileManager.default.removeItem(atPath: path)
            return false
        }
        verified[ref.name] = before
        return true
    }

    /// Moves a finished download (or a pack's output) into place under its name, once its
    /// content matches `ref`: hashed here, or as it was written (`sha256`). The file at
    /// `source` is consumed either way.
    public func adopt(_ source: String, as ref: ImageFileRef, sha256 written: String? = nil) throws(LunaError) {
        defer { try? FileManager.default.removeItem(atPath: source) }
        guard let stamp = FileStamp(path: source), stamp.size == ref.size else {
            throw LunaError(.unavailable, "\(ref.name) is \(FileStamp(path: source)?.size ?? 0) bytes, not \(ref.size)")
        }
        let sha256: String
        if let written {
            sha256 = written
        } else {
            do { sha256 = try Self.digest(source).sha256 } catch {
                throw LunaError(.unavailable, "\(ref.name) cannot be read: \(error)")
            }
        }
        guard sha256 == ref.sha256 else {
            throw LunaError(.unavailable, "\(ref.name) has sha256 \(sha256.prefix(16))…, not \(ref.sha256.prefix(16))…")
        }
        guard rename(source, path(ref.name)) == 0 else {
            throw LunaError(.unavailable, "\(ref.name) cannot be put in \(directory): \(String(cString: strerror(errno)))")
        }
        verified[ref.name] = FileStamp(path: path(ref.name))
    }

    /// Size and sha256 of a file, read in large blocks.
    public static func digest(_ path: String) throws -> (size: Int, sha256: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LunaError(.unavailable, "\(path) cannot be opened")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size = 0
        while let block = try handle.read(upToCount: 4 << 20), !block.isEmpty {
            hasher.update(data: block)
            size += block.count
        }
        return (size, hasher.finalize().lowercaseHex)
    }

    /// The name a pack gives a file: the image's, the hash's first 16 digits, the kind.
    public static func contentName(image: String, sha256: String, suffix: String) -> String {
        "\(image)-\(sha256.prefix(16)).\(suffix)"
    }

    /// True for names `contentName` makes, and their torrents: only those are ever removed
    /// as unreferenced.
    public static func isContentAddressed(_ name: String) -> Bool {
        let torrents = ImageFileKind.allCases.map { "\($0.suffix).\(TorrentFile.suffix)" }
        for suffix in torrents + ImageFileKind.allCases.map(\.suffix) where name.hasSuffix("." + suffix) {
            let stem = name.dropLast(suffix.count + 1)
            guard let dash = stem.lastIndex(of: "-") else { return false }
            let hash = stem[stem.index(after: dash)...]
            return hash.count == 16 && hash.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }
        return false
    }
}

/// The files a pack makes, and the suffix each is named with.
public enum ImageFileKind: String, CaseIterable, Sendable {
    case kernel = "kernelfile"
    case initrd = "initrdfile"
    case archive = "imagefile"

    public var suffix: String {
        switch self {
        case .kernel: "vmlinuz"
        case .initrd: "initrd.img"
        case .archive: "tar.zst"
        }
    }
}

/// What tells a file changed without reading it.
struct FileStamp: Equatable, Sendable {
    var size: Int
    var modified: Int
    var inode: UInt

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        size = Int(info.st_size)
        modified = Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)
        inode = UInt(info.st_ino)
    }
}
