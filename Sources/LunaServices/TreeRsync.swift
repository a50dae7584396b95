import Foundation
import LunaModel

/// rsync over ssh between an OS image's tree and a running node, as root on the node: a
/// grab copies the node's filesystems into the tree, a push copies the tree onto the node.
/// Numeric owners, ACLs, xattrs and hard links are kept; each filesystem is copied alone
/// (`--one-file-system`), so /proc and /sys never come along.
public struct TreeRsync: Sendable {
    /// The controller's private key for the nodes' root login, and where their host keys
    /// are learnt on first contact.
    public let key: String
    public let knownHosts: String
    public var timeout: Duration = .seconds(4 * 3600)

    public init(key: String, knownHosts: String) {
        self.key = key
        self.knownHosts = knownHosts
    }

    /// What rsync reported, shortened for a progress line.
    public struct Summary: Sendable {
        public var files: String
        public var bytes: String

        public var text: String { "\(files) files transferred, \(bytes) bytes" }
    }

    /// The node's `filesystems` ("/", "/boot", …) into `tree`, deleting in the tree what
    /// the node no longer has; with `dryRun`, only what would change.
    public func grab(
        from address: String, into tree: String, filesystems: [String], excludes: [String], dryRun: Bool
    ) async throws(LunaError) -> Summary {
        var argv = base(excludes) + ["--delete-after"]
        if dryRun { argv.append("--dry-run") }
        argv += filesystems.map { "root@\(Self.host(address)):/.\(Self.relative($0))" } + [tree + "/"]
        return try await run(argv, what: "rsync from \(address)")
    }

    /// `tree`'s `filesystems` onto the node, deleting nothing there.
    public func push(_ tree: String, to address: String, filesystems: [String], excludes: [String]) async throws(LunaError)
        -> Summary
    {
        // A node keeps its own host keys: the image's would give every node one identity.
        let argv =
            base(excludes + ["/etc/ssh/ssh_host_*"]) + filesystems.map { tree + "/." + Self.relative($0) }
            + ["root@\(Self.host(address)):/"]
        return try await run(argv, what: "rsync to \(address)")
    }

    private func base(_ excludes: [String]) -> [String] {
        let shell =
            "ssh -i \(key) -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=\(knownHosts) -o ConnectTimeout=10"
        return ["rsync", "-aAXHR", "--numeric-ids", "--one-file-system", "--stats", "-e", shell]
            + (Self.virtual + excludes).map { "--exclude=\($0)" }
    }

    /// Kernel file systems' contents never belong in a tree, whatever a site excludes.
    static let virtual = ["/proc/*", "/sys/*", "/dev/*", "/run/*"]

    /// `/boot` as rsync's relative-path marker wants it after `/.`: `/boot`; `/` as `/`.
    static func relative(_ filesystem: String) -> String {
        filesystem.hasPrefix("/") ? filesystem : "/" + filesystem
    }

    /// An IPv6 address in brackets, as ssh's `user@host:path` needs it.
    static func host(_ address: String) -> String {
        address.contains(":") ? "[\(address)]" : address
    }

    private func run(_ argv: [String], what: String) async throws(LunaError) -> Summary {
        let finished = try await ProgramRun(argv, timeout: timeout).run()
        guard finished.succeeded else {
            throw LunaError(.unavailable, "\(what) failed (\(finished.status)): \(finished.tail)")
        }
        func value(_ label: String) -> String {
            finished.output.split(separator: "\n").first { $0.hasPrefix(label) }.map {
                String($0.dropFirst(label.count)).trimmingCharacters(in: .whitespaces)
            } ?? "?"
        }
        return Summary(files: value("Number of regular files transferred:"), bytes: value("Total transferred file size:"))
    }
}
