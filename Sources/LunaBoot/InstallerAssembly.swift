import LunaModel

/// The installer's text before rendering: the template with each chosen plugin's
/// segments injected at its `## … CODE SEGMENT` marker. The provision methods'
/// `fetch` segments are stacked, primary first, each as a `download_<method>` function.
struct InstallerAssembly {
    /// Segments by marker name, e.g. `NETWORK INTERFACE` → the network plugin's `interface`.
    var segments: [String: String] = [:]
    /// Provision methods in order, with their `fetch` segment.
    var fetchers: [(method: String, body: String)] = []
    /// The identities of the plugins the segments came from, in order: with the
    /// template's, the key of the assembled text.
    var sources: [String] = []

    func assemble(_ template: String) -> String {
        var lines: [Substring] = []
        for line in template.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingPrefix(while: { $0 == " " })
            guard trimmed.hasPrefix("## "), trimmed.hasSuffix(" CODE SEGMENT") else {
                lines.append(line)
                continue
            }
            let marker = String(trimmed.dropFirst(3).dropLast(" CODE SEGMENT".count))
            if marker == "FETCH" {
                for fetcher in fetchers {
                    lines.append("download_\(fetcher.method)() {")
                    lines.append(Substring(Self.body(fetcher.body)))
                    lines.append("}")
                }
            } else {
                lines.append(Substring(Self.body(segments[marker] ?? "")))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A function body bash accepts: an empty segment becomes `:`.
    static func body(_ segment: String) -> String {
        segment.allSatisfy(\.isWhitespace) ? "    :" : segment
    }
}
