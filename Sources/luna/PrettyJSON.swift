import LunaModel

/// `--pretty`: the server's JSON indented by two spaces, keys sorted; the values are the
/// server's, only the layout changes.
extension JSONValue {
    var prettyText: String {
        var out = ""
        writePretty(into: &out, indent: "")
        return out
    }

    private func writePretty(into out: inout String, indent: String) {
        let inner = indent + "  "
        switch self {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += inner
                item.writePretty(into: &out, indent: inner)
                out += index < items.count - 1 ? ",\n" : "\n"
            }
            out += indent + "]"
        case .object(let fields) where !fields.isEmpty:
            out += "{\n"
            for (index, key) in fields.keys.sorted().enumerated() {
                out += inner + JSONValue.string(key).canonicalText + ": "
                fields[key]!.writePretty(into: &out, indent: inner)
                out += index < fields.count - 1 ? ",\n" : "\n"
            }
            out += indent + "}"
        default:
            out += canonicalText
        }
    }
}
