import ArgumentParser
import LunaModel

/// `luna node|group interface show|change|remove NAME INTERFACE`.
struct InterfaceCommand<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "interface", abstract: "Show, add or change, and remove one interface of a \(Kind.resource.noun).",
            subcommands: [InterfaceShow<Kind>.self, InterfaceChange<Kind>.self, InterfaceRemove<Kind>.self])
    }
}

struct InterfaceShow<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "show", abstract: "Show one interface.")
    }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The \(Kind.resource.noun), or a host list like node[001-004].")
    var name: String

    @Argument(help: "The interface (BOOTIF, BMC, …).")
    var interface: String

    func run() async throws {
        try await Failures.report {
            let resource = Kind.resource
            let client = try APIClient(connection)
            try await Failures.forEach(name) { name in
                let response = try await client.get(resource.path(name, "interfaces", interface)).expect(200)
                try output.emit(response) { value in
                    let item = value["config"]?[resource.name]?[name]?["interfaces"]?[0] ?? value
                    return ObjectTables.detail(item, owner: resource.name, order: ["interface"] + resource.interfaceFields!)
                }
            }
        }
    }
}

/// Adds the interface if the object lacks it; without `--ipaddress` the API takes the
/// network's next free address.
struct InterfaceChange<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        let resource = Kind.resource
        return CommandConfiguration(
            commandName: "change", abstract: "Add an interface, or change its fields.",
            usage: "luna \(resource.name) interface change NAME INTERFACE [--FIELD VALUE ...] [--set FIELD=VALUE ...]",
            discussion: FieldsHelp.discussion(resource.interfaceFields!))
    }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var fields: FieldOptions

    func run() async throws {
        try await Failures.report {
            let resource = Kind.resource
            var connection = self.connection
            let request = try fields.parse(
                fields: resource.interfaceFields!, usage: ["NAME", "INTERFACE"], noun: "an interface", connection: &connection)
            let interface = request.names[1]
            var item = request.fields
            item["interface"] = .string(interface)
            let client = try APIClient(connection)
            try await Failures.forEach(request.names[0]) { name in
                let body = resource.envelope(name, ["interfaces": [.object(item)]])
                let response = try await client.post(resource.path(name, "interfaces"), body).expect(200, 201, 204)
                print(response.status == 204 ? "\(resource.noun) \(name) interface \(interface) changed" : response.sentence)
            }
        }
    }
}

struct InterfaceRemove<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "remove", abstract: "Remove one interface.")
    }

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The \(Kind.resource.noun), or a host list like node[001-004].")
    var name: String

    @Argument(help: "The interface.")
    var interface: String

    func run() async throws {
        try await Failures.report {
            let resource = Kind.resource
            let client = try APIClient(connection)
            try await Failures.forEach(name) { name in
                let response = try await client.get(resource.path(name, "interfaces", interface, "_delete"))
                try response.expect(200, 201, 204)
                print(response.status == 204 ? "\(resource.noun) \(name) interface \(interface) removed" : response.sentence)
            }
        }
    }
}
