import Foundation
import LunaModel
import LunaServices

/// luna2's `/service/<name>/<action>`: starts, stops, restarts or reloads one of this
/// controller's daemons with the command luna.ini gives, as a task whose lines the client
/// follows at `/service/status/<request_id>`. The same action on the same daemon while one
/// runs is not started twice: the client is given the running one's request.
public actor ServiceActions {
    let controller: Controller
    let controls: [String: ServiceControl]
    /// Actions running now, by "name action", with their request ids.
    var running: [String: String] = [:]

    public init(controller: Controller, controls: [String: ServiceControl]) {
        self.controller = controller
        self.controls = controls
    }

    public enum Answer: Sendable, Equatable {
        case status(running: Bool, text: String)
        case queued(request: String, message: String)
    }

    /// Nil for a daemon this controller does not control. `action` is one of
    /// `ServiceControl.actions` (the route checks it).
    public func perform(_ name: String, _ action: String, actor: String, request: String) async -> Answer? {
        guard let control = controls[name] else { return nil }
        if action == "status" {
            let (running, text) = await control.status()
            return .status(running: running, text: text)
        }
        let key = "\(name) \(action)"
        if let current = running[key] {
            return .queued(request: current, message: "service for \(name) \(action) already queued")
        }
        running[key] = request
        await controller.startTask(request, actor: actor)
        await controller.reportTask(request, "\(action) service \(name)")
        Task {
            do throws(LunaError) {
                try await control.perform(action)
                await controller.reportTask(request, "finished \(action) service \(name): \(control.done(action))")
            } catch {
                await controller.reportTask(request, "error \(action) service \(name): \(error.message)", status: 500)
            }
            await controller.endTask(request)
            self.finished(key)
        }
        return .queued(request: request, message: "service for \(name) \(action) queued")
    }

    private func finished(_ key: String) {
        running[key] = nil
    }
}
