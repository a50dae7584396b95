import Foundation
import LunaLog
import LunaModel
import Testing

/// A whole-cluster backup and its restore through the log.
struct ExportImportTests {
    @Test func anExportRestoresTheClusterAsItWas() async throws {
        let harness = try await APIHarness.make()
        let path = harness.directory + "/log/events.lunalog"
        try await harness.run { api in
            let secret: JSONValue = [
                "config": ["secrets": ["node": ["node001": [["name": "k", "content": "clearvalue", "path": "/k"]]]]]
            ]
            _ = try await api.post("/config/secrets/node/node001", secret)
            let export = try #require(try await api.get("/config/cluster/export").body)
            #expect(export["luna_export"] == 1)
            #expect(export["tables"]?["controller"] == nil, "the controllers are not part of a backup")
            #expect(export["tables"]?["nodesecret"]?["node001/k"]?["content"] == "clearvalue")
            #expect(export["tables"]?["bmcsetup"]?["default-bmcsetup"]?["password"] == "P@ssword!")

            _ = try await api.get("/config/node/node002/_delete")
            _ = try await api.post("/config/node/node900", envelope("node", "node900", ["group": "compute-group"]))
            let restored = try await api.post("/config/cluster/import", export)
            #expect(restored.status == .created)
            #expect(restored.message == "Successfully imported config")
            #expect(try await api.get("/config/node/node002").status == .ok)
            #expect(try await api.get("/config/node/node900").status == .notFound)
            let shown = try await api.get("/config/secrets/node/node001/k")
            #expect(shown.body?["config"]?["secrets"]?["node"]?["node001"]?[0]?["content"] == "clearvalue")
            let again = try #require(try await api.get("/config/cluster/export").body)
            #expect(again == export)
            let events = try LogScanner(path: path).scan([UInt8](Data(contentsOf: URL(fileURLWithPath: path)))).events
            let written = try #require(events.last { $0.intent == "Cluster.import" })
            #expect(!written.payload.canonicalText.contains("clearvalue"), "secrets are sealed in the log")
        }
    }

    @Test func aRestoreThatIsNotWholeIsRefusedAndChangesNothing() async throws {
        try await APIHarness.make().run { api in
            #expect(try await api.post("/config/cluster/import", ["tables": [:]]).status == .badRequest)
            let orphan: JSONValue = ["luna_export": 1, "tables": ["nodeinterface": ["node777/BOOTIF": ["network": "cluster"]]]]
            let refused = try await api.post("/config/cluster/import", orphan)
            #expect(refused.status == .badRequest)
            #expect(refused.message.contains("belongs to no node"))
            let homeless: JSONValue = ["luna_export": 1, "tables": ["node": ["n1": ["group": "nogroup"]]]]
            #expect(try await api.post("/config/cluster/import", homeless).status == .badRequest)
            #expect(try await api.get("/config/node/node001").status == .ok, "nothing was written")
        }
    }
}
