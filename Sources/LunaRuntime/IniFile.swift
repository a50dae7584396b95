import Foundation

/// An INI file as luna2 uses them: `[SECTION]`, `KEY = value`, `;` and `#` comments.
/// Section and key names are case-insensitive; errors name the file and the line.
public struct IniFile: Sendable {
    public let path: String
    public private(set) var sections: [String: [(key: String, value: String, line: Int)]] = [:]

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public init(path: String, text: String) throws(Failure) {
        self.path = path
        var section: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix(";") || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw Failure(description: "\(path) line \(index + 1): a section header must look like [NAME]")
                }
                section = String(line.dropFirst().dropLast()).uppercased()
                sections[section!, default: []] = sections[section!] ?? []
                continue
            }
            guard let section else {
                throw Failure(description: "\(path) line \(index + 1): '\(line)' stands before any [SECTION]")
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw Failure(description: "\(path) line \(index + 1) in [\(section)]: expected KEY = value, found '\(line)'")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).uppercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[section, default: []].append((key, value, index + 1))
        }
    }

    public func value(_ section: String, _ key: String) -> String? {
        sections[section.uppercased()]?.last(where: { $0.key == key.uppercased() })?.value
    }

    /// Every key of a section in file order (bootstrap NETWORKS, CONTROLLER1…).
    public func entries(_ section: String) -> [(key: String, value: String)] {
        (sections[section.uppercased()] ?? []).map { ($0.key, $0.value) }
    }

    public func failure(_ section: String, _ key: String, _ problem: String) -> Failure {
        Failure(description: "\(path): [\(section)] \(key) \(problem)")
    }
}

extension IniFile {
    /// Refuses any section or key not in `known` (section → keys), naming the nearest
    /// known one: a misspelt key must not quietly leave its default in force.
    public func requireKnown(_ known: [String: Set<String>]) throws(Failure) {
        for (section, entries) in sections.sorted(by: { $0.key < $1.key }) {
            guard let keys = known[section] else {
                let hint = Self.nearest(section, in: Set(known.keys)).map { "; did you mean [\($0)]?" } ?? ""
                throw Failure(
                    description:
                        "\(path): unknown section [\(section)]\(hint) Known sections: \(known.keys.sorted().joined(separator: ", "))"
                )
            }
            for entry in entries where !keys.contains(entry.key) {
                let hint = Self.nearest(entry.key, in: keys).map { "; did you mean \($0)?" } ?? ""
                throw Failure(
                    description:
                        "\(path) line \(entry.line): [\(section)] has no key \(entry.key)\(hint) Known keys: \(keys.sorted().joined(separator: ", "))"
                )
            }
        }
    }

    /// The candidate within a third of the word's length in edits, if any.
    static func nearest(_ word: String, in candidates: Set<String>) -> String? {
        let scored = candidates.map { ($0, editDistance(word, $0)) }.filter { $0.1 <= max(2, word.count / 3) }
        return scored.min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
