import ArgumentParser
import LunaModel

/// `luna <resource> rename NAME NEW`: luna2 renames with a change that carries the new
/// name under the resource's own key (newnodename, newgroupname, …).
struct RenameCommand<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "rename", abstract: "Rename a \(Kind.resource.noun).")
    }

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The current name.")
    var name: String

    @Argument(help: "The new name.")
    var new: String

    func run() async throws {
        try await Failures.report {
            let resource = Kind.resource
            let body: JSONValue = .object(["name": .string(name), resource.renameKey!: .string(new)])
            let response = try await APIClient(connection).post(resource.path(name), resource.envelope(name, body))
            try response.expect(200, 201, 204)
            print(response.status == 204 ? "\(resource.noun) \(name) renamed to \(new)" : response.sentence)
        }
    }
}
