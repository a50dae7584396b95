import ArgumentParser
import Foundation
import LunaModel
import LunaRuntime
import LunaServices

/// DHCP, DNS and the beacon with 1,000 nodes. Here: a whole reconcile (render, the
/// daemons' own checks, install, reload) against rendering alone. In the lab
/// (Deploy/ha-lab-bench, as root): each create's time until it is live on all three
/// controllers against the API write alone, and the beacon's failover over 20 kills.
struct ServicesBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services", abstract: "DHCP and DNS reconciles, propagation and beacon failover.")

    @Option(help: "Nodes in the views.")
    var nodes = 1000

    @Flag(help: "Skip the lab (three controllers in network namespaces, as root).")
    var noLab = false

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("luna-bench-services-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let controller = try Controller(directory: DataDirectory(folder + "/data"), name: "controller", fsync: false)
        try await Bootstrap(path: BenchController.root.appendingPathComponent("Config/bootstrap.ini").path).seed(controller)
        for index in 0..<nodes {
            let mac = String(format: "02:cc:00:00:%02x:%02x", index / 256, index % 256)
            _ = try await controller.submit(
                "Node.update", object: String(format: "n%04d", index),
                body: ["group": "compute-group", "interfaces": [["interface": "BOOTIF", "macaddress": .string(mac)]]],
                actor: "bench", requestID: "bench", requireSync: false)
        }
        let state = await controller.read { $0 }
        await controller.close()
        let dhcp = ServiceSettings.DHCP(
            config: folder + "/kea/kea-dhcp4.conf", interfaces: ["lo"], controlSocket: folder + "/kea/kea4.sock",
            leaseFile: folder + "/kea/leases4.csv", reload: ["true"])
        let dns = ServiceSettings.DNS(directory: folder + "/bind", reload: ["true"])
        func render() throws -> (ServiceConfig, ServiceConfig) {
            (
                try ServiceFiles.dhcp(state, controller: "controller", settings: dhcp, scheme: "http"),
                try ServiceFiles.dns(state, settings: dns)
            )
        }
        let renders = try (0..<5).map { _ in try Self.millis { _ = try render() } }
        var reconciles: [Double] = []
        for _ in 0..<3 {
            try? FileManager.default.removeItem(atPath: folder + "/kea")
            try? FileManager.default.removeItem(atPath: folder + "/bind")
            let (keaConfig, bindConfig) = try render()
            let started = ContinuousClock.now
            let outcomes = [
                await ServiceReconciler(name: "dhcp", reload: dhcp.reload).reconcile(keaConfig),
                await ServiceReconciler(name: "dns", reload: dns.reload).reconcile(bindConfig),
            ]
            let took = ContinuousClock.now - started
            guard outcomes.allSatisfy({ $0 == .installed }) else {
                throw BenchFailure(description: "a reconcile was refused: \(outcomes)")
            }
            reconciles.append(Self.millis(took) + renders.sorted()[2])
        }
        let render = renders.sorted()[2]
        let reconcile = reconciles.sorted()[1]
        print(
            String(
                format: "services: reconcile of %d nodes (render, kea-dhcp4 -t, named-checkzone and -checkconf, install, "
                    + "reload) %.0f ms; rendering alone %.1f ms (%.0fx)", nodes, reconcile, render, reconcile / render))
        guard !noLab else { return }
        guard getuid() == 0 else {
            print("services: the lab's figures (propagation, failover) need root: run luna-bench services as root")
            return
        }
        try DeployScript.run("ha-lab-bench")
    }

    static func millis(_ body: () throws -> Void) rethrows -> Double {
        let started = ContinuousClock.now
        try body()
        return millis(ContinuousClock.now - started)
    }

    static func millis(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
