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

/// `luna osimage grab IMAGE NODE`: copies a running node into the image's tree on the
/// master; a dry run unless `--nodry`, then a pack unless `--bare`.
struct GrabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grab", abstract: "Copy a running node's filesystems into an OS image's tree (a dry run without --nodry).")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The OS image.")
    var name: String

    @Argument(help: "The running node to copy from.")
    var node: String

    @Flag(help: "Really copy (without it, only show what would be transferred).")
    var nodry = false

    @Flag(help: "Do not pack the image after a real grab.")
    var bare = false

    @Flag(help: "Print the request id and return without following the grab.")
    var noWait = false

    func run() async throws {
        try await Failures.report {
            let client = try APIClient(connection)
            let body = Resources.node.envelope(node, ["osimage": .string(name), "nodry": .bool(nodry), "bare": .bool(bare)])
            let response = try await client.post(Resources.node.path(node, "_osgrab"), body).expect(200)
            try await OSImageWork.follow(response, client: client, wait: !noWait)
        }
    }
}

/// `luna osimage push IMAGE --node NODE | --group GROUP`: copies the image's tree onto
/// running nodes, a line per node.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push", abstract: "Copy an OS image's tree onto a running node or every node of a group.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The OS image.")
    var name: String

    @Option(help: "The node to copy to.")
    var node: String?

    @Option(help: "The group whose nodes to copy to.")
    var group: String?

    @Flag(help: "Print the request id and return without following the push.")
    var noWait = false

    func validate() throws {
        guard (node == nil) != (group == nil) else {
            throw ValidationError("name the nodes: --node NODE or --group GROUP (one of them)")
        }
    }

    func run() async throws {
        try await Failures.report {
            let client = try APIClient(connection)
            let (resource, target) = node.map { (Resources.node, $0) } ?? (Resources.group, group ?? "")
            let body = resource.envelope(target, ["osimage": .string(name)])
            let response = try await client.post(resource.path(target, "_ospush"), body).expect(200)
            try await OSImageWork.follow(response, client: client, wait: !noWait)
        }
    }
}
