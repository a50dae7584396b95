import LunaModel
import Testing

/// Bad input to every write endpoint: 400 with a sentence, and nothing written.
struct BadInputTests {
    /// (path, envelope kind, name in the body, a valid-looking field set)
    static let endpoints: [(path: String, kind: String, name: String, fields: JSONValue)] = [
        ("/config/node/node001", "node", "node001", ["comment": "x"]),
        ("/config/node/node001/_clone", "node", "node001", ["newnodename": "node900"]),
        ("/config/node/node001/interfaces", "node", "node001", ["interfaces": [["interface": "eth1", "network": "cluster"]]]),
        ("/config/group/compute-group", "group", "compute-group", ["comment": "x"]),
        (
            "/config/group/compute-group/interfaces", "group", "compute-group",
            ["interfaces": [["interface": "ib0", "network": "ib"]]]
        ),
        ("/config/network/cluster", "network", "cluster", ["comment": "x"]),
        ("/config/osimage/compute-image", "osimage", "compute-image", ["comment": "x"]),
        ("/config/osimage/compute-image/tag", "osimage", "compute-image", ["tag": "t1"]),
        ("/config/bmcsetup/default-bmcsetup", "bmcsetup", "default-bmcsetup", ["comment": "x"]),
        ("/config/switch/switch01", "switch", "switch01", ["comment": "x"]),
        ("/config/otherdev/pdu01", "otherdev", "pdu01", ["comment": "x"]),
        ("/config/rack/rack01", "rack", "rack01", ["comment": "x"]),
    ]

    @Test(arguments: endpoints.map(\.path))
    func malformedInputIsRefusedAndNothingIsWritten(path: String) async throws {
        let endpoint = Self.endpoints.first { $0.path == path }!
        let harness = try await APIHarness.make()
        let before = await harness.controller.appliedClock
        try await harness.run { api in
            let malformed = try await api.post(path, raw: #"{"config": {"#)
            #expect(malformed.status == .badRequest)
            #expect(malformed.message.hasPrefix("data is not valid json"))

            let misplaced = try await api.post(path, envelope(endpoint.kind, "someone-else", endpoint.fields))
            #expect(misplaced.status == .badRequest)
            #expect(misplaced.message.hasPrefix("data structure incomplete or incorrect"))

            let unknown = try await api.post(
                path, envelope(endpoint.kind, endpoint.name, merge(endpoint.fields, ["nosuchfield": "1"])))
            #expect(unknown.status == .badRequest, "\(unknown.message)")
            #expect(
                unknown.message.contains("Columns are incorrect") || unknown.message.contains("no field"), "\(unknown.message)")

            let wrongType = try await api.post(
                path, envelope(endpoint.kind, endpoint.name, merge(endpoint.fields, ["comment": ["not", "text"]])))
            #expect(wrongType.status == .badRequest, "\(wrongType.message)")
        }
        #expect(await harness.controller.appliedClock == before)
    }

    /// The writes whose bodies are not one object under config:<kind>:<name>.
    static let otherShapes: [(path: String, valid: JSONValue, unknown: JSONValue, wrongType: JSONValue)] = [
        (
            "/config/cluster", ["config": ["cluster": ["debug": true]]], ["config": ["cluster": ["nosuchfield": "1"]]],
            ["config": ["cluster": ["debug": ["yes"]]]]
        ),
        (
            "/config/secrets/node/node001", ["config": ["secrets": ["node": ["node001": [["name": "k", "content": "c"]]]]]],
            ["config": ["secrets": ["node": ["node001": [["name": "k", "content": "c", "mode": "0600"]]]]]],
            ["config": ["secrets": ["node": ["node001": [["name": "k", "content": 5]]]]]]
        ),
        (
            "/config/rack/inventory",
            ["config": ["rack": ["inventory": [["rack": "r1", "name": "node001", "type": "node", "position": 1]]]]],
            [
                "config": [
                    "rack": ["inventory": [["rack": "r1", "name": "node001", "type": "node", "position": 1, "colour": "red"]]]
                ]
            ],
            ["config": ["rack": ["inventory": [["rack": "r1", "name": "node001", "type": "node", "position": "top"]]]]]
        ),
    ]

    @Test(arguments: otherShapes.map(\.path))
    func otherWritesRefuseBadInputToo(path: String) async throws {
        let shape = Self.otherShapes.first { $0.path == path }!
        let harness = try await APIHarness.make()
        let before = await harness.controller.appliedClock
        try await harness.run { api in
            #expect(try await api.post(path, raw: "{not json").message.hasPrefix("data is not valid json"))
            #expect(try await api.post(path, ["config": ["other": shape.valid]]).status == .badRequest)
            let unknown = try await api.post(path, shape.unknown)
            #expect(unknown.status == .badRequest)
            #expect(unknown.message.contains("Columns are incorrect"), "\(unknown.message)")
            let wrongType = try await api.post(path, shape.wrongType)
            #expect(wrongType.status == .badRequest, "\(wrongType.message)")
        }
        #expect(await harness.controller.appliedClock == before)
    }

    @Test(arguments: ["bad%20name", "a;rm%20-rf", "$(reboot)", "UPPER", "default", "x%60id%60"])
    func namesWithSpacesOrShellCharactersAreRefused(name: String) async throws {
        let harness = try await APIHarness.make()
        let before = await harness.controller.appliedClock
        try await harness.run { api in
            let reply = try await api.post("/config/node/\(name)", envelope("node", name, ["group": "compute-group"]))
            #expect(reply.status == .badRequest)
            #expect(reply.message.hasPrefix("Incorrect Naming convention with name"))
            let show = try await api.get("/config/node/\(name)")
            #expect(show.status == .badRequest)
        }
        #expect(await harness.controller.appliedClock == before)
    }

    @Test func anAddressOutsideItsNetworkIsRefused() async throws {
        let harness = try await APIHarness.make()
        let before = await harness.controller.appliedClock
        try await harness.run { api in
            let outside = try await api.post(
                "/config/node/node001/interfaces",
                envelope("node", "node001", ["interfaces": [["interface": "BOOTIF", "ipaddress": "10.200.0.1"]]]))
            #expect(outside.status == .badRequest)
            #expect(outside.message == "Invalid request: 10.200.0.1 is not in the range of network cluster (10.141.0.0/16)")
            let notAnAddress = try await api.post(
                "/config/node/node001/interfaces",
                envelope("node", "node001", ["interfaces": [["interface": "BOOTIF", "ipaddress": "10.141.0.300"]]]))
            #expect(notAnAddress.status == .badRequest)
            let badRange = try await api.post(
                "/config/network/cluster", envelope("network", "cluster", ["dhcp_range_end": "10.150.0.1"]))
            #expect(badRange.status == .badRequest)
            #expect(badRange.message == "Invalid request: dhcp_range_end 10.150.0.1 is not in network 10.141.0.0/16")
        }
        #expect(await harness.controller.appliedClock == before)
    }

    @Test func tokensAreRequired() async throws {
        try await APIHarness.make().run { api in
            let missing = try await api.get("/config/node", token: "")
            #expect(missing.status == .unauthorized)
            #expect(missing.message == "A valid token is missing")
            let forged = try await api.get("/config/node", token: "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6MH0.c2lnbmF0dXJl")
            #expect(forged.status == .unauthorized)
            #expect(forged.message == "Token is invalid")
            let login = try await api.post("/token", raw: #"{"username":"luna","password":"wrong"}"#)
            #expect(login.status == .unauthorized)
            #expect(login.message == "Incorrect password ******, check luna.ini")
        }
    }

    private func merge(_ base: JSONValue, _ extra: JSONValue) -> JSONValue {
        .object((base.objectValue ?? [:]).merging(extra.objectValue ?? [:]) { $1 })
    }
}
