import Foundation
import LunaModel
import Testing

/// lunad reconciling BIND's zones: a burst of node creates reaches the zone in a few
/// reloads, each checked by named-checkzone, and /monitor/service/dns says how it stands.
@Suite(.serialized)
struct ServiceProcessTests {
    @Test func aBurstOfCreatesReachesTheZoneInAFewReloads() async throws {
        let directory = LunadProcess.temporaryDirectory("services")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let zones = directory + "/bind"
        let marks = directory + "/reloads"
        let config = try LunadProcess.writeConfig(directory + "/luna.ini")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: config))
        handle.seekToEndOfFile()
        // The reload leaves a line per call: the test counts them.
        handle.write(Data("\n[SERVICES]\nDNS = yes\nDNS_DIRECTORY = \(zones)\nDNS_RELOAD = sh -c echo>>\(marks)\n".utf8))
        try handle.close()
        let lunad = LunadProcess(dataDirectory: directory + "/data", port: LunadProcess.freePort())
        lunad.config = config
        #expect(try await lunad.start() == nil)
        defer { lunad.stop() }

        let first = try await lunad.get("/monitor/service/dns", authenticated: false)
        #expect(first.status == 200 || first.status == 503)
        // One after another, as fast as the API takes them: the reconciler sees the views
        // change every few milliseconds and waits for a pause.
        let started = ContinuousClock.now
        for index in 0..<200 {
            let name = String(format: "burst%03d", index)
            let body: JSONValue = ["config": ["node": .object([name: ["group": "compute-group"]])]]
            #expect(try await lunad.post("/config/node/\(name)", body).status == 201)
        }
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        var zone = ""
        for _ in 0..<100 where !zone.contains("burst199") {
            try await Task.sleep(for: .milliseconds(100))
            zone = (try? String(contentsOfFile: zones + "/cluster.luna.zone", encoding: .utf8)) ?? ""
        }
        #expect(zone.contains("burst199\tIN A"), "the last node created is in the zone")
        let reloads =
            ((try? String(contentsOfFile: marks, encoding: .utf8)) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            .count - 1
        // A pass waits for writes to pause, at most 2 s: at most one reload per 2 s of the
        // burst (a loaded machine stretches it), and two around its ends.
        #expect(reloads >= 1 && reloads <= Int(seconds / 2) + 3, "200 creates in \(seconds) s cost \(reloads) reloads")
        let status = try await lunad.get("/monitor/service/dns", authenticated: false)
        #expect(status.status == 200 && status.text.contains("OK, configuration installed"), "\(status.text)")
        #expect(try await lunad.get("/monitor/service/dhcp", authenticated: false).status == 404)
    }
}
