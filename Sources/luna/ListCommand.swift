import ArgumentParser

/// `luna <resource> list`: every object, one row each.
struct ListCommand<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "list", abstract: "List every \(Kind.resource.noun).")
    }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await Failures.report {
            let resource = Kind.resource
            let response = try await APIClient(connection).get(resource.path())
            try output.emitList(response) { value in
                ObjectTables.list(value["config"]?[resource.name]?.objectValue ?? [:], columns: resource.columns)
            }
        }
    }
}
