import LunaModel

/// A field's value as people read it: base64 fields decoded, lists one item per line in
/// a detail view or squeezed into one line in a list.
enum CellText {
    static func detail(_ value: JSONValue, field: String) -> String {
        switch value {
        case .array(let items) where items.contains(where: { $0.objectValue != nil }):
            return items.map { item in
                guard let fields = item.objectValue else { return scalar(item, field: field) }
                let lead = leadKey(fields)
                let rest = fields.keys.sorted().filter { $0 != lead && !(fields[$0]!.isNull) }
                return
                    ([lead.map { scalar(fields[$0]!, field: $0) }].compactMap { $0 }
                    + rest.map { "\($0)=\(scalar(fields[$0]!, field: $0))" }).joined(separator: " ")
            }.joined(separator: "\n")
        case .array(let items):
            return items.map { scalar($0, field: field) }.joined(separator: ", ")
        case .object(let fields):
            return fields.keys.sorted().map { "\($0): \(brief(fields[$0]!, field: $0))" }.joined(separator: "\n")
        default:
            return scalar(value, field: field)
        }
    }

    static func brief(_ value: JSONValue, field: String) -> String {
        switch value {
        case .array(let items):
            return items.map { item in
                guard let fields = item.objectValue else { return scalar(item, field: field) }
                let lead = leadKey(fields).map { scalar(fields[$0]!, field: $0) }
                // Where the item sits: a node interface's address, a group interface's network.
                let place = (fields["ipaddress"] ?? fields["network"]).map { scalar($0, field: "ipaddress") }
                return [lead, place].compactMap { $0 }.joined(separator: " ")
            }.joined(separator: ", ")
        case .object(let fields):
            return fields.keys.sorted().map { "\($0)=\(brief(fields[$0]!, field: $0))" }.joined(separator: " ")
        default:
            return scalar(value, field: field).split(separator: "\n").joined(separator: " ")
        }
    }

    /// The key that names an item of a list: an interface by its name, a taken address by
    /// its device.
    private static func leadKey(_ fields: [String: JSONValue]) -> String? {
        ["interface", "name", "device"].first { fields[$0] != nil }
    }

    private static func scalar(_ value: JSONValue, field: String) -> String {
        switch value {
        case .null: ""
        case .string(let text): FieldEncoding.display(text, for: field)
        case .array, .object: brief(value, field: field)
        default: value.canonicalText
        }
    }
}
