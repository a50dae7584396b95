import Foundation
import LunaDomain
import LunaModel
import LunaServices

/// Keeps this controller's DHCP and DNS daemons in line with its views: after events
/// commit (a new revision of the state), waits for the writes to pause, then renders and
/// reconciles each configured service. A burst of a thousand creates costs a few passes,
/// not a thousand. A refused configuration becomes an incident once per distinct refusal.
public actor ServiceRunner {
    let controller: Controller
    let settings: ServiceSettings
    let scheme: String
    public let dhcp: ServiceReconciler?
    public let dns: ServiceReconciler?
    /// The last refusal reported per service, so a repeated one is not reported again.
    var reported: [String: String] = [:]
    public private(set) var passes = 0

    /// How long the views must stay unchanged before a pass, and the longest a pass waits
    /// while writes keep coming.
    static let quiet: Duration = .milliseconds(300)
    static let longest: Duration = .seconds(2)

    public init(controller: Controller, settings: ServiceSettings, scheme: String) {
        self.controller = controller
        self.settings = settings
        self.scheme = scheme
        dhcp = settings.dhcp.map { ServiceReconciler(name: "dhcp", reload: $0.reload) }
        dns = settings.dns.map { ServiceReconciler(name: "dns", reload: $0.reload) }
    }

    /// Renders and reconciles every configured service once.
    public func pass() async {
        passes += 1
        let state = await controller.read { $0 }
        if let dhcp, let config = settings.dhcp {
            await reconcile(dhcp) { () throws(LunaError) in
                try ServiceFiles.dhcp(state, controller: controller.name, settings: config, scheme: scheme)
            }
        }
        if let dns, let config = settings.dns {
            await reconcile(dns) { () throws(LunaError) in try ServiceFiles.dns(state, settings: config) }
        }
    }

    private func reconcile(_ reconciler: ServiceReconciler, _ render: () throws(LunaError) -> ServiceConfig) async {
        let outcome: ServiceReconciler.Outcome
        do {
            outcome = await reconciler.reconcile(try render())
        } catch {
            outcome = .refused("\(reconciler.name): the configuration cannot be made: \(error.message)")
        }
        guard case .refused(let reason) = outcome else {
            reported[reconciler.name] = nil
            return
        }
        guard reported[reconciler.name] != reason else { return }
        reported[reconciler.name] = reason
        await controller.recordIncident("\(reconciler.name) kept its last good configuration: \(reason)")
    }

    /// Watches the views until cancelled.
    public func run() async {
        guard dhcp != nil || dns != nil else { return }
        var seen: UInt64? = nil
        while !Task.isCancelled {
            let revision = await controller.read { $0.revision }
            if revision != seen {
                // Writes keep coming in a burst: wait until they pause, but not forever.
                let started = ContinuousClock.now
                var latest = revision
                while ContinuousClock.now - started < Self.longest {
                    try? await Task.sleep(for: Self.quiet)
                    let now = await controller.read { $0.revision }
                    if now == latest { break }
                    latest = now
                }
                seen = latest
                await pass()
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// luna2's `/monitor/service/<name>` line for a service this controller runs, or nil.
    public func status(_ name: String) async -> String? {
        let reconciler = name == "dhcp" ? dhcp : name == "dns" ? dns : nil
        guard let reconciler else { return nil }
        if let failure = await reconciler.lastFailure { return "FAIL, \(failure)" }
        return "OK, configuration installed and reloaded \(await reconciler.reloads) times"
    }
}
