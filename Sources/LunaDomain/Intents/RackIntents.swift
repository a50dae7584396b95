import LunaModel

/// Racks and what sits in them. A device occupies `height` units from `position` on one
/// side; two devices never share a unit on the same side.
enum RackIntents {
    static let schema = FieldSchema(
        kind: "rack",
        fields: [
            "room": .text, "site": .text, "order": .choice(["ascending", "descending"]), "size": .number(1...100),
            "comment": .text,
        ])

    static let itemSchema = FieldSchema(
        kind: "rack inventory",
        fields: [
            "name": .name(.host), "type": .choice(["node", "switch", "otherdev", "controller"]), "height": .number(1...100),
            "position": .number(1...100), "orientation": .choice(["front", "back"]),
        ])

    static let object = SimpleObject(
        intentPrefix: "Rack", table: .rack, schema: schema, renameKey: "newrackname", label: "Rack",
        childTables: [.rackinventory])

    static let all: [IntentHandler] = object.handlers + [place, unplace]

    /// Puts devices into racks, all or none. Version 2 takes a list of items, each naming
    /// its rack; version 1 took one item, the rack being the intent's object.
    static let place = IntentHandler(
        name: "Rack.inventory.update", version: 2,
        prepare: { _, body, _ throws(LunaError) in
            var out: [JSONValue] = []
            for var fields in try FieldSchema.objects(body, at: "items", kind: "rack inventory", noun: "inventory item") {
                guard let rack = fields.removeValue(forKey: "rack")?.stringValue else {
                    throw .invalid("Invalid request: each inventory item needs a rack")
                }
                try NamePattern.object.check(rack, field: "rack")
                var item = try itemSchema.normalize(fields, ignoring: [])
                for field in ["name", "type", "position"] where item[field] == nil {
                    throw .invalid("Invalid request: rack inventory needs \(field)")
                }
                item["rack"] = .string(rack)
                out.append(.object(item))
            }
            return .object(["items": .array(out)])
        },
        apply: { state, object, payload throws(LunaError) in
            guard let items = payload["items"]?.arrayValue else { return try placeOne(&state, object, payload) }
            var last: Outcome = .changed("")
            for entry in items {
                var item = entry.objectValue ?? [:]
                let rack = item.removeValue(forKey: "rack")?.stringValue ?? ""
                last = try placeOne(&state, rack, item)
            }
            return items.count == 1 ? last : .created("\(items.count) devices placed")
        })

    static func placeOne(_ state: inout ClusterState, _ rack: String, _ item: Row) throws(LunaError) -> Outcome {
        let rackRow = try ObjectRules.existing(.rack, rack, in: state, missing: "Rack \(rack) not present in database")
        let device = item["name"]!.stringValue!
        let type = item["type"]!.stringValue!
        guard state.row(Table(rawValue: type)!, device) != nil else {
            throw .invalid("Invalid request: \(type) \(device) is not known or valid")
        }
        guard case .int(let position) = item["position"]!, position >= 1 else {
            throw .invalid("Invalid request: position must be 1 or more")
        }
        let height = item["height"].flatMap { if case .int(let h) = $0 { h } else { nil } } ?? 1
        guard height >= 1 else { throw .invalid("Invalid request: height must be 1 or more") }
        let size = rackRow["size"].flatMap { if case .int(let s) = $0 { s } else { nil } } ?? 42
        guard position + height - 1 <= size else {
            throw .invalid(
                "Invalid request: \(device) at position \(position) with height \(height) does not fit in rack \(rack) of \(size) units"
            )
        }
        let side = item["orientation"]?.stringValue ?? "front"
        let deviceID = "\(type):\(device)"
        for key in state.rows(.rackinventory).keys where RowKey.split(key).name == deviceID {
            state.remove(.rackinventory, key)
        }
        for key in state.childKeys(.rackinventory, of: rack) {
            let other = state.row(.rackinventory, key)!
            guard (other["orientation"]?.stringValue ?? "front") == side,
                case .int(let start)? = other["position"]
            else { continue }
            let otherHeight = other["height"].flatMap { if case .int(let h) = $0 { h } else { nil } } ?? 1
            if start <= position + height - 1, position <= start + otherHeight - 1 {
                throw .invalid(
                    "Invalid request: units \(position)-\(position + height - 1) of rack \(rack) (\(side)) are taken by \(RowKey.split(key).name)"
                )
            }
        }
        var row = item
        row["height"] = .int(height)
        row["orientation"] = .string(side)
        state.put(.rackinventory, RowKey.child(rack, deviceID), row)
        return .created("\(type) \(device) placed in rack \(rack) at position \(position)")
    }

    static let unplace = IntentHandler(
        name: "Rack.inventory.delete",
        prepare: { _, body, _ throws(LunaError) in .object(try itemSchema.normalize(body, ignoring: [])) },
        apply: { state, _, item throws(LunaError) in
            let device = item["name"]?.stringValue ?? ""
            let type = item["type"]?.stringValue ?? ""
            let keys = state.rows(.rackinventory).keys.filter { RowKey.split($0).name == "\(type):\(device)" }
            guard let key = keys.first else { throw .notFound("\(type) \(device) is not in any rack") }
            state.remove(.rackinventory, key)
            return .removed("\(type) \(device) removed from rack \(RowKey.split(key).owner)")
        })
}
