import Foundation

/// Expands luna2's host lists: `node[001-004]`, `a,b`, `rack1-node[1-3,7]`.
public enum HostList {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func expand(_ text: String) throws(Failure) -> [String] {
        var out: [String] = []
        for item in split(text) where !item.isEmpty {
            out += try expandOne(item)
        }
        return out
    }

    /// Splits on commas that are not inside brackets.
    private static func split(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1 }
            if character == ",", depth == 0 {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }

    private static func expandOne(_ item: String) throws(Failure) -> [String] {
        guard let open = item.firstIndex(of: "[") else { return [item] }
        guard let close = item[open...].firstIndex(of: "]") else {
            throw Failure(description: "host list '\(item)' has an unclosed '['")
        }
        let prefix = String(item[..<open])
        let suffixes = try expandOne(String(item[item.index(after: close)...]))
        var out: [String] = []
        for range in item[item.index(after: open)..<close].split(separator: ",") {
            let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = Int(bounds[0]), let high = Int(bounds.last!), low <= high,
                high - low < 100_000
            else { throw Failure(description: "host list '\(item)' has a bad range '\(range)'") }
            let width = bounds[0].count
            for number in low...high {
                let digits = String(number)
                let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
                out += suffixes.map { prefix + padded + $0 }
            }
        }
        return out
    }
}
