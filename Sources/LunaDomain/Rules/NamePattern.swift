import LunaModel

/// The shapes an object name may take. Stricter than luna2 in one respect, on purpose:
/// no spaces or shell metacharacters in any name, since names end up in file names,
/// DNS records and shell scripts rendered for nodes.
public enum NamePattern: Sendable {
    /// Nodes, switches, other devices: a lowercase host name.
    case host
    /// Networks: lowercase DNS labels separated by dots.
    case domain
    /// Groups, OS images, BMC setups, racks, secrets, tags: letters, digits, `-`, `.`, `_`.
    case object
    /// Interface names: letters, digits, `.`, `-`, `:`, `_`, at least two characters.
    case interface

    static let reserved: Set<String> = ["default", "inventory"]

    var maxLength: Int {
        switch self {
        case .host: 63
        case .domain: 253
        case .object: 127
        case .interface: 64
        }
    }

    var description: String {
        switch self {
        case .host: "lowercase letters, digits, '-' and '.'"
        case .domain: "lowercase DNS labels (letters, digits, '-') separated by '.'"
        case .object: "letters, digits, '-', '.' and '_'"
        case .interface: "letters, digits, '.', '-', ':' and '_', at least 2 characters"
        }
    }

    private func allows(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "0"..."9", "-", ".": true
        case "A"..."Z", "_": self == .object || self == .interface
        case ":": self == .interface
        default: false
        }
    }

    /// Checks `value` as the value of field `field`; the error quotes both.
    public func check(_ value: String, field: String) throws(LunaError) {
        let fits =
            !value.isEmpty && value.count <= maxLength && value.unicodeScalars.allSatisfy(allows)
            && (self != .interface || value.count >= 2)
            && (self == .object || self == .interface || Self.isLabels(value))
        guard fits else {
            throw .invalid(
                "Invalid request: field \(field) with content '\(value)' does not match criteria: \(description), at most \(maxLength) characters"
            )
        }
        if self != .interface, Self.reserved.contains(value) {
            throw .invalid("Invalid request: field \(field) with content '\(value)' is a reserved keyword: \(value)")
        }
    }

    /// Host and network names: dot-separated labels that neither start nor end with '-'.
    private static func isLabels(_ value: String) -> Bool {
        value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
        }
    }
}
