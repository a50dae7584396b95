import LunaDomain
import LunaModel
import Testing

/// The audit of BMC requests, and the monitor state a power action leaves on its nodes.
struct ControlAuditTests {
    static func audit(_ subsystem: String, _ action: String, failed: Row = [:], time: Int? = 40) -> Row {
        var body: Row = [
            "time": "2026-12-02T06:00:00Z", "controller": "c1", "subsystem": .string(subsystem),
            "action": .string(action), "nodes": ["n001", "n002", "n003"], "succeeded": .int(3 - failed.count),
            "failed": .object(failed),
        ]
        if let time { body["status_time"] = .int(time) }
        return body
    }

    @Test func aPowerActionThatSucceededBecomesItsNodesState() {
        var h = DiscoveryTests.cluster()
        h.ok("Node.installState", "n002", ["state": "install.success", "time": 7])
        h.ok("Control.audit", "r1", Self.audit("power", "off", failed: ["n002": "Unable to establish IPMI v2 session"]))
        #expect(h.string(.node, "n001", "status") == "power off")
        #expect(h.row(.node, "n001")?["status_time"] == .int(40))
        #expect(h.string(.node, "n002", "status") == "install.success", "a failed node keeps its state")
        #expect(h.row(.node, "n003") == nil, "a node that is gone is not made again")
        #expect(h.row(.controlaudit, "r1")?["status_time"] == nil, "the audit keeps what it always kept")
        #expect(h.row(.controlaudit, "r1")?["failed"] == ["n002": "Unable to establish IPMI v2 session"])
    }

    @Test func statusReadsAndOtherSubsystemsLeaveTheStateAlone() {
        var h = DiscoveryTests.cluster()
        h.ok("Node.installState", "n001", ["state": "install.success", "time": 7])
        h.ok("Control.audit", "r1", Self.audit("power", "status"))
        h.ok("Control.audit", "r2", Self.audit("chassis", "identify"))
        h.ok("Control.audit", "r3", Self.audit("sel", "clear"))
        #expect(h.string(.node, "n001", "status") == "install.success")
    }

    @Test func aVersionOneAuditReplaysWithoutTouchingNodes() {
        var h = DiscoveryTests.cluster()
        var body = Self.audit("power", "on", time: nil)
        body["nodes"] = ["n001"]
        body["succeeded"] = 1
        let event = h.event("Control.audit", "old", .object(body), version: 1)
        guard case .applied = IntentRegistry.current.apply(event, to: &h.state) else {
            Issue.record("a version 1 audit was not applied")
            return
        }
        #expect(h.row(.controlaudit, "old")?["action"] == "on")
        #expect(h.string(.node, "n001", "status") == nil)
    }

    @Test func anAuditWithoutItsTimeIsRefused() {
        let error = Harness.refused("Control.audit", "r1", Self.audit("power", "on", time: nil))
        #expect(error?.message == "Invalid request: status_time (milliseconds since 1970) is required")
    }
}
