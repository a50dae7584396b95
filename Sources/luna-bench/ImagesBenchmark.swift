import ArgumentParser
import Foundation

/// OS images (Deploy/image-bench, as root): packing a Debian tree against tar alone, the
/// peers holding a large archive after the pack against cp, concurrent downloads from one
/// controller against cat, and namespace nodes downloading by torrent against the same
/// nodes over http. Runs the lunad and luna built beside this benchmark.
struct ImagesBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images", abstract: "OS image packing, replication of image files and serving them.")

    @Option(help: "MiB of random data added to the tree for the large archive.")
    var size = 1024

    @Option(help: "Concurrent downloads of the archive.")
    var downloads = 50

    @Option(help: "Namespace nodes downloading the archive at once, by torrent and then over http (1-20).")
    var clients = 20

    func run() async throws {
        guard getuid() == 0 else {
            print("images: packing needs root (mmdebstrap, chroot): run luna-bench images as root")
            return
        }
        try DeployScript.run(
            "image-bench",
            [
                "--size", String(size), "--downloads", String(downloads), "--clients", String(clients),
            ])
    }
}
