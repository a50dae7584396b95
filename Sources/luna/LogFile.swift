import Foundation
import LunaLog
import LunaModel
import LunaRuntime
import LunaStore

/// Reads a controller's log without taking it over: a batch still being written by a
/// running lunad is simply not there yet.
struct LogFile {
    let directory: DataDirectory

    func read(from offset: Int = 0, heads: [String: ChainHead] = [:]) throws -> LogScan {
        guard let handle = FileHandle(forReadingAtPath: directory.log) else {
            throw CommandFailure(
                description: "\(directory.log) does not exist: is \(directory.path) a controller's data directory?")
        }
        defer { try? handle.close() }
        let bytes = [UInt8](handle.readDataToEndOfFile())
        return try LogScanner(path: directory.log).scan(bytes, from: offset, heads: heads)
    }

    /// The rejection recorded in the views for each rejected event, if the views exist.
    func rejections() -> ViewStore? {
        FileManager.default.fileExists(atPath: directory.views) ? try? ViewStore(path: directory.views) : nil
    }
}
