import LunaModel

/// Groups: the settings most nodes inherit, and the interfaces every member gets.
enum GroupIntents {
    static let schema = FieldSchema(
        kind: "group",
        fields: [
            "bmcsetupname": .reference(.bmcsetup), "setupbmc": .bool, "osimage": .reference(.osimage),
            "osimagetag": .name(.object), "kerneloptions": .text,
            "ipxe_kernel": .choice(["default", "alternative"]), "prescript": .text, "partscript": .text,
            "postscript": .text, "netboot": .bool, "bootmenu": .bool, "comment": .text, "roles": .list,
            "scripts": .list, "provision_interface": .name(.interface), "provision_method": .name(.object),
            "provision_fallback": .name(.object), "unmanaged_bmc_users": .choice(["disable", "delete"]),
            "routes": .list,
        ])

    static let all: [IntentHandler] = [update, clone, delete, interfaces, deleteInterface]

    static func prepare(_ name: String, _ body: Row, renameKey: String) throws(LunaError) -> JSONValue {
        try NamePattern.object.check(name, field: "name")
        if body["domain"] != nil {
            throw .invalid(
                "Invalid request: a group's domain is the network of its BOOTIF interface; change that interface's network instead"
            )
        }
        var payload = try schema.normalize(body, ignoring: ["name", renameKey, "interfaces"])
        if let new = body[renameKey] { payload[renameKey] = new }
        if let items = try InterfaceRules.prepare(body["interfaces"], schema: InterfaceRules.groupSchema) {
            payload["interfaces"] = items
        }
        return .object(payload)
    }

    static let update = IntentHandler(
        name: "Group.update",
        prepare: { name, body, _ throws(LunaError) in try prepare(name, body, renameKey: "newgroupname") },
        apply: { state, name, payload throws(LunaError) in
            var changes = payload
            let items = changes.removeValue(forKey: "interfaces")?.arrayValue ?? []
            let newName = try ObjectRules.newName(changes, key: "newgroupname", table: .group, in: state)
            changes["newgroupname"] = nil
            let old = state.row(.group, name)
            if old == nil, newName != nil {
                throw .invalid("Invalid request: newgroupname is not allowed while creating a new group")
            }
            try ObjectRules.checkReferences(changes, schema: schema, in: state)
            let key = newName ?? name
            if let newName {
                state.remove(.group, name)
                rename(name, to: newName, in: &state)
            }
            state.put(.group, key, ObjectRules.merge(old ?? [:], changes))
            var created: [String] = []
            for item in items {
                let object = item.objectValue!
                if state.row(.groupinterface, RowKey.child(key, object["interface"]!.stringValue!)) == nil {
                    created.append(object["interface"]!.stringValue!)
                }
                try InterfaceRules.applyToGroup(key, object, in: &state)
            }
            try validate(key, in: state)
            if old == nil {
                return .created(
                    (["Group \(name) created successfully"] + created.map { "Interface \($0) created" }).joined(separator: ", "))
            }
            return .changed(newName.map { "Group \(name) renamed to \($0) and updated" } ?? "Group \(name) updated")
        })

    static let clone = IntentHandler(
        name: "Group.clone",
        prepare: { name, body, _ throws(LunaError) in
            guard body["newgroupname"] != nil else { throw .invalid("Invalid request: Destination group name not supplied") }
            return try prepare(name, body, renameKey: "newgroupname")
        },
        apply: { state, name, payload throws(LunaError) in
            let source = try ObjectRules.cloneSource(.group, name, in: state)
            var changes = payload
            let items = changes.removeValue(forKey: "interfaces")?.arrayValue ?? []
            guard let newName = try ObjectRules.newName(changes, key: "newgroupname", table: .group, in: state) else {
                throw .invalid("Invalid request: Destination group name not supplied")
            }
            changes["newgroupname"] = nil
            try ObjectRules.checkReferences(changes, schema: schema, in: state)
            state.put(.group, newName, ObjectRules.merge(source, changes))
            for key in state.childKeys(.groupinterface, of: name) {
                state.put(.groupinterface, RowKey.child(newName, RowKey.split(key).name), state.row(.groupinterface, key)!)
            }
            for key in state.childKeys(.groupsecret, of: name) {
                state.put(.groupsecret, RowKey.child(newName, RowKey.split(key).name), state.row(.groupsecret, key)!)
            }
            for item in items { try InterfaceRules.applyToGroup(newName, item.objectValue!, in: &state) }
            try validate(newName, in: state)
            return .created("Group \(name) cloned as \(newName) successfully")
        })

    static let delete = IntentHandler(
        name: "Group.delete",
        prepare: { _, _, _ in .object([:]) },
        apply: { state, name, _ throws(LunaError) in
            _ = try ObjectRules.existing(.group, name, in: state, missing: "Group \(name) not present in database")
            let members = (state.groupMembers[name] ?? []).sorted()
            if !members.isEmpty {
                let shown = members.prefix(10).joined(separator: ", ")
                throw .invalid("Invalid request: group \(name) currently in use by \(shown)\(members.count > 10 ? " ..." : "")")
            }
            ObjectRules.removeChildren(.groupinterface, of: name, in: &state)
            ObjectRules.removeChildren(.groupsecret, of: name, in: &state)
            state.remove(.group, name)
            return .removed("Group \(name) removed")
        })

    static let interfaces = IntentHandler(
        name: "Group.interfaces",
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["name", "interfaces"], kind: "group")
            guard let items = try InterfaceRules.prepare(body["interfaces"], schema: InterfaceRules.groupSchema) else {
                throw .invalid("Invalid request: interfaces are required")
            }
            return .object(["interfaces": items])
        },
        apply: { state, name, payload throws(LunaError) in
            _ = try ObjectRules.existing(.group, name, in: state, missing: "Group \(name) not present in database")
            for item in payload["interfaces"]?.arrayValue ?? [] {
                try InterfaceRules.applyToGroup(name, item.objectValue!, in: &state)
            }
            try validate(name, in: state)
            return .changed("Group \(name) interfaces updated")
        })

    static let deleteInterface = IntentHandler(
        name: "Group.interface.delete",
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["interface"], kind: "group interface")
            guard let interface = body["interface"]?.stringValue else { throw .invalid("Invalid request: interface is required") }
            return .object(["interface": .string(interface)])
        },
        apply: { state, name, payload throws(LunaError) in
            let interface = payload["interface"]!.stringValue!
            _ = try ObjectRules.existing(.group, name, in: state, missing: "Group \(name) not present in database")
            guard state.row(.groupinterface, RowKey.child(name, interface)) != nil else {
                throw .notFound("Group \(name) does not have \(interface) interface")
            }
            state.remove(.groupinterface, RowKey.child(name, interface))
            for member in (state.groupMembers[name] ?? []).sorted() {
                state.remove(.nodeinterface, RowKey.child(member, interface))
            }
            try validate(name, in: state)
            return .removed("Group \(name) interface \(interface) removed")
        })

    /// luna2's group rules, checked on the group as it stands after a change.
    static func validate(_ name: String, in state: ClusterState) throws(LunaError) {
        let row = state.row(.group, name)!
        if row["bmcsetupname"] != nil, state.row(.groupinterface, RowKey.child(name, "BMC")) == nil {
            throw .invalid("Invalid request: using a bmcsetup requires a BMC interface in group \(name)")
        }
        if row["setupbmc"] == .bool(true), row["bmcsetupname"] == nil {
            throw .invalid("Invalid request: enabling setupbmc requires a bmcsetup in group \(name)")
        }
        try NodeIntents.checkTag(row["osimagetag"], image: row["osimage"], in: state)
    }

    static func rename(_ old: String, to new: String, in state: inout ClusterState) {
        ObjectRules.moveChildren(.groupinterface, from: old, to: new, in: &state)
        ObjectRules.moveChildren(.groupsecret, from: old, to: new, in: &state)
        for member in (state.groupMembers[old] ?? []).sorted() {
            state.put(.node, member, ObjectRules.merge(state.row(.node, member)!, ["group": .string(new)]))
        }
    }
}
