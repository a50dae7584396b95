import Foundation
import LunaDomain
import LunaModel

/// The plugins a controller uses: the site's own (replicated through the log, in the
/// `plugin` table) before the shipped ones in `Plugins/`, found by luna2's hierarchy.
public struct PluginLibrary: Sendable {
    public let directory: String
    private let files: WatchedFiles<PluginFile>

    public init(directory: String) {
        self.directory = directory
        files = WatchedFiles { path, text in PluginFile(origin: path, text: text) }
    }

    /// The most specific plugin of `category` for the first levels in order (node, group,
    /// distribution…) and an optional second level (an OS release); nil when not even
    /// the category's `default.sh` exists. Site plugins come from `site` (the plugin rows).
    public func find(_ category: String, levels: [String?], release: String? = nil, site: [String: Row]) -> PluginFile? {
        for name in Self.candidates(levels: levels, release: release) {
            let path = "\(category)/\(name).sh"
            if let content = site[path]?["content"]?.stringValue {
                return PluginFile(origin: "site:\(path)", text: content, identity: "site:\(path)#\(content.hashValue)")
            }
            if var (file, generation) = files.entry(at: "\(directory)/\(path)") {
                file.identity = "\(file.origin)#\(generation)"
                return file
            }
        }
        return nil
    }

    /// The most specific executable plugin file of `category` (hooks run as programs, so
    /// a site's must be on disk: its folder, which the controller keeps equal to the log).
    public func executable(_ category: String, levels: [String?], siteFolder: String?) -> String? {
        for name in Self.candidates(levels: levels, release: nil) {
            for folder in [siteFolder, directory].compactMap({ $0 }) {
                let path = "\(folder)/\(category)/\(name).sh"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    /// The names tried, most specific first: for each level `<level><release>`,
    /// `<level>/<release>`, `<level>/default`, `<level>`; then `default`. A level or
    /// release that is not a plain word (a `/`, a leading dot) is skipped, so no name
    /// ever leaves the category's folder.
    static func candidates(levels: [String?], release: String?) -> [String] {
        let release = release.flatMap { isWord($0) ? $0 : nil }
        var names: [String] = []
        for level in levels.compactMap({ $0 }) where isWord(level) {
            if let release { names += ["\(level)\(release)", "\(level)/\(release)"] }
            names += ["\(level)/default", level]
        }
        var seen = Set<String>()
        return (names + ["default"]).filter { seen.insert($0).inserted }
    }

    static func isWord(_ text: String) -> Bool {
        !text.isEmpty && !text.hasPrefix(".")
            && text.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "._-".unicodeScalars.contains($0)
            }
    }
}
