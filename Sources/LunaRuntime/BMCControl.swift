import Foundation
import LunaBoot
import LunaModel
import LunaServices

/// Drives one node's BMC through its control plugin: `Plugins/control/<name>.sh`, found
/// node, group, the setup's protocol, then `default` (ipmitool), site plugins first. The
/// plugin gets `<subsystem> <action>` as arguments and the BMC's address and login in its
/// environment (never on a command line), prints the answer and exits 0; it exits 75 for
/// a failure worth another try (the BMC did not answer), anything else for a refusal.
public struct BMCControl: Sendable {
    let plugins: PluginLibrary
    let siteFolder: String?
    /// One try of one BMC ends by then, whatever the plugin does.
    public let timeout: Duration
    /// Further tries after a failure the plugin calls transient, or a try cut by `timeout`.
    public let retries: Int

    public init(plugins: PluginLibrary, siteFolder: String?, timeout: Duration = .seconds(10), retries: Int = 1) {
        self.plugins = plugins
        self.siteFolder = siteFolder
        self.timeout = timeout
        self.retries = retries
    }

    /// The actions of each subsystem (luna2's, with `cycle`).
    public static let actions: [String: [String]] = [
        "power": ["on", "off", "status", "reset", "cycle"], "sel": ["list", "clear"], "chassis": ["identify", "noidentify"],
    ]

    /// Actions that read and answer with what they read (200 in luna2), not 204.
    public static func reads(_ action: String) -> Bool { action == "status" || action == "list" }

    public enum Outcome: Sendable, Equatable {
        case succeeded(String)
        case failed(String)
    }

    public static let transient: Int32 = 75

    public func perform(_ subsystem: String, _ action: String, on target: BMCTarget) async -> Outcome {
        guard
            let plugin = plugins.executable(
                "control", levels: [target.node, target.group, target.protocolName], siteFolder: siteFolder)
        else {
            return .failed("no control plugin for \(target.node): Plugins/control/default.sh is missing")
        }
        let environment = [
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LUNA_NODE": target.node, "LUNA_GROUP": target.group ?? "",
            "LUNA_BMC": target.address, "LUNA_BMC_USERNAME": target.username, "LUNA_BMC_PASSWORD": target.password,
            "LUNA_BMC_AUTH": target.authmode, "LUNA_BMC_VERIFYCERT": target.verifycert ? "yes" : "no",
            "LUNA_BMC_TIMEOUT": String(max(1, timeout.components.seconds - 1)),
        ]
        var outcome = Outcome.failed("")
        for attempt in 0...retries {
            if attempt > 0 { try? await Task.sleep(for: .seconds(1)) }
            let transient: Bool
            let started = ContinuousClock.now
            do throws(LunaError) {
                let run = try await ProgramRun([plugin, subsystem, action], timeout: timeout, environment: environment).run()
                let text = run.output.trimmingCharacters(in: .whitespacesAndNewlines)
                if run.succeeded { return .succeeded(text.isEmpty ? "\(subsystem) \(action)" : text) }
                outcome = .failed(text.isEmpty ? "the control plugin failed (\(run.status))" : text)
                transient = run.status == .exited(Self.transient)
            } catch {
                // Cut at the time limit (a BMC that does not answer), or not started at all.
                transient = ContinuousClock.now - started >= timeout
                outcome = .failed(
                    transient
                        ? "the BMC of \(target.node) at \(target.address) did not answer \(subsystem) \(action) within \(timeout.components.seconds) s"
                        : error.message)
            }
            guard transient else { break }
        }
        return outcome
    }
}
