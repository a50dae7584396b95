import Foundation
import HTTPTypes
import JWTKit
import Logging
import LunaAPI
import LunaBoot
import LunaModel
import LunaRuntime
import Testing

@Suite("Boot routes and node authentication")
struct BootAPITests {
    static let hash = String(repeating: "a1", count: 32)
    static let login: JSONValue = ["username": "node", "password": "node"]

    /// node001's BOOTIF gets a MAC and compute-image its boot files.
    static func prepare(_ api: APIHarness.Client) async throws {
        let mac = envelope("node", "node001", ["interfaces": [["interface": "BOOTIF", "macaddress": "52:54:00:00:00:01"]]])
        #expect(try await api.post("/config/node/node001", mac).status == .noContent)
        let files: JSONValue = [
            "kernelfile": "vmlinuz", "initrdfile": "initrd.img", "imagefile": "image.tar.gz", "distribution": "debian",
            "osrelease": "12",
        ]
        #expect(
            try await api.post("/config/osimage/compute-image", envelope("osimage", "compute-image", files)).status == .noContent)
    }

    static func nodeToken(_ api: APIHarness.Client, _ node: String, hash: String? = nil) async throws -> APIHarness.Client.Reply {
        var body = login.objectValue!
        if let hash { body["tpm_sha256"] = .string(hash) }
        return try await api.post("/tpm/\(node)", .object(body), token: "")
    }

    @Test func publicBootRoutesNeedNoTokenAndAnswerScripts() async throws {
        let harness = try await APIHarness.make()
        try await harness.run { api in
            try await Self.prepare(api)
            for path in ["/boot", "/boot/short", "/boot/disk"] {
                let reply = try await api.get(path, token: "")
                #expect(reply.status == .ok && reply.text.hasPrefix("#!ipxe"), "\(path)")
                #expect(reply.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
            #expect(try await api.get("/boot", token: "").text.contains("item host-node002 node002"))
            #expect(try await api.get("/boot/short", token: "").text.contains("item host-") == false)
            let boot = try await api.get("/boot/search/mac/52-54-00-00-00-01", token: "")
            #expect(
                boot.text.contains(
                    "imgargs kernel root=luna luna.mac=52:54:00:00:00:01 luna.ip=10.141.0.1/16 luna.gw=10.141.255.254 luna.url=http://10.141.255.254:7050 luna.verifycert=no luna.node=node001 luna.hostname=node001 luna.loghost=10.141.255.254 luna.service=0 _net.ifnames=0 _biosdevname=0 initrd=initrd.img boot=ramdisk"
                ))
            #expect(
                try await api.get("/monitor/node/node001", token: "").body?["monitor"]?["status"]?["node001"]?["state"]
                    == "install.discovered")
            let bad = try await api.get("/boot/search/mac/not-a-mac", token: "")
            #expect(bad.status == .badRequest && bad.message.contains("is not a MAC address"))
            #expect(try await api.get("/boot/nothing", token: "").status == .notFound)
        }
    }

    @Test func anUnknownMACMakesANodeOnDemandAndAManualHostnameTakesTheMAC() async throws {
        let harness = try await APIHarness.make()
        try await harness.run { api in
            try await Self.prepare(api)
            let made = try await api.get("/boot/search/mac/52:54:00:00:00:99", token: "")
            #expect(made.text.contains("luna.node=node005"))
            let moved = try await api.get("/boot/manual/hostname/node002/52:54:00:00:00:99", token: "")
            #expect(moved.text.contains("luna.node=node002") && moved.text.contains("luna.mac=52:54:00:00:00:99"))
            let node005 = try await api.get("/config/node/node005").body?["config"]?["node"]?["node005"]
            #expect(node005?["interfaces"]?[0]?["macaddress"] == .null)
            let grouped = try await api.get("/boot/manual/group/compute-group/52:54:00:00:00:98", token: "")
            #expect(grouped.text.contains("luna.node=node003"))
        }
    }

    @Test func theFirstTPMHashIsRegisteredAndAnotherRefused() async throws {
        let harness = try await APIHarness.make()
        try await harness.run { api in
            try await Self.prepare(api)
            let first = try await Self.nodeToken(api, "node001", hash: Self.hash)
            #expect(first.status == .ok && first.body?["token"]?.stringValue != nil)
            #expect(
                try await api.get("/config/node/node001").body?["config"]?["node"]?["node001"]?["tpm_sha256"]
                    == .string(Self.hash))
            #expect(try await Self.nodeToken(api, "node001", hash: Self.hash).status == .ok)
            let forged = try await Self.nodeToken(api, "node001", hash: String(repeating: "ff", count: 32))
            #expect(forged.status == .forbidden)
            #expect(forged.message == "invalid TPM information: node node001 has another TPM registered")
            #expect(
                try await api.get("/monitor/node/node001", token: "").body?["monitor"]?["status"]?["node001"]?["state"]
                    == "install.refused")
            let incidents = try await api.get("/cluster/status").body?["incidents"]?.arrayValue ?? []
            #expect(incidents.contains { $0.stringValue?.contains("node node001 presented TPM hash") == true })
            let noLogin = try await api.post("/tpm/node001", ["tpm_sha256": .string(Self.hash)], token: "")
            #expect(noLogin.status == .unauthorized && noLogin.message == "Login Required")
            let admin = try await api.post("/tpm/node001", ["username": "luna", "password": "luna"], token: "")
            #expect(admin.status == .ok, "the admin login passes too, as luna2's did")
            let asAdmin = try await api.post("/token", Self.login, token: "")
            #expect(
                asAdmin.status == .unauthorized && asAdmin.message == "User node does not exist",
                "the node login is no admin login")
        }
    }

    @Test func aProvisionTokenReachesOnlyItsOwnNode() async throws {
        let harness = try await APIHarness.make()
        try await harness.run { api in
            try await Self.prepare(api)
            let token = try #require(try await Self.nodeToken(api, "node001").body?["token"]?.stringValue)
            let installer = try await api.get("/boot/install/node001", token: token)
            #expect(installer.status == .ok && installer.text.hasPrefix("#!/bin/bash"))
            #expect(try await api.get("/boot/install/node002", token: token).message == "Token is not valid for this node")
            let admin = try await api.get("/config/cluster", token: token)
            #expect(admin.status == .forbidden && admin.message == "Token is not permitted for this endpoint")
            let state: JSONValue = ["monitor": ["status": ["node001": ["state": "install.download"]]]]
            #expect(try await api.post("/monitor/node/node001", state, token: token).status == .noContent)
            let other: JSONValue = ["monitor": ["status": ["node002": ["state": "install.download"]]]]
            #expect(try await api.post("/monitor/node/node002", other, token: token).status == .forbidden)
            let all = try await api.get("/monitor/node", token: "").body?["monitor"]?["status"]?["node"]?["node001"]
            #expect(all?["state"] == "node001 install.download")
        }
    }

    @Test func expiredAndForgedTokensAreInvalid() async throws {
        let harness = try await APIHarness.make()
        struct Claims: JWTPayload {
            var node: String
            var scope: String
            var exp: ExpirationClaim
            func verify(using algorithm: some JWTAlgorithm) async throws {}
        }
        let forger = JWTKeyCollection()
        await forger.add(hmac: HMACKey(from: "not the cluster's secret key, not at all"), digestAlgorithm: .sha256)
        let forged = try await forger.sign(Claims(node: "node001", scope: "provision", exp: .init(value: .distantFuture)))
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: "0123456789abcdef0123456789abcdef"), digestAlgorithm: .sha256)
        let expired = try await keys.sign(
            Claims(node: "node001", scope: "provision", exp: .init(value: Date(timeIntervalSince1970: 1))))
        try await harness.run { api in
            for token in [forged, expired] {
                let reply = try await api.get("/boot/install/node001", token: token)
                #expect(reply.status == .unauthorized && reply.message == "Token is invalid")
            }
        }
    }

    @Test func aMissingValueGivesTheFailureScriptNamingIt() async throws {
        let harness = try await APIHarness.make()
        try await harness.run { api in
            let installer = try await api.get("/boot/install/node001")
            #expect(installer.status == .ok)
            #expect(installer.text.contains("kernelfile has no value"))
            #expect(installer.text.contains("exit 1"))
            #expect(
                try await api.get("/monitor/node/node001", token: "").body?["monitor"]?["status"]?["node001"]?["state"] == .null)
            let boot = try await api.get("/boot/manual/hostname/node001/52:54:00:00:00:01", token: "")
            #expect(boot.text.contains("echo Luna: kernelfile has no value"))
            #expect(try await api.get("/boot/install/node099").status == .notFound)
        }
    }

    @Test func filesAreServedWithRangesAndArchivesNeedAToken() async throws {
        let harness = try await APIHarness.make()
        try FileManager.default.createDirectory(atPath: harness.directory + "/files", withIntermediateDirectories: true)
        try "0123456789".write(toFile: harness.directory + "/files/vmlinuz", atomically: false, encoding: .utf8)
        try "archive".write(toFile: harness.directory + "/files/image.tar.gz", atomically: false, encoding: .utf8)
        try "secret".write(toFile: harness.directory + "/outside", atomically: false, encoding: .utf8)
        try await harness.run { api in
            try await Self.prepare(api)
            #expect(try await api.get("/files", token: "").body == ["image.tar.gz", "vmlinuz"])
            #expect(try await api.get("/files/vmlinuz", token: "").text == "0123456789")
            var range = HTTPFields()
            range[.range] = "bytes=2-5"
            let part = try await api.send("/files/vmlinuz", .get, nil, token: "", headers: range)
            #expect(part.status == .partialContent && part.text == "2345" && part.headers[.contentRange] == "bytes 2-5/10")
            range[.range] = "bytes=-3"
            #expect(try await api.send("/files/vmlinuz", .get, nil, token: "", headers: range).text == "789")
            range[.range] = "bytes=20-"
            #expect(try await api.send("/files/vmlinuz", .get, nil, token: "", headers: range).status == .rangeNotSatisfiable)
            #expect(try await api.get("/files/image.tar.gz", token: "").status == .unauthorized)
            let token = try #require(try await Self.nodeToken(api, "node001").body?["token"]?.stringValue)
            #expect(try await api.get("/files/image.tar.gz", token: token).text == "archive")
            #expect(try await api.get("/files/..%2Foutside", token: "").status == .badRequest)
            let unpacked = try await api.get("/files/initrd.img", token: "")
            #expect(
                unpacked.status == .notFound
                    && unpacked.message.hasSuffix(": an OS image names it: pack the image, or put the file there"))
            #expect(try await api.get("/files/unknown", token: "").status == .notFound)
        }
    }

    @Test func theInstallHookRunsWhenAStateIsRecorded() async throws {
        let harness = try await APIHarness.make()
        let plugins = harness.directory + "/plugins"
        let record = harness.directory + "/hook.out"
        try FileManager.default.createDirectory(atPath: plugins + "/hooks/install", withIntermediateDirectories: true)
        try "#!/bin/sh\necho \"$LUNA_NODE $LUNA_GROUP $LUNA_STATE\" >> \(record)\n".write(
            toFile: plugins + "/hooks/install/compute-group.sh", atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: plugins + "/hooks/install/compute-group.sh")
        let library = PluginLibrary(directory: plugins)
        let boot = BootSetup(
            renderer: harness.boot.renderer, filesDirectory: harness.directory + "/files",
            hooks: InstallHooks(plugins: library, siteFolder: nil, logger: Logger(label: "test")))
        try await harness.run(boot: boot) { api in
            let state: JSONValue = ["monitor": ["status": ["node001": ["state": "install.success"]]]]
            #expect(try await api.post("/monitor/node/node001", state).status == .noContent)
            var written = ""
            for _ in 0..<100 where !written.contains("\n") {
                try await Task.sleep(for: .milliseconds(50))
                written = (try? String(contentsOfFile: record, encoding: .utf8)) ?? ""
            }
            #expect(written == "node001 compute-group install.success\n")
        }
    }

    @Test func withClusterSecurityANodeWithoutATPMNeedsItsNodeSecret() async throws {
        let harness = try await APIHarness.make()
        try await harness.run { api in
            #expect(try await api.post("/config/cluster", ["config": ["cluster": ["security": true]]]).status == .noContent)
            let none = try await Self.nodeToken(api, "node001")
            #expect(
                none.status == .forbidden
                    && none.message.contains("give node node001 a TPM or a node secret named luna-node-secret"))
            let secret: JSONValue = [
                "config": [
                    "secrets": [
                        "node": ["node001": [["name": "luna-node-secret", "content": "s3cret", "path": "/etc/luna/node.secret"]]]
                    ]
                ]
            ]
            #expect(try await api.post("/config/secrets/node/node001", secret).status == .created)
            var body = Self.login.objectValue!
            body["node_secret"] = "wrong"
            let wrong = try await api.post("/tpm/node001", .object(body), token: "")
            #expect(wrong.status == .forbidden && wrong.message == "invalid node secret for node node001")
            body["node_secret"] = "s3cret"
            #expect(try await api.post("/tpm/node001", .object(body), token: "").status == .ok)
            #expect(try await Self.nodeToken(api, "node002", hash: Self.hash).status == .ok, "a TPM is enough")
        }
    }

    @Test func rolesScriptsSwitchRecipesAndKickstartAreServed() async throws {
        let harness = try await APIHarness.make()
        try await harness.run { api in
            try await Self.prepare(api)
            let token = try #require(try await Self.nodeToken(api, "node001").body?["token"]?.stringValue)
            let role = try await api.get("/boot/roles/slurm", token: token).body?["role"]?["slurm"]
            let unit = try #require(role?["unit"]?.stringValue.flatMap { Data(base64Encoded: $0) })
            #expect(String(decoding: unit, as: UTF8.self).contains("/usr/local/roles/slurm"))
            let scripts = try await api.get("/boot/scripts/diskfull", token: token).body?["script"]?["diskfull"]
            let part = try #require(scripts?["partscript"]?.stringValue.flatMap { Data(base64Encoded: $0) })
            #expect(String(decoding: part, as: UTF8.self).contains("mkfs"))
            #expect(
                try await api.post("/config/switch/switch01", envelope("switch", "switch01", ["comment": "top"])).status
                    == .created)
            let recipe = try await api.get("/boot/switch/switch01", token: "")
            #expect(
                recipe.body?["ztp"]?["03-provisioning-script"]?["plugin"]?["url"]
                    == "http://10.141.255.254:7050/boot/switch/switch01/commands")
            #expect(try await api.get("/boot/switch/switch01/commands", token: "").text.contains("hostname switch01"))
            #expect(try await api.get("/boot/switch/nosuch", token: "").status == .notFound)
            let image = envelope("osimage", "compute-image", ["imagefile": "kickstart", "path": "http://mirror/rocky/9"])
            #expect(try await api.post("/config/osimage/compute-image", image).status == .noContent)
            let kickstart = try await api.get("/kickstart/install/node001", token: "")
            #expect(
                kickstart.text.contains("url --url=http://mirror/rocky/9")
                    && kickstart.text.contains("network --device=52:54:00:00:00:01"))
            #expect(
                try await api.get("/boot/search/mac/52:54:00:00:00:01", token: "").text.contains(
                    "inst.ks=http://10.141.255.254:7050/kickstart/install/node001"))
        }
    }
}
