import LunaModel
import LunaRuntime
import LunaServices
import Testing

/// luna2's `/service/<name>/<action>` with stand-in commands: `true` for a daemon that
/// does what it is told, `false` for one that fails.
struct ServiceActionTests {
    static let controls = [
        "dhcp": ServiceControl(name: "dhcp", command: ["true", "{action}"]),
        "dns": ServiceControl(name: "dns", command: ["false", "{action}"]),
    ]

    /// Every line of a request's stream, polling until it ends (404).
    static func lines(_ client: APIHarness.Client, _ id: String) async throws -> [String] {
        var lines: [String] = []
        for _ in 0..<200 {
            let reply = try await client.get("/service/status/\(id)")
            if reply.status == .notFound { return lines }
            lines += reply.message.split(separator: ";;").map(String.init).filter { !$0.isEmpty }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the stream of \(id) never ended: \(lines)")
        return lines
    }

    @Test func statusAnswersAtOnceAndOtherActionsStreamTheirOutcome() async throws {
        let harness = try await APIHarness.make()
        let actions = ServiceActions(controller: harness.controller, controls: Self.controls)
        try await harness.run(services: ControllerServices(actions: actions)) { client in
            let running = try await client.get("/service/dhcp/status")
            #expect(running.status == .ok)
            #expect(running.body?["monitor"]?["Service"]?["dhcp"] == "OK, running")
            let dead = try await client.get("/service/dns/status")
            #expect(dead.status == .serviceUnavailable)
            #expect(dead.body?["monitor"]?["Service"]?["dns"] == "FAIL, not running")

            let restart = try await client.get("/service/dhcp/restart")
            #expect(restart.status == .ok)
            #expect(restart.message == "service for dhcp restart queued")
            let id = try #require(restart.body?["request_id"]?.stringValue)
            let done = try await Self.lines(client, id)
            #expect(done.contains { $0.hasSuffix("finished restart service dhcp: Service dhcp is restarted.") }, "\(done)")

            let reload = try await client.get("/service/dns/reload")
            let failed = try await Self.lines(client, try #require(reload.body?["request_id"]?.stringValue))
            #expect(failed.contains { $0.contains("error reload service dns: Service dns is Failed to reload") }, "\(failed)")
        }
    }

    @Test func unknownServicesAndActionsAreRefusedWithASentence() async throws {
        let harness = try await APIHarness.make()
        let actions = ServiceActions(controller: harness.controller, controls: Self.controls)
        try await harness.run(services: ControllerServices(actions: actions)) { client in
            let unknown = try await client.get("/service/ntp/start")
            #expect(unknown.status == .notFound)
            #expect(unknown.body?["monitor"]?["Service"]?["ntp"] == "Service Name ntp Is Not Recognized.")
            let action = try await client.get("/service/dhcp/explode")
            #expect(action.status == .badRequest)
            #expect(action.message.contains("Service Action explode Is Not Recognized"))
            let uncontrolled = try await client.get("/service/dhcp6/start")
            #expect(uncontrolled.status == .notFound)
            #expect(uncontrolled.body?["monitor"]?["Service"]?["dhcp6"]?.stringValue?.contains("DHCP6_CONTROL") == true)
            #expect(try await client.get("/service/dhcp/status", token: "").status == .unauthorized)
        }
    }

    @Test func theBeaconAddressIsTheClustersAndNotAControllersOwn() async throws {
        try await APIHarness.make().run { client in
            #expect(try await client.get("/ha/state").body?["ha"]?["sharedip"] == 0)
            let own = try await client.post("/config/cluster", ["config": ["cluster": ["beacon_ip": "10.141.255.254"]]])
            #expect(own.status == .badRequest)
            #expect(own.message.contains("beacon_ip 10.141.255.254 is controller controller's own address"), "\(own.message)")
            let floating = try await client.post("/config/cluster", ["config": ["cluster": ["beacon_ip": "10.141.255.250"]]])
            #expect(floating.status == .ok || floating.status == .created || floating.status == .noContent, "\(floating.message)")
            #expect(try await client.get("/ha/state").body?["ha"]?["sharedip"] == 1)
            let cluster = try await client.get("/config/cluster")
            #expect(cluster.body?["config"]?["cluster"]?["beacon_ip"] == "10.141.255.250")
        }
    }
}
