import LunaModel

/// Operating-system users and groups the nodes share, with the LDAP attribute names
/// luna2's osuser routes take. Numbers are unique; a user's groups must exist. An account
/// without a number gets the next free one from 1000, the same on every controller.
public enum OSAccountIntents {
    static let firstNumber = 1000

    static let user = SimpleObject(
        intentPrefix: "OSUser", table: .osuser,
        schema: FieldSchema(
            kind: "osuser",
            fields: [
                "uidNumber": .number(0...4_294_967_294), "gidNumber": .number(0...4_294_967_294),
                "groupname": .reference(.osgroup), "memberOf": .list,
                "cn": .text, "sn": .text, "givenName": .text, "mail": .text, "telephoneNumber": .text,
                "loginShell": .text, "homeDirectory": .text, "shadowExpire": .integer, "userPassword": .secret,
            ]),
        renameKey: "newosusername", label: "OS user",
        validate: { row, state throws(LunaError) in
            for group in names(row["memberOf"]) where state.row(.osgroup, group) == nil {
                throw .invalid("Invalid request: osgroup \(group) is not known or valid")
            }
        },
        cloneable: false,
        afterChange: { state, name, row throws(LunaError) in try number(&state, .osuser, name, row, field: "uidNumber") })

    static let group = SimpleObject(
        intentPrefix: "OSGroup", table: .osgroup,
        schema: FieldSchema(kind: "osgroup", fields: ["gidNumber": .number(0...4_294_967_294), "member": .list]),
        renameKey: "newosgroupname", label: "OS group",
        users: { name, state in
            state.keys(.osuser).filter { user in
                let row = state.row(.osuser, user)!
                return row["groupname"] == .string(name) || names(row["memberOf"]).contains(name)
            }
        },
        validate: { row, state throws(LunaError) in
            for user in names(row["member"]) where state.row(.osuser, user) == nil {
                throw .invalid("Invalid request: osuser \(user) is not known or valid")
            }
        },
        referrers: [(.osuser, "groupname")], listReferrers: [(.osuser, "memberOf")], cloneable: false,
        afterChange: { state, name, row throws(LunaError) in
            try number(&state, .osgroup, name, row, field: "gidNumber")
            guard let members = row["member"] else { return }
            try setMembers(&state, group: name, to: names(members))
        })

    static let all: [IntentHandler] = user.handlers + group.handlers

    /// Membership is kept on the users (`memberOf`) alone; a group's `member` list, when
    /// given, is written through to them, and shown derived from them.
    static func setMembers(_ state: inout ClusterState, group: String, to members: [String]) throws(LunaError) {
        var row = state.row(.osgroup, group)!
        row["member"] = nil
        state.put(.osgroup, group, row)
        for user in state.keys(.osuser) {
            let current = names(state.row(.osuser, user)!["memberOf"])
            let wanted = members.contains(user)
            guard current.contains(group) != wanted else { continue }
            let updated = wanted ? current + [group] : current.filter { $0 != group }
            let value: JSONValue = updated.isEmpty ? .null : .string(updated.joined(separator: ","))
            state.put(.osuser, user, ObjectRules.merge(state.row(.osuser, user)!, ["memberOf": value]))
        }
    }

    /// The users whose `memberOf` names the group.
    public static func members(of group: String, in state: ClusterState) -> [String] {
        state.keys(.osuser).filter { names(state.row(.osuser, $0)!["memberOf"]).contains(group) }
    }

    static func names(_ value: JSONValue?) -> [String] {
        (value?.stringValue ?? "").split(separator: ",").map(String.init)
    }

    /// Gives the account the next free number when it has none, and refuses one taken.
    static func number(_ state: inout ClusterState, _ table: Table, _ name: String, _ row: Row, field: String)
        throws(LunaError)
    {
        var taken: [Int: String] = [:]
        for other in state.keys(table) where other != name {
            if case .int(let number)? = state.row(table, other)?[field] { taken[number] = other }
        }
        if case .int(let number)? = row[field] {
            if let owner = taken[number] {
                throw .invalid("Invalid request: \(field) \(number) is already used by \(table.rawValue) \(owner)")
            }
            return
        }
        var next = firstNumber
        while taken[next] != nil { next += 1 }
        state.put(table, name, ObjectRules.merge(row, [field: .int(next)]))
    }
}
