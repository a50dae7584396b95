import Foundation
import LunaLog

/// A data-directory file holding one number (a time in milliseconds, an incarnation) on
/// one line, replaced whole.
enum MillisFile {
    /// The number in the file; nil when there is no file.
    static func read(_ path: String) throws -> Int64? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let millis = Int64(text) else {
            throw MillisFileError(description: "\(path) holds '\(text)', not a number")
        }
        return millis
    }

    static func write(_ millis: Int64, to path: String) throws {
        try DurableFile.replace(path, with: Array("\(millis)\n".utf8))
    }
}

struct MillisFileError: Error, CustomStringConvertible {
    var description: String
}
