import ArgumentParser
import LunaModel

/// `luna secrets add node|group NAME SECRET --content … --path …`; an existing secret is
/// refused, as the API would replace it.
struct SecretsAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a secret to a node or group.",
        usage: "luna secrets add node|group NAME SECRET --content TEXT --path FILE",
        discussion: FieldsHelp.discussion(Resources.secret.fields))

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var fields: FieldOptions

    func run() async throws {
        try await Failures.report {
            var connection = self.connection
            let request = try fields.parse(
                fields: Resources.secret.fields, usage: ["node|group", "NAME", "SECRET"], noun: "a secret",
                connection: &connection)
            let (owner, name, secret) = (try SecretOwner(checking: request.names[0]), request.names[1], request.names[2])
            let client = try APIClient(connection)
            let existing = try await client.get(SecretsCommand.path(owner, name, secret))
            guard existing.status == 404 else {
                try existing.expect(200)
                throw CommandFailure(
                    description: "\(owner.rawValue) \(name) has a secret \(secret) already: luna secrets change changes it")
            }
            var item = request.fields
            item["name"] = .string(secret)
            let response = try await client.post(SecretsCommand.path(owner, name), SecretsCommand.envelope(owner, name, item))
            try response.expect(200, 201, 204)
            print(response.status == 204 ? "secret \(secret) of \(owner.rawValue) \(name) created" : response.sentence)
        }
    }
}

struct SecretsChange: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "change", abstract: "Change a secret's content or path.",
        usage: "luna secrets change node|group NAME SECRET [--content TEXT] [--path FILE]",
        discussion: FieldsHelp.discussion(Resources.secret.fields))

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var fields: FieldOptions

    func run() async throws {
        try await Failures.report {
            var connection = self.connection
            let request = try fields.parse(
                fields: Resources.secret.fields, usage: ["node|group", "NAME", "SECRET"], noun: "a secret",
                connection: &connection)
            let (owner, name, secret) = (try SecretOwner(checking: request.names[0]), request.names[1], request.names[2])
            guard !request.fields.isEmpty else {
                throw CommandFailure(description: "nothing to change: give --content or --path")
            }
            let client = try APIClient(connection)
            try await client.get(SecretsCommand.path(owner, name, secret)).expect(200)
            var item = request.fields
            item["name"] = .string(secret)
            let response = try await client.post(
                SecretsCommand.path(owner, name, secret), SecretsCommand.envelope(owner, name, item))
            try response.expect(200, 201, 204)
            print(response.status == 204 ? "secret \(secret) of \(owner.rawValue) \(name) changed" : response.sentence)
        }
    }
}

struct SecretsRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a secret.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var address: SecretAddress

    func run() async throws {
        let (owner, name, secret) = (address.owner, address.name, address.secret)
        try await Failures.report {
            let response = try await APIClient(connection).get(SecretsCommand.path(owner, name, secret, "_delete"))
            try response.expect(200, 201, 204)
            print(response.status == 204 ? "secret \(secret) of \(owner.rawValue) \(name) removed" : response.sentence)
        }
    }
}

struct SecretsClone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clone", abstract: "Copy a secret under a new name.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var address: SecretAddress

    @Argument(help: "The copy's name.")
    var new: String

    func run() async throws {
        let (owner, name, secret) = (address.owner, address.name, address.secret)
        try await Failures.report {
            let item: [String: JSONValue] = ["name": .string(secret), "newsecretname": .string(new)]
            let response = try await APIClient(connection).post(
                SecretsCommand.path(owner, name, secret, "_clone"), SecretsCommand.envelope(owner, name, item))
            try response.expect(200, 201, 204)
            print(response.status == 204 ? "secret \(secret) of \(owner.rawValue) \(name) cloned as \(new)" : response.sentence)
        }
    }
}
