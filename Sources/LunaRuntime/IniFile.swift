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
