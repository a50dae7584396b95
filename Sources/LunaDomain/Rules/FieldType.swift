import LunaModel

/// What a writable field accepts. Requests are checked against these before an event
/// is written; the normalised value is what the event carries.
public enum FieldType: Sendable {
    /// Free text (comments, scripts, options); control characters other than tab,
    /// newline and carriage return are refused.
    case text
    case bool
    /// A whole number from 0.
    case integer
    /// A whole number within the bounds the field has on a real machine (a port, an MTU).
    case number(ClosedRange<Int>)
    case name(NamePattern)
    /// The name of an object in another table; existence is checked when applied.
    case reference(Table)
    case choice([String])
    /// A comma-separated list of lowercase words; spaces separate too (luna2's loosecsv).
    case list
    case mac
    case address
    /// A network in CIDR form, of the given family.
    case cidr(IPAddress.Family)
    /// A secret: sealed before the event is written.
    case secret
    /// Where a file goes on an installed node: absolute, with no `..` step.
    case absolutePath
}

/// A request body checked field by field against a schema.
public struct FieldSchema: Sendable {
    public let kind: String
    public let fields: [String: FieldType]

    public init(kind: String, fields: [String: FieldType]) {
        self.kind = kind
        self.fields = fields
    }

    /// Returns the body with every value in its stored form; JSON null marks a field
    /// to clear (`""` clears too, as luna2's CLI sends it).
    public func normalize(_ body: Row, ignoring: Set<String> = ["name"]) throws(LunaError) -> Row {
        var out: Row = [:]
        for key in body.keys.sorted() where !ignoring.contains(key) {
            guard let type = fields[key] else {
                throw .invalid("Invalid request: Columns are incorrect: \(kind) has no field '\(key)'")
            }
            out[key] = try Self.normalize(body[key]!, as: type, field: key)
        }
        return out
    }

    /// The objects of a request that carries a list of them under `key` (secrets, DNS
    /// entries, inventory items), and nothing else; `noun` names one in the refusals.
    public static func objects(_ body: Row, at key: String, kind: String, noun: String) throws(LunaError) -> [Row] {
        try refuseUnknown(body, allowed: [key], kind: kind)
        guard let items = body[key]?.arrayValue, !items.isEmpty else {
            throw .invalid("Invalid request: a list of \(key) is required")
        }
        var out: [Row] = []
        for item in items {
            guard let fields = item.objectValue else { throw .invalid("Invalid request: each \(noun) must be an object") }
            out.append(fields)
        }
        return out
    }

    /// For requests whose body is not a set of fields (an interface list, a tag name):
    /// anything but the keys they take is refused, as unknown fields always are.
    public static func refuseUnknown(_ body: Row, allowed: Set<String>, kind: String) throws(LunaError) {
        if let key = body.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalid("Invalid request: Columns are incorrect: \(kind) has no field '\(key)'")
        }
    }

    static func normalize(_ value: JSONValue, as type: FieldType, field: String) throws(LunaError) -> JSONValue {
        if value.isNull { return .null }
        if case .string("") = value { return .null }
        switch type {
        case .bool:
            switch value {
            case .bool: return value
            case .int(0), .int(1): return .bool(value == .int(1))
            case .string(let text):
                switch text.lowercased() {
                case "true", "yes", "y", "1", "on": return .bool(true)
                case "false", "no", "n", "0", "off": return .bool(false)
                default: break
                }
            default: break
            }
            throw .invalid("Invalid request: field \(field) must be a boolean (true or false), not \(describe(value))")
        case .integer:
            return try number(value, in: 0...Int.max, field: field)
        case .number(let bounds):
            return try number(value, in: bounds, field: field)
        default:
            guard case .string(let text) = value else {
                throw .invalid("Invalid request: field \(field) must be a string, not \(value.typeName)")
            }
            return .string(try normalize(text, as: type, field: field))
        }
    }

    private static func normalize(_ text: String, as type: FieldType, field: String) throws(LunaError) -> String {
        switch type {
        case .text, .secret:
            let allowed = text.unicodeScalars.allSatisfy {
                $0.value >= 0x20 && $0.value != 0x7F || $0 == "\n" || $0 == "\t" || $0 == "\r"
            }
            guard allowed else { throw .invalid("Invalid request: field \(field) contains control characters") }
            return text
        case .name(let pattern):
            try pattern.check(text, field: field)
            return text
        case .absolutePath:
            let steps = text.split(separator: "/")
            guard text.hasPrefix("/"), !steps.contains(".."), !steps.isEmpty,
                text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
            else {
                throw .invalid(
                    "Invalid request: field \(field) with content '\(text)' must be an absolute file path without '..', like /etc/munge/munge.key"
                )
            }
            return text
        case .reference(let table):
            try pattern(of: table).check(text, field: field)
            return text
        case .choice(let options):
            guard options.contains(text) else {
                throw .invalid("Invalid request: field \(field) must be one of \(options.joined(separator: ", ")), not '\(text)'")
            }
            return text
        case .list:
            let items = text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            for item in items
            where !item.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "."
            }) {
                throw .invalid(
                    "Invalid request: field \(field) with content '\(text)' does not match criteria: a comma-separated list of lowercase names ('\(item)' is not one)"
                )
            }
            return items.joined(separator: ",")
        case .mac:
            return try MACAddress.normalize(text, field: field)
        case .address:
            guard let address = IPAddress(text) else {
                throw .invalid("Invalid request: field \(field) with content '\(text)' is not an IPv4 or IPv6 address")
            }
            return address.description
        case .cidr(let family):
            guard let network = IPNetwork(text), network.family == family else {
                let example = family == .v4 ? "10.141.0.0/16" : "fd00:141::/64"
                throw .invalid(
                    "Invalid request: field \(field) with content '\(text)' is not a network in CIDR form like \(example), with no host bits set"
                )
            }
            return network.description
        case .bool, .integer, .number:
            preconditionFailure("handled above")
        }
    }

    public static func pattern(of table: Table) -> NamePattern {
        switch table {
        // Route names stand in lowercase lists (a node's `routes`), so they are host-like.
        case .node, .switch, .otherdev, .controller, .route, .osuser, .osgroup: .host
        case .network: .domain
        default: .object
        }
    }

    private static func number(_ value: JSONValue, in bounds: ClosedRange<Int>, field: String) throws(LunaError) -> JSONValue {
        var number: Int?
        if case .int(let given) = value { number = given }
        if case .string(let text) = value { number = Int(text) }
        guard let number, bounds.contains(number) else {
            let range =
                bounds.upperBound == Int.max ? "from \(bounds.lowerBound)" : "from \(bounds.lowerBound) to \(bounds.upperBound)"
            throw .invalid("Invalid request: field \(field) must be a whole number \(range), not \(describe(value))")
        }
        return .int(number)
    }

    private static func describe(_ value: JSONValue) -> String {
        if case .string(let text) = value { return "'\(text)'" }
        if case .int(let number) = value { return String(number) }
        return value.typeName
    }
}

/// MAC addresses are stored lowercase and colon-separated, whatever form they came in.
/// MAC addresses in every common form — `52:54:00:12:34:56`, `52-54-00-12-34-56`,
/// `5254.0012.3456`, `525400123456`, any case — stored lowercase with colons.
public enum MACAddress {
    public static func normalize(_ text: String, field: String) throws(LunaError) -> String {
        guard let mac = parse(text) else {
            throw .invalid("Invalid request: field \(field) with content '\(text)' is not a MAC address like 52:54:00:12:34:56")
        }
        return mac
    }

    public static func parse(_ text: String) -> String? {
        let groups = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == ":" || $0 == "-" || $0 == "." })
        let sizes = groups.map(\.count)
        guard sizes == Array(repeating: 2, count: 6) || sizes == [4, 4, 4] || sizes == [12] else { return nil }
        let digits = groups.joined()
        guard digits.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return nil }
        var octets: [String] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            octets.append(String(digits[index..<next]))
            index = next
        }
        return octets.joined(separator: ":").lowercased()
    }
}
