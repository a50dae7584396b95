import Foundation
import LunaBoot
import LunaDomain
import LunaModel
import LunaRuntime
import Testing

/// The shipped templates and plugins rendered for nodes of the shipped bootstrap cluster,
/// changed per test through the controller as an operator would.
@Suite("Installer and boot script rendering")
struct InstallerRenderingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let controller: Controller
    let directory: String
    let renderer = BootRenderer(
        templates: TemplateLibrary(directory: root.appendingPathComponent("Templates").path),
        plugins: PluginLibrary(directory: root.appendingPathComponent("Plugins").path))

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("luna-boot-\(UUID())").path
        controller = try Controller(directory: DataDirectory(directory), name: "controller", fsync: false)
        try await Bootstrap(path: Self.root.appendingPathComponent("Config/bootstrap.ini").path).seed(controller)
        try await change(
            "OSImage.update", "compute-image", ["kernelfile": "vmlinuz", "initrdfile": "initrd.img", "imagefile": "image.tar.gz"])
    }

    func change(_ intent: String, _ object: String, _ body: Row) async throws {
        _ = try await controller.submit(intent, object: object, body: body, actor: "test", requestID: "test")
    }

    func installer(_ node: String = "node001") async throws -> Result<String, BootFailure> {
        let renderer = self.renderer
        let key = controller.key
        return try await controller.read { state throws(LunaError) in
            try renderer.installer(node, token: "token-for-\(node)", state: state, unseal: { key.open($0.stringValue ?? "") })
        }
    }

    func nodeBoot(_ node: String = "node001") async throws -> String {
        let renderer = self.renderer
        return try await controller.read { state throws(LunaError) in try renderer.nodeBoot(node, state: state) }
    }

    /// `bash -n` on a script: nil when it parses, else bash's complaint.
    static func bashSyntaxError(_ script: String) throws -> String? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("luna-install-\(UUID()).sh").path
        try script.write(toFile: file, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-n", file]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return process.terminationStatus == 0 ? nil : text
    }

    /// Every segment of a shipped plugin file, for checking it stands in the installer once.
    static func segments(_ relative: String) -> [String: String] {
        let path = root.appendingPathComponent("Plugins/\(relative)").path
        return PluginFile(origin: path, text: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "").segments
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test(arguments: [
        ("debian", "12"), ("ubuntu", "22.04"), ("redhat", "8"), ("redhat", "9"), ("redhat", "10"), ("opensuse", "15"),
    ])
    func theInstallerOfEachDistributionParsesWithEverySegmentOnce(distribution: String, release: String) async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await change(
            "OSImage.update", "compute-image", ["distribution": .string(distribution), "osrelease": .string(release)])
        try await change(
            "Network.update", "cluster",
            ["network_ipv6": "fd00:141::/64", "gateway_ipv6": "fd00:141::fffe", "nameserver_ip": "10.141.255.254"])
        try await change(
            "Node.update", "node001",
            [
                "roles": "slurm", "scripts": "nodhcp", "prescript": "echo pre-of-node001",
                "interfaces": [
                    ["interface": "BOOTIF", "macaddress": "52:54:00:00:00:01"],
                    [
                        "interface": "bond0", "network": "ib", "bond_mode": "active-backup", "bond_slaves": "eth1,eth2",
                        "mtu": 9000,
                    ],
                    ["interface": "eth0.12", "network": "ib", "vlanid": 12],
                ],
            ])
        let script = try await installer().get()
        #expect(try Self.bashSyntaxError(script) == nil)
        let found = try #require(renderer.plugins.find("boot/network", levels: [distribution], release: release, site: [:]))
        let network = String(found.origin.dropFirst(Self.root.appendingPathComponent("Plugins").path.count + 1))
        for (plugin, names) in [
            (network, ["init", "interface", "finish"]), ("boot/provision/torrent.sh", ["fetch"]),
            ("boot/provision/http.sh", ["fetch"]), ("boot/bmc/default.sh", ["config"]),
        ] {
            for name in names {
                let segment = try #require(Self.segments(plugin)[name], "\(plugin) has a \(name) segment")
                guard !segment.allSatisfy(\.isWhitespace) else { continue }
                #expect(Self.count(segment, in: script) == 1, "\(plugin) \(name) stands once in the installer")
            }
        }
        #expect(script.contains("download_torrent() {") && script.contains("download_http() {"))
        #expect(script.contains("for method in torrent http; do"))
        #expect(script.contains("export LUNA_TOKEN='token-for-node001'"))
        #expect(script.contains("NIC_IPV6='fd00:141::1'"))
        #expect(script.contains("NIC_BOND_SLAVES='eth1 eth2'"))
        #expect(script.contains("BMC_PASSWORD='P@ssword!'"))
        #expect(Self.count("echo pre-of-node001", in: script) == 0, "the prescript travels base64")
        #expect(script.contains(Base64Text.encode("echo pre-of-node001")))
        #expect(script.contains(Base64Text.encode("mount -t tmpfs -o size=80% tmpfs /sysroot")))
    }

    @Test func aValueTheInstallerNeedsButLacksIsTheFailure() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await change("OSImage.update", "compute-image", ["imagefile": ""])
        guard case .failure(let failure) = try await installer() else {
            Issue.record("a node whose image has no archive installs")
            return
        }
        do {
            #expect(failure.reason.hasPrefix("imagefile has no value"))
            let failed = try renderer.failedInstaller("node001", failure)
            #expect(failed.contains("imagefile has no value") && failed.contains("exit 1"))
            #expect(try Self.bashSyntaxError(failed) == nil)
        }
        try await change("BMCSetup.update", "default-bmcsetup", ["password": ""])
        try await change("OSImage.update", "compute-image", ["imagefile": "image.tar.gz"])
        guard case .failure(let bmc) = try await installer() else {
            Issue.record("a node that sets up its BMC without a BMC password installs")
            return
        }
        #expect(bmc.reason == "BMC setup default-bmcsetup has no username or password: node node001 cannot set up its BMC")
    }

    /// luna2's packing_bootpause: while its image packs, a node waits; one pinned to a tag,
    /// whose files the pack does not touch, boots.
    @Test func aNodeWaitsWhileItsImagePacksWhenTheClusterSaysSo() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await change("Node.update", "node001", ["interfaces": [["interface": "BOOTIF", "macaddress": "52:54:00:00:00:01"]]])
        try await change("Node.update", "node002", ["interfaces": [["interface": "BOOTIF", "macaddress": "52:54:00:00:00:02"]]])
        try await change("OSImage.tag", "compute-image", ["tag": "stable"])
        try await change("Node.update", "node002", ["osimagetag": "stable"])
        try await change("OSImage.packing", "compute-image", ["request": "r1", "controller": "controller"])
        #expect(try await nodeBoot().contains("initrd=initrd.img"), "without packing_bootpause the node boots the current files")
        try await change("Cluster.update", "cluster", ["packing_bootpause": true])
        let waiting = try await nodeBoot()
        #expect(waiting.contains("OS image compute-image is being packed; node node001 waits until the pack is done"))
        #expect(waiting.contains("sleep 60") && !waiting.contains("initrd=initrd.img"))
        #expect(try await nodeBoot("node002").contains("initrd=initrd.img"))
        try await change("OSImage.packFailed", "compute-image", ["request": "r1", "reason": "test"])
        #expect(try await nodeBoot().contains("initrd=initrd.img"))
    }

    @Test func kernelCommandLinesFollowLuna2ForEachKindOfAddress() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await change("Node.update", "node001", ["interfaces": [["interface": "BOOTIF", "macaddress": "52:54:00:00:00:01"]]])
        let common =
            "luna.url=http://10.141.255.254:7050 luna.verifycert=no luna.node=node001 luna.hostname=node001 luna.loghost=10.141.255.254 luna.service=0 _net.ifnames=0 _biosdevname=0 initrd=initrd.img boot=ramdisk"
        #expect(
            try await nodeBoot().contains(
                "root=luna luna.mac=52:54:00:00:00:01 luna.ip=10.141.0.1/16 luna.gw=10.141.255.254 \(common)"))
        try await change("Node.update", "node001", ["interfaces": [["interface": "BOOTIF", "dhcp": true]]])
        #expect(try await nodeBoot().contains("luna.ip=dhcp luna.gw= \(common)"))
        try await change("Network.update", "cluster", ["network_ipv6": "fd00:141::/64", "gateway_ipv6": "fd00:141::fffe"])
        try await change("Node.update", "node001", ["interfaces": [["interface": "BOOTIF", "dhcp": false]]])
        #expect(try await nodeBoot().contains("luna.ip=fd00:141::1/64 luna.gw=fd00:141::fffe \(common)"))
        try await change(
            "Node.update", "node001", ["service": true, "kerneloptions": .string(Base64Text.encode("console=ttyS0\npanic=-1"))])
        #expect(try await nodeBoot().contains("luna.service=1 console=ttyS0 panic=-1 initrd=initrd.img"))
        try await change("Node.update", "node001", ["netboot": false])
        #expect(try await nodeBoot().contains("sanboot"))
    }

    @Test func theMenuListsNodesAndGroupsAndChainsToTheMACSearch() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let renderer = self.renderer
        let menu = try await controller.read { state throws(LunaError) in try renderer.menu(state: state, short: false) }
        #expect(menu.contains("chain --replace http://10.141.255.254:7050/boot/search/mac/${net0/mac:hexhyp}"))
        #expect(menu.contains(":host-node004") && menu.contains(":group-compute-group"))
        let short = try await controller.read { state throws(LunaError) in try renderer.menu(state: state, short: true) }
        #expect(!short.contains(":host-") && short.contains("/boot/search/mac/"))
    }
}
