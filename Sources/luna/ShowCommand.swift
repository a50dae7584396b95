import ArgumentParser

/// `luna <resource> show NAME`: every field of one object, or of each of a host list.
struct ShowCommand<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "show", abstract: "Show every field of a \(Kind.resource.noun).")
    }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The name, or a host list like node[001-004].")
    var name: String

    func run() async throws {
        try await Failures.report {
            let resource = Kind.resource
            let client = try APIClient(connection)
            var first = true
            try await Failures.forEach(name) { name in
                let response = try await client.get(resource.path(name)).expect(200)
                if !first, !output.json { print() }
                first = false
                try output.emit(response) { value in
                    let objects = value["config"]?[resource.name]?.objectValue ?? [:]
                    // An OS image tag is keyed by image and tag: a tag name may match several.
                    guard let object = objects[name] else { return ObjectTables.list(objects, columns: resource.columns) }
                    return ObjectTables.detail(object, owner: resource.name, order: resource.fields)
                }
            }
        }
    }
}
