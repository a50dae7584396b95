import LunaModel
import Testing

/// luna2's `/ha` routes on a controller alone: it is the master.
struct HARouteTests {
    @Test func aControllerAloneIsTheMasterAndCanBeSetSo() async throws {
        try await APIHarness.make(name: "controller").run { client in
            let state = try await client.get("/ha/state")
            #expect(state.body?["ha"]?["master"] == true)
            #expect(state.body?["ha"]?["shadow"] == false)
            let master = try await client.get("/ha/master")
            #expect(master.status == .ok)
            #expect(master.body?["message"] == true)
            let set = try await client.get("/ha/master/_set")
            #expect(set.status == .ok)
            #expect(set.message == "current role set to master")
        }
    }

    @Test func aControllerTheViewsDoNotNameIsNotTheMaster() async throws {
        try await APIHarness.make(name: "stranger").run { client in
            let master = try await client.get("/ha/master")
            #expect(master.status == .notFound)
            #expect(master.body?["message"] == false)
            let waiting = try await client.get("/ha/master/_set")
            #expect(waiting.status == .serviceUnavailable, "it waits for the controller the views name, which never answers")
            #expect(try await client.get("/ha/overrule/_set").status == .noContent)
            let set = try await client.get("/ha/master/_set")
            #expect(set.status == .notFound)
            #expect(set.message == "Controller stranger not found")
        }
    }
}
