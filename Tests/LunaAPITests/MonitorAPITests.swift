import LunaModel
import Testing

/// luna2's monitor and HA views, answered from the controller's own state, and the
/// controller-to-controller routes Luna replaces.
struct MonitorAPITests {
    @Test func statusListsTheLinesOfEachRequest() async throws {
        try await APIHarness.make().run { api in
            _ = try await api.post("/config/node/node001", envelope("node", "node001", ["comment": "x"]))
            let status = try await api.get("/monitor/status")
            let lines = try #require(status.body?["monitor"]?["status"]?.arrayValue)
            let line = try #require(
                lines.last { $0["message"]?.stringValue?.hasPrefix("Node.update node001: applied as event") == true })
            #expect(line["username_initiator"] == "admin")
            #expect(line["request_id"]?.stringValue?.isEmpty == false)
            let queue = try await api.get("/monitor/queue")
            #expect(queue.body?["monitor"]?["queue"] == .array([]), "no background work runs now")
        }
    }

    @Test func haAndMotherReportReplicationAndCompaction() async throws {
        try await APIHarness.make().run { api in
            let ha = try await api.get("/monitor/ha", token: "")
            #expect(ha.body?["monitor"]?["status"]?["ha"]?["controller"]?["status"] == "200")
            #expect(try await api.get("/monitor/ha/controller").status == .ok)
            #expect(try await api.get("/monitor/ha/c9").message == "no entries found")
            let mother = try await api.get("/monitor/mother")
            let compaction = mother.body?["monitor"]?["status"]?["mother"]?["compaction"]?["state"]?.stringValue
            #expect(compaction?.hasPrefix("compaction:") == true)
            #expect(try await api.get("/monitor/osimage").status == .notFound)
            let controllers = try await api.get("/ha/controllers")
            #expect(controllers.body?["message"]?["controller"]?["ha"]?["insync"] == true)
            #expect(controllers.body?["message"]?["controller"]?["config"]?["beacon"] == true)
        }
    }

    @Test func luna2sControllerToControllerRoutesSayWhatReplacesThem() async throws {
        try await APIHarness.make().run { api in
            for path in ["/journal", "/journal/c2", "/table/hashes", "/table/data/node"] {
                let reply = try await api.get(path)
                #expect(reply.status == .gone, "\(path)")
                #expect(reply.message.contains("its own event log over mutual TLS"))
            }
            #expect(try await api.post("/journal", ["journal": []]).status == .gone)
            #expect(try await api.get("/journal", token: "").status == .unauthorized)
        }
    }
}
