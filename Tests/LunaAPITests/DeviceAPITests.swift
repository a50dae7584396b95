import LunaModel
import Testing

/// The other resources through their routes: switches and other devices with an
/// address, racks and what sits in them, OS image tags, BMC setup members, the cluster.
struct DeviceAPITests {
    @Test func switchesAndOtherDevicesHoldAnAddress() async throws {
        try await APIHarness.make().run { api in
            let created = try await api.post(
                "/config/switch/switch01",
                envelope("switch", "switch01", ["network": "ipmi", "oid": ".1.3.6.1.2.1.17.7.1.2.2.1.2"]))
            #expect(created.status == .created)
            #expect(created.message == "Switch switch01 created successfully")
            let shown = try await api.get("/config/switch/switch01")
            #expect(shown.body?["config"]?["switch"]?["switch01"]?["ipaddress"] == "10.148.0.5")
            #expect(
                try await api.post(
                    "/config/otherdev/pdu01", envelope("otherdev", "pdu01", ["network": "ipmi", "ipaddress": "10.148.0.5"])
                ).status == .badRequest)
            #expect(
                try await api.post(
                    "/config/otherdev/pdu01", envelope("otherdev", "pdu01", ["network": "ipmi", "ipaddress": "10.148.9.9"])
                ).status == .created)
            let cloned = try await api.post(
                "/config/switch/switch01/_clone", envelope("switch", "switch01", ["newswitchname": "switch02"]))
            #expect(cloned.status == .created)
            #expect(
                try await api.get("/config/switch/switch02").body?["config"]?["switch"]?["switch02"]?["ipaddress"] == "10.148.0.6"
            )
            #expect(try await api.get("/config/otherdev/pdu01/_delete").status == .noContent)
            #expect(
                try await api.get("/config/network/ipmi/10.148.9.9").body?["config"]?["network"]?["10.148.9.9"]?["status"]
                    == "free")
        }
    }

    @Test func racksAndTheirInventory() async throws {
        try await APIHarness.make().run { api in
            #expect(
                try await api.post("/config/rack/rack01", envelope("rack", "rack01", ["size": 42, "room": "hall a"])).status
                    == .created)
            let place: JSONValue = [
                "config": [
                    "rack": ["inventory": [["rack": "rack01", "name": "node001", "type": "node", "position": 10, "height": 2]]]
                ]
            ]
            #expect(try await api.post("/config/rack/inventory", place).status == .created)
            let overlap: JSONValue = [
                "config": ["rack": ["inventory": [["rack": "rack01", "name": "node002", "type": "node", "position": 11]]]]
            ]
            let refused = try await api.post("/config/rack/inventory", overlap)
            #expect(refused.status == .badRequest)
            #expect(refused.message == "Invalid request: units 11-11 of rack rack01 (front) are taken by node:node001")
            let half: JSONValue = [
                "config": [
                    "rack": [
                        "inventory": [
                            ["rack": "rack01", "name": "node003", "type": "node", "position": 30],
                            ["rack": "rack01", "name": "node004", "type": "node", "position": 10],
                        ]
                    ]
                ]
            ]
            #expect(try await api.post("/config/rack/inventory", half).status == .badRequest)
            let placedNow = try await api.get("/config/rack/inventory/configured")
            #expect(
                placedNow.body?["config"]?["rack"]?["inventory"]?.arrayValue?.count == 1, "all or none: node003 is not placed")
            let inventory = try await api.get("/config/rack/inventory")
            #expect(inventory.body?["config"]?["rack"]?["inventory"]?[0]?["rack"] == "rack01")
            #expect(inventory.body?["config"]?["rack"]?["inventory"]?[1]?["name"] == "node002", "unplaced devices are listed too")
            let placed = try await api.get("/config/rack/inventory/configured")
            #expect(placed.body?["config"]?["rack"]?["inventory"]?.arrayValue?.count == 1)
            #expect(placed.body?["config"]?["rack"]?["inventory"]?[0]?["position"] == 10)
            let unplaced = try await api.get("/config/rack/inventory/unconfigured")
            #expect(unplaced.body?["config"]?["rack"]?["inventory"]?.arrayValue?.contains { $0["name"] == "node001" } == false)
            #expect(try await api.get("/config/rack/inventory/sideways").status == .badRequest)
            #expect(try await api.get("/config/rack/inventory/node001/type/node/_delete").status == .noContent)
            #expect(try await api.get("/config/rack/rack01/_delete").status == .noContent)
        }
    }

    @Test func osImageTagsAndMembers() async throws {
        try await APIHarness.make().run { api in
            // luna2 answers a tag with 204, new or moved, as luna2-cli expects.
            #expect(
                try await api.post("/config/osimage/compute-image/tag", envelope("osimage", "compute-image", ["tag": "v1"]))
                    .status == .noContent)
            let tags = try await api.get("/config/osimagetag")
            #expect(tags.body?["config"]?["osimagetag"]?["v1"]?["osimage"] == "compute-image")
            #expect(
                try await api.post("/config/node/node001", envelope("node", "node001", ["osimagetag": "v1"])).status == .noContent
            )
            // The name is the image's, the entries are keyed by tag, with who pins them.
            let imageTags = try await api.get("/config/osimagetag/compute-image")
            #expect(imageTags.body?["config"]?["osimagetag"]?["v1"]?["nodes"] == "node001")
            #expect(try await api.get("/config/osimagetag/v1").status == .notFound)
            let inUse = try await api.get("/config/osimage/compute-image/osimagetag/v1/_delete")
            #expect(inUse.status == .badRequest)
            let members = try await api.get("/config/osimage/compute-image/_member")
            #expect(members.body?["config"]?["osimage"]?["compute-image"]?["members"]?.arrayValue?.count == 4)
            let bmc = try await api.get("/config/bmcsetup/default-bmcsetup/_member")
            #expect(bmc.body?["config"]?["bmcsetup"]?["default-bmcsetup"]?["members"]?[0] == "node001")
            let inUseImage = try await api.get("/config/osimage/compute-image/_delete")
            #expect(inUseImage.status == .badRequest)
            #expect(
                inUseImage.message.hasPrefix("Invalid request: osimage compute-image currently in use by group compute-group"))
        }
    }

    @Test func anImageCloneAnswersWithARequestToFollow() async throws {
        try await APIHarness.make().run { api in
            let clone = try await api.post(
                "/config/osimage/compute-image/_clone",
                envelope("osimage", "compute-image", ["newosimage": "copy", "nocopy": true, "bare": true]))
            #expect(clone.status == .ok)
            #expect(clone.body?["request_id"]?.stringValue?.isEmpty == false)
            #expect(try await api.get("/config/osimage/copy").status == .ok)
            let refused = try await api.post(
                "/config/osimage/compute-image/_clone",
                envelope("osimage", "compute-image", ["newosimage": "x", "bare": "maybe"]))
            #expect(refused.status == .badRequest)
            #expect(try await api.get("/config/osimage/x").status == .notFound)
        }
    }

    @Test func clusterSettings() async throws {
        try await APIHarness.make().run { api in
            let cluster = try await api.get("/config/cluster")
            #expect(cluster.body?["config"]?["cluster"]?["name"] == "mycluster")
            // luna2's shape: the beacon controller flat under `controller` (luna2-cli reads
            // every object value of the cluster as a controller).
            #expect(cluster.body?["config"]?["cluster"]?["controller"]?["ipaddress"] == "10.141.255.254")
            #expect(cluster.body?["config"]?["cluster"]?["controller"]?["hostname"] == "controller")
            #expect(cluster.body?["config"]?["cluster"]?["controller"]?["beacon"] == nil)
            let same = try await api.post("/config/cluster", ["config": ["cluster": ["name": "mycluster"]]])
            #expect(same.status == .created)
            #expect(same.message == "No changes made")
            #expect(try await api.post("/config/cluster", ["config": ["cluster": ["debug": true]]]).status == .noContent)
            #expect(try await api.post("/config/cluster", ["config": ["cluster": ["debug": "sometimes"]]]).status == .badRequest)
            #expect(try await api.get("/config/nosuchthing").status == .notFound)
        }
    }
}
