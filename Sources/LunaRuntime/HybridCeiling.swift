import Foundation
import LunaLog
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

    /// Never half a number: the file is replaced whole.
    static func write(_ time: HybridTime, _ directory: DataDirectory) throws {
        try DurableFile.replace(path(directory), with: Array("\(time.millis)\n".utf8))
    }
}

struct CeilingError: Error, CustomStringConvertible {
    var description: String
}
