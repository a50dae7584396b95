import ArgumentParser
import LunaModel

/// `luna secrets list|show|add|change|remove|clone node|group NAME [SECRET]`: files a node
/// receives at install (its own and its group's), their content sent base64-encoded.
struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secrets", abstract: "List, show and change node and group secrets (/config/secrets).",
        subcommands: [
            SecretsList.self, SecretsShow.self, SecretsAdd.self, SecretsChange.self, SecretsRemove.self, SecretsClone.self,
        ])

    static func path(_ owner: SecretOwner, _ name: String, _ rest: String...) -> String {
        (["/config/secrets", owner.rawValue, Resource.segment(name)] + rest.map(Resource.segment)).joined(separator: "/")
    }

    /// `{"config": {"secrets": {"<owner>": {"<name>": [item]}}}}`.
    static func envelope(_ owner: SecretOwner, _ name: String, _ item: [String: JSONValue]) -> JSONValue {
        ["config": ["secrets": .object([owner.rawValue: .object([name: [.object(item)]])])]]
    }

    /// One row per secret of a `{"config": {"secrets": …}}` answer.
    static func table(_ value: JSONValue) -> TextTable {
        var rows: [[String]] = []
        let owners = value["config"]?["secrets"]?.objectValue ?? [:]
        for owner in owners.keys.sorted() {
            let objects = owners[owner]?.objectValue ?? [:]
            for name in objects.keys.sorted() {
                for item in objects[name]?.arrayValue ?? [] {
                    let cells = ["name", "path", "content"].map { field in
                        item[field].map { CellText.brief($0, field: field) } ?? ""
                    }
                    rows.append([owner, name] + cells)
                }
            }
        }
        return TextTable(header: ["OWNER", "NAME", "SECRET", "PATH", "CONTENT"], rows: rows, overflow: .truncate)
    }
}

enum SecretOwner: String, ExpressibleByArgument, CaseIterable {
    case node
    case group

    init(checking text: String) throws {
        guard let owner = SecretOwner(rawValue: text) else {
            throw CommandFailure(description: "secrets belong to a node or a group, not '\(text)'")
        }
        self = owner
    }
}

struct SecretsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List every secret, or a node's (with its group's) or a group's.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "node or group.")
    var owner: SecretOwner?

    @Argument(help: "Its name.")
    var name: String?

    func validate() throws {
        if owner != nil, name == nil { throw ValidationError("name the \(owner!.rawValue) whose secrets to list") }
    }

    func run() async throws {
        try await Failures.report {
            let client = try APIClient(connection)
            guard let owner, let name else {
                try output.emitList(try await client.get("/config/secrets"), table: SecretsCommand.table)
                return
            }
            let response = try await client.get(SecretsCommand.path(owner, name)).expect(200)
            try output.emit(response, table: SecretsCommand.table)
        }
    }
}

struct SecretsShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one secret.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var address: SecretAddress

    func run() async throws {
        let (owner, name, secret) = (address.owner, address.name, address.secret)
        try await Failures.report {
            let response = try await APIClient(connection).get(SecretsCommand.path(owner, name, secret)).expect(200)
            try output.emit(response) { value in
                let item = value["config"]?["secrets"]?[owner.rawValue]?[name]?[0] ?? value
                return ObjectTables.detail(item, owner: "", order: ["path", "content"])
            }
        }
    }
}

/// Which secret a command is about: `node|group NAME SECRET`.
struct SecretAddress: ParsableArguments {
    @Argument(help: "node or group.")
    var owner: SecretOwner

    @Argument(help: "Its name.")
    var name: String

    @Argument(help: "The secret.")
    var secret: String
}
