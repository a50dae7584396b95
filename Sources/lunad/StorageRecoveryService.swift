import Foundation
import Logging
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

    /// Writes, fsyncs and removes a file the size of a large batch beside the log.
    private func probe() throws {
        let path = directory.path + "/log/.write-probe"
        defer { unlink(path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StorageRecovered(description: "open") }
        defer { close(descriptor) }
        let bytes = [UInt8](repeating: 0, count: 1 << 20)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else { throw StorageRecovered(description: "write") }
    }
}
