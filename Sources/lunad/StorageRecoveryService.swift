import Foundation
import Logging
import LunaLog
import LunaRuntime
import ServiceLifecycle

/// After the data directory refused a write (a full disk, an fsync that failed), lunad
/// goes on serving reads and refusing writes, and every few seconds tries a durable write
/// of its own there. Once that works it stops, with a failure status, so that systemd
/// (`Restart=on-failure`) starts it again from its log: the path every start takes, which
/// cuts a torn tail and rebuilds the views. Until then it does not flap.
struct StorageRecoveryService: Service {
    let controller: Controller
    let directory: DataDirectory
    let logger: Logger
    let interval: Duration = .seconds(5)

    struct StorageRecovered: Error, CustomStringConvertible {
        var description: String
    }

    func run() async throws {
        while (try? await Task.sleep(for: interval)) != nil, !Task.isShuttingDownGracefully {
            guard await controller.storageFailed else { continue }
            do {
                try probe()
            } catch {
                continue
            }
            let sentence =
                "the data directory \(directory.path) takes writes again: lunad stops so that it starts again from its log"
            logger.notice("\(sentence)")
            throw StorageRecovered(description: sentence)
        }
    }

    /// Writes a file the size of a large batch beside the log, the way the snapshot is
    /// written (fsynced, renamed, folder fsynced), and removes it.
    private func probe() throws {
        let path = directory.path + "/log/write-probe"
        // A failed attempt leaves the half-written temporary file; neither may hold the disk.
        defer { for file in [path, path + ".new"] { unlink(file) } }
        try DurableFile.replace(path, with: [UInt8](repeating: 0, count: 1 << 20))
    }
}
