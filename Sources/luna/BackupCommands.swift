import ArgumentParser
import Foundation
import LunaLog
import LunaRuntime

/// `luna backup --out FILE`: a running controller's snapshot and log tail, with the
/// cluster key, in one file readable only by its owner.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Save a running controller's snapshot and log tail (and the cluster key) to a file.",
        discussion: "The file holds the key every secret is sealed with: keep it as safe as the controller itself.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The file to write; it must not exist.")
    var out: String

    func run() async throws {
        try await Failures.report {
            guard !FileManager.default.fileExists(atPath: out) else {
                throw CommandFailure(description: "\(out) exists already: name a new file")
            }
            let response = try await APIClient(connection).get("/cluster/backup").expect(200)
            let backup: Backup
            do throws(BackupDamage) {
                backup = try Backup(decoding: response.bytes)
            } catch {
                throw CommandFailure(description: "the controller's answer is not a backup: \(error.reason)")
            }
            guard
                FileManager.default.createFile(
                    atPath: out, contents: Data(response.bytes), attributes: [.posixPermissions: 0o600])
            else { throw CommandFailure(description: "\(out) cannot be written") }
            let rows = backup.snapshot.tables.values.reduce(0) { $0 + $1.count }
            print(
                "wrote \(backup.controller)'s backup to \(out): \(rows) rows in the snapshot, \(backup.events.count) events after it, "
                    + "\(response.bytes.count) bytes")
        }
    }
}

/// `luna restore FILE --data-dir D`: a data directory a controller starts from.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Make a data directory from a backup, for lunad to start from.",
        discussion: """
            The directory must be empty or new. lunad started on it is a new incarnation of the controller \
            named in its luna.ini (use the name the backup was taken from). Alone it goes on from the backup; \
            in a cluster it takes from its peers what happened since before it takes writes.
            """)

    @Argument(help: "The backup file written by `luna backup`.")
    var file: String

    @OptionGroup var dataDirectory: DataDirectoryOption

    func run() async throws {
        try await Failures.report {
            guard let bytes = FileManager.default.contents(atPath: file) else {
                throw CommandFailure(description: "\(file) cannot be read")
            }
            let backup: Backup
            do {
                backup = try Backup(decoding: [UInt8](bytes))
            } catch {
                throw CommandFailure(description: "\(file): \(error)")
            }
            print(try BackupRestore.restore(backup, into: DataDirectory(dataDirectory.path)))
            print("start lunad with [DATA] DIRECTORY = \(dataDirectory.path) and [CONTROLLER] NAME = \(backup.controller)")
        }
    }
}
