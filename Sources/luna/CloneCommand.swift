import ArgumentParser
import LunaModel

/// `luna <resource> clone NAME NEW --field value…`: a copy under a new name, with the
/// fields given changed in the copy.
struct CloneCommand<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        let resource = Kind.resource
        return CommandConfiguration(
            commandName: "clone", abstract: "Copy a \(resource.noun) under a new name.",
            usage: "luna \(resource.name) clone NAME NEW [--FIELD VALUE ...] [--set FIELD=VALUE ...]",
            discussion: FieldsHelp.discussion(resource.fields))
    }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var fields: FieldOptions

    func run() async throws {
        try await Failures.report {
            var connection = self.connection
            let resource = Kind.resource
            let request = try fields.parse(
                fields: resource.fields, usage: ["NAME", "NEW"], noun: resource.noun, connection: &connection)
            let (name, new) = (request.names[0], request.names[1])
            var body = request.fields
            body["name"] = .string(name)
            body[resource.renameKey!] = .string(new)
            let client = try APIClient(connection)
            let response = try await client.post(resource.path(name, "_clone"), resource.envelope(name, .object(body)))
            try response.expect(200, 201, 204)
            print(response.status == 204 ? "\(resource.noun) \(name) cloned as \(new)" : response.sentence)
            // An image's clone copies its tree on the master: followed to its end.
            if let request = response.json?["request_id"]?.stringValue {
                try await RequestFollower(client: client, request: request).follow()
            }
        }
    }
}
