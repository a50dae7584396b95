import Foundation
import Synchronization

/// Files read once and kept, each read again when its size, modification time or inode
/// changes on disk: an edited template or plugin takes effect on the next request,
/// without a restart and without reading the file for every request.
final class WatchedFiles<Value: Sendable>: Sendable {
    struct Fingerprint: Equatable {
        var size: Int64
        var modified: timespec
        var inode: UInt64

        static func == (lhs: Fingerprint, rhs: Fingerprint) -> Bool {
            lhs.size == rhs.size && lhs.inode == rhs.inode && lhs.modified.tv_sec == rhs.modified.tv_sec
                && lhs.modified.tv_nsec == rhs.modified.tv_nsec
        }
    }

    private let entries = Mutex<(files: [String: (fingerprint: Fingerprint, value: Value, generation: Int)], reads: Int)>(
        ([:], 0))
    private let parse: @Sendable (String, String) -> Value

    /// `parse` turns a file's path and text into the kept value.
    init(parse: @escaping @Sendable (String, String) -> Value) {
        self.parse = parse
    }

    /// The value of the file at `path` (nil when there is no readable regular file) and its generation: a number that changes whenever the file is read
    /// anew, so a short key can stand for the file's content.
    func entry(at path: String) -> (value: Value, generation: Int)? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            entries.withLock { _ = $0.files.removeValue(forKey: path) }
            return nil
        }
        let fingerprint = Fingerprint(size: Int64(info.st_size), modified: info.st_mtim, inode: UInt64(info.st_ino))
        if let known = entries.withLock({ $0.files[path] }), known.fingerprint == fingerprint {
            return (known.value, known.generation)
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return nil
        }
        let value = parse(path, text)
        let generation = entries.withLock { entries in
            entries.reads += 1
            entries.files[path] = (fingerprint, value, entries.reads)
            return entries.reads
        }
        return (value, generation)
    }
}
