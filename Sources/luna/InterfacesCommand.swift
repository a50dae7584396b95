import ArgumentParser

/// `luna node|group interfaces NAME`: the interfaces of one object, one row each.
struct InterfacesCommand<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "interfaces", abstract: "List the interfaces of a \(Kind.resource.noun).")
    }

    static var columns: [String] { ["interface", "network", "ipaddress", "macaddress", "ipaddress_ipv6", "vlanid", "mtu"] }

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
                let response = try await client.get(resource.path(name, "interfaces")).expect(200)
                if !first, !output.json { print() }
                first = false
                try output.emit(response) { value in
                    let items = value["config"]?[resource.name]?[name]?["interfaces"]?.arrayValue ?? []
                    return ObjectTables.items(items, preferred: Self.columns)
                }
            }
        }
    }
}
