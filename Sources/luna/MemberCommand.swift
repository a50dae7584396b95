import ArgumentParser
import LunaModel

/// `luna <resource> member NAME`: the nodes that use a group, image or BMC setup, or the
/// addresses taken in a network.
struct MemberCommand<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "member", abstract: "Show what uses a \(Kind.resource.noun).")
    }

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The name.")
    var name: String

    func run() async throws {
        try await Failures.report {
            let resource = Kind.resource
            let response = try await APIClient(connection).get(resource.path(name, "_member")).expect(200)
            try output.emit(response) { value in
                let entry = value["config"]?[resource.name]?[name]
                if let taken = entry?["taken"]?.arrayValue {
                    return ObjectTables.items(taken, preferred: ["ipaddress", "device"])
                }
                let members = entry?["members"]?.arrayValue ?? []
                return TextTable(
                    header: ["MEMBER"], rows: members.map { [$0.stringValue ?? $0.canonicalText] }, overflow: .truncate)
            }
        }
    }
}
