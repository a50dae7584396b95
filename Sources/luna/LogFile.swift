import Foundation
import LunaLog
import LunaModel
import LunaRuntime
import LunaStore

/// Reads a controller's log without taking it over: a batch still being written by a
/// running lunad is simply not there yet.
struct LogFile {
    let directory: DataDirectory

    /// The snapshot the log goes on from: empty when nothing was ever compacted.
    func snapshot() throws -> Snapshot {
        try SnapshotFile.read(path: directory.snapshot)
    }

    /// Scans the log from `offset`, going on from `heads`. Events at or below `folded` are
    /// skipped: by default the snapshot's, which compaction may not have cut yet.
    func read(from offset: Int = 0, heads: [String: ChainHead] = [:], folded: [String: ChainHead]? = nil) throws
        -> LogScan
    {
        let folded = try folded ?? snapshot().heads
        guard let handle = FileHandle(forReadingAtPath: directory.log) else {
            throw CommandFailure(
                description: "\(directory.log) does not exist: is \(directory.path) a controller's data directory?")
        }
        defer { try? handle.close() }
        let bytes = [UInt8](handle.readDataToEndOfFile())
        return try LogScanner(path: directory.log).scan(bytes, from: offset, heads: heads, folded: folded)
    }

    /// Which file the log is: compaction replaces it with a new one.
    func identity() -> UInt64? {
        var info = stat()
        return stat(directory.log, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    /// The rejection recorded in the views for each rejected event, if the views exist.
    func rejections() -> ViewStore? {
        FileManager.default.fileExists(atPath: directory.views) ? try? ViewStore(path: directory.views) : nil
    }
}
