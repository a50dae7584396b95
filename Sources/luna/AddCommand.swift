import ArgumentParser
import LunaModel

/// `luna <resource> add NAME --field value…`: creates one object, or one per name of a
/// host list. An existing object is refused: the API's create also changes, silently.
struct AddCommand<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        let resource = Kind.resource
        return CommandConfiguration(
            commandName: "add", abstract: "Create a \(resource.noun).",
            usage: "luna \(resource.name) add NAME [--FIELD VALUE ...] [--set FIELD=VALUE ...]",
            discussion: FieldsHelp.discussion(resource.fields))
    }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var fields: FieldOptions

    func run() async throws {
        try await Failures.report {
            var connection = self.connection
            let resource = Kind.resource
            let request = try fields.parse(fields: resource.fields, usage: ["NAME"], noun: resource.noun, connection: &connection)
            let client = try APIClient(connection)
            try await Failures.forEach(request.names[0]) { name in
                let existing = try await client.get(resource.path(name))
                guard existing.status == 404 else {
                    try existing.expect(200)
                    throw CommandFailure(
                        description: "\(resource.noun) \(name) exists already: luna \(resource.name) change \(name) changes it")
                }
                var body = request.fields
                body["name"] = .string(name)
                let response = try await client.post(resource.path(name), resource.envelope(name, .object(body)))
                try response.expect(200, 201, 204)
                print(response.status == 204 ? "\(resource.noun) \(name) created" : response.sentence)
            }
        }
    }
}
