import Foundation
import LunaModel

/// What one service (DHCP, DNS) needs written for the views at hand: files by their final
/// path, and how each is checked before it may replace the running one.
public struct ServiceConfig: Sendable {
    public struct File: Sendable {
        public var path: String
        public var content: String
        /// The daemon's checker, run on the staged copy; nil for a file checked with another.
        public var check: ConfigCheck?

        public init(path: String, content: String, check: ConfigCheck?) {
            self.path = path
            self.content = content
            self.check = check
        }
    }

    public var files: [File]
    /// Files of this service's own naming in a folder (`<folder>/*<suffix>`): one the views
    /// no longer make (a removed network's zone) is removed.
    public var owned: (folder: String, suffix: String)?

    public init(files: [File], owned: (folder: String, suffix: String)? = nil) {
        self.files = files
        self.owned = owned
    }

    /// Owned files on disk that the configuration no longer has.
    func stale() -> [String] {
        guard let (folder, suffix) = owned,
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder)
        else { return [] }
        let wanted = Set(files.map(\.path))
        return names.filter { $0.hasSuffix(suffix) }.map { "\(folder)/\($0)" }.filter { !wanted.contains($0) }.sorted()
    }
}
