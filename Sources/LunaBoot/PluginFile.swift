import Foundation

/// One plugin as text: named bash segments, each starting at a `#@ segment NAME` line
/// and running to the next one. What comes before the first is a note for people.
public struct PluginFile: Sendable, Equatable {
    /// Where it was found, for messages: `shipped:boot/network/redhat9.sh` or `site:…`.
    public let origin: String
    public let segments: [String: String]
    /// Short and different for every content the plugin had: where it was found and which
    /// reading of the file (or, for a site plugin, of the row) it is.
    public internal(set) var identity: String

    public init(origin: String, text: String, identity: String? = nil) {
        self.origin = origin
        self.identity = identity ?? origin
        var segments: [String: String] = [:]
        var current: String?
        var lines: [Substring] = []
        func close() {
            if let current { segments[current] = lines.joined(separator: "\n") }
            lines = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(Self.marker) {
                close()
                current = line.dropFirst(Self.marker.count).trimmingCharacters(in: .whitespaces)
            } else if current != nil {
                lines.append(line)
            }
        }
        close()
        self.segments = segments
    }

    static let marker = "#@ segment "

    /// A segment's text, or nil when the plugin has no such segment.
    public func segment(_ name: String) -> String? {
        segments[name]
    }
}
