import LunaModel

/// The API's objects as tables for people: a list with one row per object, or one
/// object with one row per field.
enum ObjectTables {
    /// `objects` keyed by name, sorted by name; of `columns`, those some object has.
    static func list(_ objects: [String: JSONValue], columns: [String]) -> TextTable {
        let names = objects.keys.sorted()
        let cells = columns.map { column in
            names.map { name in objects[name]![column].map { CellText.brief($0, field: column) } ?? "" }
        }
        // A column no object fills only takes room from the others.
        let shown = columns.indices.filter { column in cells[column].contains { !$0.isEmpty } }
        let rows = names.indices.map { row in [names[row]] + shown.map { cells[$0][row] } }
        return TextTable(header: (["name"] + shown.map { columns[$0] }).map { $0.uppercased() }, rows: rows, overflow: .truncate)
    }

    /// `name` first, then `order`, then any other field alphabetically. A value another
    /// object passed down (luna2's `_<field>_source`) is marked with where it comes from.
    static func detail(_ object: JSONValue, owner: String, order: [String]) -> TextTable {
        let fields = object.objectValue ?? [:]
        let visible = fields.keys.filter { !($0.hasPrefix("_") && $0.hasSuffix("_source")) }
        var known: [String] = []
        for key in ["name"] + order where visible.contains(key) && !known.contains(key) { known.append(key) }
        let keys = known + visible.filter { !known.contains($0) }.sorted()
        let rows = keys.map { key -> [String] in
            var text = CellText.detail(fields[key]!, field: key)
            if let source = fields["_\(key)_source"]?.stringValue, source != owner, !source.isEmpty, !text.isEmpty {
                text += " (\(source))"
            }
            return [key, text]
        }
        return TextTable(header: nil, rows: rows, overflow: .wrap)
    }

    /// List items (interfaces, secrets, taken addresses): `preferred` columns first, then
    /// any other key some item has.
    static func items(_ items: [JSONValue], preferred: [String]) -> TextTable {
        let keys = Set(items.flatMap { $0.objectValue?.keys.map { $0 } ?? [] })
        let candidates = preferred.filter(keys.contains) + keys.subtracting(preferred).sorted()
        let cells = candidates.map { column in items.map { $0[column].map { CellText.brief($0, field: column) } ?? "" } }
        let shown = candidates.indices.filter { column in cells[column].contains { !$0.isEmpty } }
        let rows = items.indices.map { row in shown.map { cells[$0][row] } }
        return TextTable(header: shown.map { candidates[$0].uppercased() }, rows: rows, overflow: .truncate)
    }
}
