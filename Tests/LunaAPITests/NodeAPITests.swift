import Foundation
import LunaLog
import LunaModel
import Testing

struct NodeAPITests {
    @Test func nodeLifecycleThroughTheAPI() async throws {
        try await APIHarness.make().run { api in
            let created = try await api.post("/config/node/node100", envelope("node", "node100", ["group": "compute-group"]))
            #expect(created.status == .created)
            #expect(created.message == "Node node100 created successfully")

            let shown = try await api.get("/config/node/node100")
            #expect(shown.status == .ok)
            let node = try #require(shown.body?["config"]?["node"]?["node100"])
            #expect(node["_osimage_source"] == "group")
            #expect(node["netboot"] == "True")
            let interfaces = node["interfaces"]?.arrayValue ?? []
            #expect(interfaces.count == 2)
            #expect(interfaces.contains { $0["interface"] == "BOOTIF" && $0["ipaddress"] == "10.141.0.5" })

            let changed = try await api.post(
                "/config/node/node100", envelope("node", "node100", ["netboot": false, "comment": "it's fine"]))
            #expect(changed.status == .noContent)
            let after = try await api.get("/config/node/node100")
            #expect(after.body?["config"]?["node"]?["node100"]?["_netboot_source"] == "node")
            #expect(after.body?["config"]?["node"]?["node100"]?["comment"] == "it's fine")
            #expect(after.body?["config"]?["node"]?["node100"]?["_override"] == true)

            let renamed = try await api.post("/config/node/node100", envelope("node", "node100", ["newnodename": "node200"]))
            #expect(renamed.status == .noContent)
            #expect(try await api.get("/config/node/node100").status == .notFound)

            let cloned = try await api.post(
                "/config/node/node200/_clone", envelope("node", "node200", ["newnodename": "node201"]))
            #expect(cloned.status == .created)
            let clone = try await api.get("/config/node/node201/interfaces/BOOTIF")
            #expect(clone.body?["config"]?["node"]?["node201"]?["interfaces"]?.arrayValue?.first?["ipaddress"] == "10.141.0.6")

            #expect(try await api.get("/config/node/node200/_delete").status == .noContent)
            let gone = try await api.get("/config/node/node200")
            #expect(gone.status == .notFound)
            #expect(gone.message == "Node node200 is not available")
            #expect(try await api.get("/config/node/node200/_delete").status == .notFound)
        }
    }

    @Test func interfacesAndNetworkAddresses() async throws {
        try await APIHarness.make().run { api in
            let set = try await api.post(
                "/config/node/node001/interfaces",
                envelope(
                    "node", "node001",
                    ["interfaces": [["interface": "BOOTIF", "macaddress": "52-54-00-AA-BB-CC", "ipaddress": "10.141.3.3"]]]))
            #expect(set.status == .noContent)
            let shown = try await api.get("/config/node/node001/interfaces/BOOTIF")
            let item = shown.body?["config"]?["node"]?["node001"]?["interfaces"]?.arrayValue?.first
            #expect(item?["macaddress"] == "52:54:00:aa:bb:cc")
            #expect(item?["ipaddress"] == "10.141.3.3")

            let taken = try await api.get("/config/network/cluster/10.141.3.3")
            #expect(taken.body?["config"]?["network"]?["10.141.3.3"]?["status"] == "taken")
            let duplicate = try await api.post(
                "/config/node/node002/interfaces",
                envelope("node", "node002", ["interfaces": [["interface": "BOOTIF", "macaddress": "52:54:00:aa:bb:cc"]]]))
            #expect(duplicate.status == .badRequest)
            #expect(duplicate.message.contains("already in use by node001/BOOTIF"))

            let members = try await api.get("/config/network/cluster/_member")
            let devices = members.body?["config"]?["network"]?["cluster"]?["taken"]?.arrayValue?.compactMap {
                $0["device"]?.stringValue
            }
            #expect(devices?.contains("controller") == true)
            #expect(devices?.contains("node001") == true)
            #expect(
                try await api.get("/config/network/cluster/_nextfreeip").body?["config"]?["network"]?["cluster"]?["nextip"]
                    == "10.141.0.1")

            #expect(try await api.get("/config/node/node001/interfaces/BMC/_delete").status == .noContent)
            #expect(try await api.get("/config/node/node001/interfaces/BMC").status == .notFound)
        }
    }

    @Test func groupsMembersAndInheritance() async throws {
        try await APIHarness.make().run { api in
            let members = try await api.get("/config/group/compute-group/_member")
            #expect(
                members.body?["config"]?["group"]?["compute-group"]?["members"] == ["node001", "node002", "node003", "node004"])
            let inUse = try await api.get("/config/group/compute-group/_delete")
            #expect(inUse.status == .badRequest)
            #expect(inUse.message.hasPrefix("Invalid request: group compute-group currently in use by node001"))

            #expect(
                try await api.post(
                    "/config/osimage/compute-image", envelope("osimage", "compute-image", ["kerneloptions": "quiet"])
                ).status == .noContent)
            #expect(
                try await api.post(
                    "/config/group/compute-group", envelope("group", "compute-group", ["provision_method": "http"])
                ).status == .noContent)
            let node = try await api.get("/config/node/node001")
            let fields = node.body?["config"]?["node"]?["node001"]
            #expect(fields?["kerneloptions"] == "quiet")
            #expect(fields?["_kerneloptions_source"] == "osimage")
            #expect(fields?["provision_method"] == "http")
            #expect(fields?["_provision_method_source"] == "group")
            #expect(fields?["provision_fallback"] == "http")
            #expect(fields?["_provision_fallback_source"] == "cluster")
        }
    }

    @Test func secretsAreSealedInTheLogAndOpenedForTheAdmin() async throws {
        let harness = try await APIHarness.make()
        let path = harness.directory + "/log/events.lunalog"
        try await harness.run { api in
            let body: JSONValue = [
                "config": [
                    "secrets": ["node": ["node001": [["name": "key1", "content": "topsecretvalue", "path": "/etc/key1"]]]]
                ]
            ]
            #expect(try await api.post("/config/secrets/node/node001", body).status == .created)
            let shown = try await api.get("/config/secrets/node/node001/key1")
            #expect(shown.body?["config"]?["secrets"]?["node"]?["node001"]?[0]?["content"] == "topsecretvalue")
            let events = try LogScanner(path: path).scan([UInt8](Data(contentsOf: URL(fileURLWithPath: path)))).events
            let written = try #require(events.last { $0.intent == "Secret.node.update" })
            #expect(!written.payload.canonicalText.contains("topsecretvalue"))
            #expect(written.payload.canonicalText.contains("enc:v1:"))
        }
    }

    @Test func aClonedSecretTakesTheNewPathAndContentItCarries() async throws {
        let harness = try await APIHarness.make()
        let path = harness.directory + "/log/events.lunalog"
        try await harness.run { api in
            let item: JSONValue = ["name": "key1", "content": "first", "path": "/etc/key1"]
            #expect(
                try await api.post("/config/secrets/node/node001", ["config": ["secrets": ["node": ["node001": [item]]]]]).status
                    == .created)
            let clone: JSONValue = ["name": "key1", "newsecretname": "key2", "path": "/etc/key2", "content": "second"]
            let cloned = try await api.post(
                "/config/secrets/node/node001/key1/_clone", ["config": ["secrets": ["node": ["node001": [clone]]]]])
            #expect(cloned.status == .created)
            let shown = try await api.get("/config/secrets/node/node001/key2")
            #expect(shown.body?["config"]?["secrets"]?["node"]?["node001"]?[0]?["path"] == "/etc/key2")
            #expect(shown.body?["config"]?["secrets"]?["node"]?["node001"]?[0]?["content"] == "second")
            let plain: JSONValue = ["name": "key1", "newsecretname": "key3"]
            #expect(
                try await api.post(
                    "/config/secrets/node/node001/key1/_clone", ["config": ["secrets": ["node": ["node001": [plain]]]]]
                )
                .status == .created)
            let kept = try await api.get("/config/secrets/node/node001/key3")
            #expect(kept.body?["config"]?["secrets"]?["node"]?["node001"]?[0]?["path"] == "/etc/key1")
            let events = try LogScanner(path: path).scan([UInt8](Data(contentsOf: URL(fileURLWithPath: path)))).events
            #expect(!events.contains { $0.payload.canonicalText.contains("second") }, "the clone's content is sealed too")
        }
    }
}

/// A node shown twice is served from the render cache; a change anywhere (here its group)
/// shows at once.
struct RenderCacheTests {
    @Test func aChangeToWhatANodeInheritsShowsAtOnce() async throws {
        try await APIHarness.make().run { api in
            let before = try await api.get("/config/node/node001")
            #expect(try await api.get("/config/node/node001").body == before.body)
            let change = envelope("group", "compute-group", ["kerneloptions": "quiet"])
            #expect(try await api.post("/config/group/compute-group", change).status == .noContent)
            let after = try await api.get("/config/node/node001")
            #expect(after.body?["config"]?["node"]?["node001"]?["kerneloptions"] == "quiet")
            #expect(after.body?["config"]?["node"]?["node001"]?["_kerneloptions_source"] == "group")
        }
    }
}
