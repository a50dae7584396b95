import ArgumentParser

/// `luna <resource> remove NAME`: deletes one object, or each of a host list.
struct RemoveCommand<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "remove", abstract: "Delete a \(Kind.resource.noun).")
    }

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The name, or a host list like node[001-004].")
    var name: String

    func run() async throws {
        try await Failures.report {
            let resource = Kind.resource
            let client = try APIClient(connection)
            try await Failures.forEach(name) { name in
                let response = try await client.get(resource.path(name, "_delete")).expect(200, 201, 204)
                print(response.status == 204 ? "\(resource.noun) \(name) removed" : response.sentence)
            }
        }
    }
}
