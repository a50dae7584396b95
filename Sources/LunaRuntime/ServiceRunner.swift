import Foundation
import LunaDomain
import LunaModel
import LunaServices

/// Keeps this controller's DHCP (v4, v6), DNS and TFTP in line with its views: after events
/// commit (a new revision of the state), waits for the writes to pause, then renders and
/// reconciles each configured service. A burst of a thousand creates costs a few passes,
/// not a thousand. A refused configuration becomes an incident once per distinct refusal.
public actor ServiceRunner {
    let controller: Controller
    let settings: ServiceSettings
    let scheme: String
    public let dhcp: ServiceReconciler?
    public let dhcp6: ServiceReconciler?
    public let dns: ServiceReconciler?
    public let keepalived: ServiceReconciler?
    /// Why the TFTP root could not be kept, if it could not.
    var tftpFailure: String?
    /// The last refusal reported per service, so a repeated one is not reported again.
    var reported: [String: String] = [:]
    public private(set) var passes = 0

    /// How long the views must stay unchanged before a pass, and the longest a pass waits
    /// while writes keep coming.
    static let quiet: Duration = .milliseconds(300)
    static let longest: Duration = .seconds(2)
    static let retry: Duration = .seconds(10)

    public init(controller: Controller, settings: ServiceSettings, scheme: String) {
        self.controller = controller
        self.settings = settings
        self.scheme = scheme
        dhcp = settings.dhcp.map { ServiceReconciler(name: "dhcp", reload: $0.reload) }
        dhcp6 = settings.dhcp6.map { ServiceReconciler(name: "dhcp6", reload: $0.reload) }
        keepalived = settings.keepalived.map { ServiceReconciler(name: "keepalived", reload: $0.reload) }
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
        if let dhcp6, let config = settings.dhcp6 {
            await reconcile(dhcp6) { () throws(LunaError) in
                try ServiceFiles.dhcp6(state, controller: controller.name, settings: config, scheme: scheme)
            }
        }
        if let dns, let config = settings.dns {
            await reconcile(dns) { () throws(LunaError) in try ServiceFiles.dns(state, settings: config) }
        }
        if let keepalived, let config = settings.keepalived {
            await reconcile(keepalived) { () throws(LunaError) in
                try ServiceFiles.keepalived(state, controller: controller.name, settings: config)
            }
        }
        if let tftp = settings.tftp {
            do throws(LunaError) {
                try TFTPRoot(directory: tftp.directory, source: tftp.ipxe).reconcile()
                tftpFailure = nil
            } catch {
                if tftpFailure != error.message { await controller.recordIncident("tftp: \(error.message)") }
                tftpFailure = error.message
            }
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
        RuntimeMetrics.reconcileFailed(reconciler.name)
        guard reported[reconciler.name] != reason else { return }
        reported[reconciler.name] = reason
        await controller.recordIncident("\(reconciler.name) kept its last good configuration: \(reason)")
    }

    /// Watches the views until cancelled.
    public func run() async {
        guard !settings.isEmpty else { return }
        var seen: UInt64? = nil
        var lastPass = ContinuousClock.now
        while !Task.isCancelled {
            let revision = await controller.read { $0.revision }
            // A pass that failed is tried again now and then: a daemon that was down may be back.
            let retry = !reported.isEmpty && ContinuousClock.now - lastPass > Self.retry
            if revision != seen || retry {
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
                lastPass = ContinuousClock.now
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// luna2's `/monitor/service/<name>` line for a service this controller runs, or nil.
    public func status(_ name: String) async -> String? {
        if name == "tftp", settings.tftp != nil { return tftpFailure.map { "FAIL, \($0)" } ?? "OK, iPXE in place" }
        let reconciler = ["dhcp": dhcp, "dhcp6": dhcp6, "dns": dns, "keepalived": keepalived][name] ?? nil
        guard let reconciler else { return nil }
        if let failure = await reconciler.lastFailure { return "FAIL, \(failure)" }
        return "OK, configuration installed and reloaded \(await reconciler.reloads) times"
    }
}
