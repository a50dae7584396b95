import LunaModel

/// Every device that can sit in a rack, placed or not, as luna2 lists the inventory:
/// `configured` ones have a place, `unconfigured` ones do not.
public struct RackInventoryView {
    let state: ClusterState

    public init(state: ClusterState) {
        self.state = state
    }

    public enum Subset: String, CaseIterable, Sendable {
        case configured, unconfigured
    }

    public func items(_ subset: Subset?) -> [JSONValue] {
        var places: [String: (rack: String, row: Row)] = [:]
        for (key, row) in state.rows(.rackinventory) {
            let (rack, device) = RowKey.split(key)
            places[device] = (rack, row)
        }
        var out: [JSONValue] = []
        for table in [Table.node, .switch, .otherdev, .controller] {
            for name in state.keys(table) {
                let place = places["\(table.rawValue):\(name)"]
                if subset == .configured && place == nil || subset == .unconfigured && place != nil { continue }
                var item: Row = [
                    "name": .string(name), "type": .string(table.rawValue),
                    "vendor": state.row(table, name)?["vendor"] ?? .null, "height": .int(1), "orientation": "front",
                ]
                if let place {
                    item["rack"] = .string(place.rack)
                    for field in ["height", "orientation", "position"] { item[field] = place.row[field] ?? item[field] }
                }
                out.append(.object(item))
            }
        }
        return out
    }
}
