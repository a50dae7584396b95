import Foundation
import LunaModel
import LunaServices
import Testing

/// The reconciler with BIND's real zone checker and a reload that leaves a mark.
@Suite("Service reconciler")
struct ServiceReconcilerTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("luna-reconcile-\(UUID())").path

    func zone(_ address: String) -> ServiceConfig {
        let zone = DNSZone(
            name: "cluster", server: "ns.cluster.",
            records: [.init(name: "ns", type: "A", value: "10.141.255.254"), .init(name: "node001", type: "A", value: address)])
        return ServiceConfig(files: [
            .init(
                path: folder + "/cluster.luna.zone", content: zone.text,
                check: ConfigCheck(tool: "named-checkzone", arguments: ["cluster"]))
        ])
    }

    var reloadMarks: Int {
        ((try? String(contentsOfFile: folder + "/reloads", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    func reconciler(reload: [String]? = nil) -> ServiceReconciler {
        ServiceReconciler(name: "dns", reload: reload ?? ["sh", "-c", "echo reloaded >> \"$0\"", folder + "/reloads"])
    }

    @Test func aChangeIsCheckedInstalledAndReloadedOnceAndNothingElseIs() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let reconciler = reconciler()
        #expect(await reconciler.reconcile(zone("10.141.0.1")) == .installed)
        #expect(try String(contentsOfFile: folder + "/cluster.luna.zone", encoding: .utf8).contains("10.141.0.1"))
        #expect(await reconciler.reconcile(zone("10.141.0.1")) == .unchanged)
        #expect(reloadMarks == 1, "the same content is neither written nor reloaded again")
        #expect(await reconciler.reconcile(zone("10.141.0.2")) == .installed)
        #expect(reloadMarks == 2)
        #expect(await reconciler.lastFailure == nil)
    }

    @Test func aRefusedConfigurationLeavesTheLastGoodOneRunning() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let reconciler = reconciler()
        #expect(await reconciler.reconcile(zone("10.141.0.1")) == .installed)
        guard case .refused(let reason) = await reconciler.reconcile(zone("not-an-address")) else {
            Issue.record("a zone named-checkzone refuses was installed")
            return
        }
        #expect(reason.hasPrefix("named-checkzone refused \(folder)/cluster.luna.zone.luna-new"), "\(reason)")
        #expect(try String(contentsOfFile: folder + "/cluster.luna.zone", encoding: .utf8).contains("10.141.0.1"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/cluster.luna.zone.luna-new"))
        #expect(reloadMarks == 1)
        #expect(await reconciler.lastFailure == reason)
        #expect(await reconciler.reconcile(zone("10.141.0.3")) == .installed, "a good one after it goes in")
        #expect(await reconciler.lastFailure == nil)
    }

    @Test func aReloadThatFailsIsReported() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let reconciler = reconciler(reload: ["false"])
        guard case .refused(let reason) = await reconciler.reconcile(zone("10.141.0.1")) else {
            Issue.record("a failed reload counted as done")
            return
        }
        #expect(reason.hasPrefix("dns: false failed"), "\(reason)")
        guard case .refused = await reconciler.reconcile(zone("10.141.0.1")) else {
            Issue.record("the same files, already in place, were not reloaded again after the failed reload")
            return
        }
    }

    @Test func aZoneTheViewsNoLongerMakeIsRemoved() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let reconciler = reconciler()
        var both = zone("10.141.0.1")
        let other = DNSZone(name: "ib", server: "ns.cluster.", records: [.init(name: "node001", type: "A", value: "10.149.0.1")])
        both.files.append(
            .init(
                path: folder + "/ib.luna.zone", content: other.text,
                check: ConfigCheck(tool: "named-checkzone", arguments: ["ib"])))
        both.owned = (folder, ".luna.zone")
        let first = await reconciler.reconcile(both)
        #expect(first == .installed, "\(first)")
        try "a site's own".write(toFile: folder + "/site.zone", atomically: true, encoding: .utf8)
        var one = zone("10.141.0.1")
        one.owned = (folder, ".luna.zone")
        #expect(await reconciler.reconcile(one) == .installed, "a removal is a change")
        #expect(!FileManager.default.fileExists(atPath: folder + "/ib.luna.zone"))
        #expect(FileManager.default.fileExists(atPath: folder + "/site.zone"), "what Luna did not name is left alone")
        #expect(await reconciler.reconcile(one) == .unchanged)
        #expect(reloadMarks == 2)
    }
}
