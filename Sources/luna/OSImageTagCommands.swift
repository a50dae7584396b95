import ArgumentParser
import LunaModel

/// `luna osimage tag NAME TAG`: freezes the image's current boot files under a tag that
/// nodes and groups can pin (`--osimagetag`).
struct TagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tag", abstract: "Tag an OS image's current boot files.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The OS image.")
    var name: String

    @Argument(help: "The tag.")
    var tag: String

    func run() async throws {
        try await Failures.report {
            let osimage = Resources.osimage
            let body = osimage.envelope(name, ["tag": .string(tag)])
            let response = try await APIClient(connection).post(osimage.path(name, "tag"), body).expect(200, 201, 204)
            print(response.status == 204 ? "OS image \(name) tagged \(tag)" : response.sentence)
        }
    }
}

/// `luna osimage untag NAME TAG`.
struct UntagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "untag", abstract: "Remove a tag from an OS image.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The OS image.")
    var name: String

    @Argument(help: "The tag.")
    var tag: String

    func run() async throws {
        try await Failures.report {
            let path = Resources.osimage.path(name, "osimagetag", tag, "_delete")
            let response = try await APIClient(connection).get(path).expect(200, 201, 204)
            print(response.status == 204 ? "OS image \(name) untagged \(tag)" : response.sentence)
        }
    }
}
