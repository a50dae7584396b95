import ArgumentParser
import LunaModel

/// `luna <resource> change NAME --field value…`: changes the fields given, of one object
/// or of each of a host list. A missing object is refused: the API's change would create it.
struct ChangeCommand<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        let resource = Kind.resource
        return CommandConfiguration(
            commandName: "change", abstract: "Change fields of a \(resource.noun).",
            usage: "luna \(resource.name) change NAME [--FIELD VALUE ...] [--set FIELD=VALUE ...]",
            discussion: FieldsHelp.discussion(resource.fields))
    }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var fields: FieldOptions

    func run() async throws {
        try await Failures.report {
            var connection = self.connection
            let resource = Kind.resource
            let request = try fields.parse(fields: resource.fields, usage: ["NAME"], noun: resource.noun, connection: &connection)
            guard !request.fields.isEmpty else {
                throw CommandFailure(description: "nothing to change: give --FIELD VALUE or --set FIELD=VALUE")
            }
            let client = try APIClient(connection)
            try await Failures.forEach(request.names[0]) { name in
                try await client.get(resource.path(name)).expect(200)
                var body = request.fields
                body["name"] = .string(name)
                let response = try await client.post(resource.path(name), resource.envelope(name, .object(body)))
                try response.expect(200, 201, 204)
                print(response.status == 204 ? "\(resource.noun) \(name) changed" : response.sentence)
            }
        }
    }
}
