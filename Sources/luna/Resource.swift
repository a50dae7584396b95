import Foundation
import LunaModel

/// One kind of object the API serves under `/config/<segment>`, and what the CLI needs
/// to know of it: the verbs it has, the key a rename sends, the fields it takes and the
/// columns its list shows. `Resources` holds the table.
struct Resource: Sendable {
    /// The command (`luna node …`) and the URL segment (`/config/node`).
    var name: String
    /// How sentences name one: "node", "OS image".
    var noun: String
    var fields: [String]
    /// Columns of the list table after the name, when the objects have them.
    var columns: [String]
    var writable = true
    /// The body key that carries the new name of a rename or clone (luna2's newnodename…).
    var renameKey: String?
    var clones = false
    var members = false
    /// The fields of its interfaces, if it has any.
    var interfaceFields: [String]?

    func path(_ name: String? = nil, _ rest: String...) -> String {
        (["/config", self.name] + (name.map { [Self.segment($0)] } ?? []) + rest.map(Self.segment)).joined(separator: "/")
    }

    /// `{"config": {"<resource>": {"<name>": fields}}}`, luna2's envelope.
    func envelope(_ name: String, _ fields: JSONValue) -> JSONValue {
        ["config": .object([self.name: .object([name: fields])])]
    }

    /// A name as one path segment: group names may hold spaces.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? text
    }
}
