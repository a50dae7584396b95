import LunaModel
import Testing

/// Routes, DNS records and clouds through the API, as luna2-cli drives them.
struct NetworkServiceAPITests {
    @Test func routesAreCatalogued_Coupled_RenamedAndRemoved() async throws {
        try await APIHarness.make().run { api in
            #expect(try await api.get("/config/route").message == "No routes are available")
            let create = envelope("route", "r1", ["destination": "10.200.0.0/16", "gateway": "10.141.255.254"])
            #expect(try await api.post("/config/route/r1", create).status == .created)
            #expect(try await api.post("/config/route/r1", envelope("route", "r1", ["metric": "50"])).status == .noContent)
            #expect(try await api.get("/config/route/r1/group/compute-group/_couple").status == .created)
            let shown = try await api.get("/config/route/r1")
            #expect(shown.body?["config"]?["route"]?["r1"]?["metric"] == 50)
            #expect(shown.body?["config"]?["route"]?["r1"]?["assigned"] == "group/compute-group")
            #expect(shown.body?["config"]?["route"]?["r1"]?["name"] == "r1")
            #expect(try await api.get("/config/route/r1/_delete").status == .badRequest)
            #expect(try await api.get("/config/route/r1/group/compute-group/_decouple").status == .created)
            #expect(try await api.post("/config/route/r1", envelope("route", "r1", ["newname": "r2"])).status == .noContent)
            #expect(try await api.get("/config/route/r2/_delete").status == .noContent)
            #expect(try await api.get("/config/route/r2").status == .notFound)
            #expect(try await api.post("/config/route/r9/_clone", envelope("route", "r9", [:])).status == .notFound)
        }
    }

    @Test func dnsRecordsOfANetwork() async throws {
        try await APIHarness.make().run { api in
            #expect(try await api.get("/config/dns/cluster").message == "No entries for network cluster")
            let add: JSONValue = ["config": ["dns": ["cluster": [["host": "nas", "ipaddress": "10.141.250.1"]]]]]
            let added = try await api.post("/config/dns/cluster", add)
            #expect(added.status == .created)
            #expect(added.message == "DNS entries added or changed")
            let list = try await api.get("/config/dns/cluster")
            #expect(list.body?["config"]?["dns"]?["cluster"]?[0]?["ipaddress"] == "10.141.250.1")
            #expect(try await api.get("/config/dns/cluster/nas/_delete").status == .noContent)
            #expect(
                try await api.get("/config/dns/cluster/nas/_delete").status == .noContent, "luna2: 204 even when nothing went")
            #expect(try await api.get("/config/dns/nosuchnet/nas/_delete").status == .notFound)
            #expect(try await api.post("/config/dns/cluster", ["config": ["dns": ["cluster": "nas"]]]).status == .badRequest)
        }
    }

    @Test func cloudsAreObjectsNodesName() async throws {
        try await APIHarness.make().run { api in
            let none = try await api.get("/config/cloud")
            #expect(none.message == "No Cloud is available")
            let created = try await api.post("/config/cloud/aws", envelope("cloud", "aws", ["type": "aws"]))
            #expect(created.status == .created)
            let named = try await api.post("/config/node/node001", envelope("node", "node001", ["cloud": "aws"]))
            #expect(named.status == .noContent)
            #expect(try await api.get("/config/cloud/aws/_delete").status == .badRequest)
            let shown = try await api.get("/config/cloud/aws")
            #expect(shown.body?["config"]?["cloud"]?["aws"]?["type"] == "aws")
        }
    }

    @Test func pathParametersArePercentDecodedBeforeTheyAreChecked() async throws {
        try await APIHarness.make().run { api in
            #expect(try await api.get("/config/node/node%30%30%31").status == .ok)
            let refused = try await api.get("/config/node/node%5B001-002%5D")
            #expect(refused.status == .badRequest)
            #expect(refused.message.hasPrefix("Incorrect Naming convention with name node[001-002]"))
            #expect(try await api.get("/config/node/node001/interfaces/B%20D").status == .badRequest)
        }
    }

    @Test func anImageUpdateMaySetItsTag() async throws {
        try await APIHarness.make().run { api in
            let change = envelope("osimage", "compute-image", ["name": "compute-image", "tag": "v1"])
            let changed = try await api.post("/config/osimage/compute-image", change)
            #expect(changed.status == .noContent)
            let tags = try await api.get("/config/osimagetag/compute-image")
            #expect(tags.body?["config"]?["osimagetag"]?["v1"] != nil)
            let image = try await api.get("/config/osimage/compute-image")
            #expect(image.body?["config"]?["osimage"]?["compute-image"]?["tag"] == "v1")
        }
    }

    @Test func aSecretCloneWithContentFalseKeepsTheSourceContent() async throws {
        try await APIHarness.make().run { api in
            let item: JSONValue = ["name": "key1", "content": "c2VjcmV0", "path": "/etc/key1"]
            _ = try await api.post(
                "/config/secrets/group/compute-group", ["config": ["secrets": ["group": ["compute-group": [item]]]]])
            let clone: JSONValue = ["name": "key1", "newsecretname": "key2", "content": false, "path": "/etc/key2"]
            let cloned = try await api.post(
                "/config/secrets/group/compute-group/key1/_clone", ["config": ["secrets": ["group": ["compute-group": [clone]]]]])
            #expect(cloned.status == .created)
            let shown = try await api.get("/config/secrets/group/compute-group/key2")
            #expect(shown.body?["config"]?["secrets"]?["group"]?["compute-group"]?[0]?["content"] == "c2VjcmV0")
            #expect(shown.body?["config"]?["secrets"]?["group"]?["compute-group"]?[0]?["path"] == "/etc/key2")
        }
    }
}

/// OS users and groups through luna2's osuser and osgroup routes.
struct OSAccountAPITests {
    @Test func usersAndGroupsAreCreatedShownAndRemoved() async throws {
        try await APIHarness.make().run { api in
            let none = try await api.get("/config/osuser")
            #expect(none.status == .notFound)
            #expect(none.message == "No users available")
            let group = try await api.post("/config/osgroup/hpc", envelope("osgroup", "hpc", ["gidNumber": 2000]))
            #expect(group.status == .created)
            let user = try await api.post(
                "/config/osuser/alice",
                envelope("osuser", "alice", ["groupname": "hpc", "memberOf": "hpc", "userPassword": "pw"]))
            #expect(user.status == .created)
            let shown = try await api.get("/config/osuser/alice")
            #expect(shown.body?["config"]?["osuser"]?["alice"]?["uidNumber"] == 1000)
            #expect(shown.body?["config"]?["osuser"]?["alice"]?["userPassword"] == "pw")
            let members = try await api.get("/config/osgroup/hpc")
            #expect(members.body?["config"]?["osgroup"]?["hpc"]?["member"] == "alice")
            #expect(try await api.get("/config/osgroup/hpc/_delete").status == .badRequest)
            #expect(try await api.get("/config/osuser/alice/_delete").status == .noContent)
            #expect(try await api.get("/config/osgroup/hpc/_delete").status == .noContent)
        }
    }
}
