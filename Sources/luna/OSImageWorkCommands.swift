import ArgumentParser
import LunaModel

/// `luna osimage pack NAME`: packs the image on the master and shows its progress.
struct PackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack", abstract: "Pack an OS image (kernel, initrd, archive) on the master and follow it.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The OS image.")
    var name: String

    @Flag(help: "Print the request id and return without following the pack.")
    var noWait = false

    func run() async throws {
        try await Failures.report {
            let client = try APIClient(connection)
            let response = try await client.get(Resources.osimage.path(name, "_pack")).expect(200)
            try await OSImageWork.follow(response, client: client, wait: !noWait)
        }
    }
}

/// `luna osimage kernel NAME VERSION`: sets the image's kernel and packs it again.
struct KernelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel", abstract: "Set an OS image's kernel version and pack it again, following the pack.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The OS image.")
    var name: String

    @Argument(help: "The kernel version, as in the image's /boot/vmlinuz-<version>.")
    var version: String

    @Flag(help: "Print the request id and return without following the pack.")
    var noWait = false

    func run() async throws {
        try await Failures.report {
            let client = try APIClient(connection)
            let body = Resources.osimage.envelope(name, ["kernelversion": .string(version)])
            let response = try await client.post(Resources.osimage.path(name, "kernel"), body).expect(200)
            try await OSImageWork.follow(response, client: client, wait: !noWait)
        }
    }
}

enum OSImageWork {
    static func follow(_ response: APIResponse, client: APIClient, wait: Bool) async throws {
        guard let request = response.json?["request_id"]?.stringValue else {
            throw CommandFailure(description: "the controller answered without a request id: \(response.sentence)")
        }
        guard wait else {
            print(request)
            return
        }
        print(response.sentence)
        try await RequestFollower(client: client, request: request).follow()
    }
}
