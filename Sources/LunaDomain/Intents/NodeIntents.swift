import LunaModel

/// Nodes: create (group required, interfaces from the group with the next free
/// addresses), change, rename, clone, delete, and their interfaces.
enum NodeIntents {
    static let schema = FieldSchema(
        kind: "node",
        fields: [
            "group": .reference(.group), "osimage": .reference(.osimage), "osimagetag": .name(.object),
            "bmcsetup": .reference(.bmcsetup), "switch": .reference(.switch), "switchport": .text,
            "cloud": .name(.object), "kerneloptions": .text, "ipxe_kernel": .choice(["default", "alternative"]),
            "service": .bool, "setupbmc": .bool, "netboot": .bool, "bootmenu": .bool, "status": .text,
            "comment": .text, "roles": .list, "scripts": .list, "vendor": .text, "assettag": .text,
            "prescript": .text, "partscript": .text, "postscript": .text,
            "provision_interface": .name(.interface), "provision_method": .name(.object),
            "provision_fallback": .name(.object), "tpm_uuid": .text, "tpm_pubkey": .text, "tpm_sha256": .text,
            "unmanaged_bmc_users": .choice(["disable", "delete"]), "routes": .list,
        ])

    static let all: [IntentHandler] = [update, clone, delete, interfaces, deleteInterface]

    static func prepare(_ name: String, _ body: Row) throws(LunaError) -> JSONValue {
        try NamePattern.host.check(name, field: "name")
        var payload = try schema.normalize(body, ignoring: ["name", "newnodename", "interfaces"])
        if let new = body["newnodename"] { payload["newnodename"] = new }
        if let items = try InterfaceRules.prepare(body["interfaces"], schema: InterfaceRules.nodeSchema) {
            payload["interfaces"] = items
        }
        return .object(payload)
    }

    static let update = IntentHandler(
        name: "Node.update",
        prepare: { name, body, _ throws(LunaError) in try prepare(name, body) },
        apply: { state, name, payload throws(LunaError) in
            var changes = payload
            let items = changes.removeValue(forKey: "interfaces")?.arrayValue ?? []
            let newName = try ObjectRules.newName(changes, key: "newnodename", table: .node, in: state)
            changes["newnodename"] = nil
            let old = state.row(.node, name)
            if old == nil {
                if newName != nil {
                    throw .invalid("Invalid request: newnodename is only allowed while update, rename or clone a node")
                }
                guard changes["group"]?.stringValue != nil else {
                    throw .invalid("Invalid request: group name is required for new nodes")
                }
            } else if changes["group"]?.isNull == true {
                throw .invalid("Invalid request: a node must stay in a group")
            }
            try ObjectRules.checkReferences(changes, schema: schema, in: state)
            let key = newName ?? name
            if let newName {
                state.remove(.node, name)
                for table in [Table.nodeinterface, .nodesecret] {
                    ObjectRules.moveChildren(table, from: name, to: newName, in: &state)
                }
                for (rackKey, row) in state.rows(.rackinventory) where RowKey.split(rackKey).name == "node:\(name)" {
                    state.remove(.rackinventory, rackKey)
                    state.put(
                        .rackinventory, RowKey.child(RowKey.split(rackKey).owner, "node:\(newName)"),
                        ObjectRules.merge(row, ["name": .string(newName)]))
                }
            }
            let row = ObjectRules.merge(old ?? [:], changes)
            state.put(.node, key, row)
            if old == nil {
                try InterfaceRules.inheritGroupInterfaces(key, group: row["group"]!.stringValue!, in: &state)
            }
            for item in items { try InterfaceRules.applyToNode(key, item.objectValue!, in: &state) }
            try validate(key, in: state)
            if old == nil { return .created("Node \(name) created successfully") }
            return .changed(newName.map { "Node \(name) renamed to \($0) and updated" } ?? "Node \(name) updated")
        })

    static let clone = IntentHandler(
        name: "Node.clone",
        prepare: { name, body, _ throws(LunaError) in
            guard body["newnodename"] != nil else { throw .invalid("Invalid request: Destination node name not supplied") }
            return try prepare(name, body)
        },
        apply: { state, name, payload throws(LunaError) in
            let source = try ObjectRules.cloneSource(.node, name, in: state)
            var changes = payload
            let items = changes.removeValue(forKey: "interfaces")?.arrayValue ?? []
            guard let newName = try ObjectRules.newName(changes, key: "newnodename", table: .node, in: state) else {
                throw .invalid("Invalid request: Destination node name not supplied")
            }
            changes["newnodename"] = nil
            try ObjectRules.checkReferences(changes, schema: schema, in: state)
            var row = ObjectRules.merge(source, changes)
            // Identity that belongs to the source machine does not travel with the clone.
            for field in ["status", "tpm_uuid", "tpm_pubkey", "tpm_sha256", "vendor", "assettag", "switchport"] {
                row[field] = nil
            }
            state.put(.node, newName, row)
            for key in state.childKeys(.nodeinterface, of: name) {
                var item = state.row(.nodeinterface, key)!
                for field in ["ipaddress", "ipaddress_ipv6", "macaddress"] { item[field] = nil }
                try InterfaceRules.applyToNode(newName, item, in: &state)
            }
            for key in state.childKeys(.nodesecret, of: name) {
                state.put(.nodesecret, RowKey.child(newName, RowKey.split(key).name), state.row(.nodesecret, key)!)
            }
            for item in items { try InterfaceRules.applyToNode(newName, item.objectValue!, in: &state) }
            try validate(newName, in: state)
            return .created("Node \(newName) created successfully")
        })

    static let delete = IntentHandler(
        name: "Node.delete",
        prepare: { _, _, _ in .object([:]) },
        apply: { state, name, _ throws(LunaError) in
            _ = try ObjectRules.existing(.node, name, in: state, missing: "Node \(name) not present in database")
            ObjectRules.removeChildren(.nodeinterface, of: name, in: &state)
            ObjectRules.removeChildren(.nodesecret, of: name, in: &state)
            for key in state.rows(.rackinventory).keys where RowKey.split(key).name == "node:\(name)" {
                state.remove(.rackinventory, key)
            }
            state.remove(.node, name)
            return .removed("Node \(name) with all its interfaces removed")
        })

    static let interfaces = IntentHandler(
        name: "Node.interfaces",
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["name", "interfaces"], kind: "node")
            guard let items = try InterfaceRules.prepare(body["interfaces"], schema: InterfaceRules.nodeSchema) else {
                throw .invalid("Invalid request: interfaces are required")
            }
            return .object(["interfaces": items])
        },
        apply: { state, name, payload throws(LunaError) in
            _ = try ObjectRules.existing(.node, name, in: state, missing: "Node \(name) not present in database")
            for item in payload["interfaces"]?.arrayValue ?? [] {
                try InterfaceRules.applyToNode(name, item.objectValue!, in: &state)
            }
            return .changed("Node \(name) interfaces updated")
        })

    static let deleteInterface = IntentHandler(
        name: "Node.interface.delete",
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["interface"], kind: "node interface")
            guard let interface = body["interface"]?.stringValue else { throw .invalid("Invalid request: interface is required") }
            return .object(["interface": .string(interface)])
        },
        apply: { state, name, payload throws(LunaError) in
            let interface = payload["interface"]!.stringValue!
            _ = try ObjectRules.existing(.node, name, in: state, missing: "Node \(name) not present in database")
            guard state.row(.nodeinterface, RowKey.child(name, interface)) != nil else {
                throw .notFound("Node \(name) does not have \(interface) interface")
            }
            state.remove(.nodeinterface, RowKey.child(name, interface))
            return .removed("Node \(name) interface \(interface) removed")
        })

    static func validate(_ name: String, in state: ClusterState) throws(LunaError) {
        let row = state.row(.node, name)!
        let group = row["group"].flatMap { $0.stringValue }.flatMap { state.row(.group, $0) } ?? [:]
        try checkTag(row["osimagetag"] ?? group["osimagetag"], image: row["osimage"] ?? group["osimage"], in: state)
    }

    /// A pinned tag must be a tag of the OS image in effect.
    static func checkTag(_ tag: JSONValue?, image: JSONValue?, in state: ClusterState) throws(LunaError) {
        guard let tag = tag?.stringValue, tag != "default" else { return }
        guard let image = image?.stringValue, state.row(.osimagetag, RowKey.child(image, tag)) != nil else {
            throw .invalid("Invalid request: osimagetag \(tag) is not a tag of osimage \(image?.stringValue ?? "(none)")")
        }
    }
}
