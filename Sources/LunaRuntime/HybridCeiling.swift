import Foundation
import LunaModel

/// The durable ceiling of this controller's hybrid clock (see `ReplicationCore.ceiling`):
/// one line, milliseconds, in `hlc.ceiling`, written and fsynced before any message that
/// carries a time near it goes out.
enum HybridCeiling {
    static func path(_ directory: DataDirectory) -> String { directory.path + "/hlc.ceiling" }

    static func read(_ directory: DataDirectory) throws -> HybridTime {
        guard let data = FileManager.default.contents(atPath: path(directory)) else { return HybridTime(millis: 0) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let millis = Int64(text) else {
            throw CeilingError(description: "\(path(directory)) holds '\(text)', not a time in milliseconds")
        }
        return HybridTime(millis: millis)
    }

    /// Writes to a temporary file, fsyncs, and renames over the old one: never half a number.
    static func write(_ time: HybridTime, _ directory: DataDirectory) throws {
        let final = path(directory)
        let temporary = final + ".new"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CeilingError(description: "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        let bytes = Array("\(time.millis)\n".utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced, rename(temporary, final) == 0 else {
            throw CeilingError(description: "cannot write \(final): \(String(cString: strerror(errno)))")
        }
    }
}

struct CeilingError: Error, CustomStringConvertible {
    var description: String
}
