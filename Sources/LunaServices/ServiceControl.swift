import LunaModel

/// Starting, stopping and asking after one daemon, with the command luna.ini gives for it
/// (`[SERVICES] DHCP_CONTROL = systemctl {action} kea-dhcp4-server`): a program and its
/// arguments, where the argument `{action}` becomes the action. Answers in luna2's words.
public struct ServiceControl: Sendable {
    public static let actions = ["start", "stop", "restart", "reload", "status"]

    public let name: String
    public let command: [String]

    public init(name: String, command: [String]) {
        self.name = name
        self.command = command
    }

    /// `status`: whether the daemon runs, as `OK, running` or `FAIL, not running`.
    public func status() async -> (running: Bool, text: String) {
        let finished = try? await ProgramRun(argv("status"), timeout: .seconds(60)).run()
        return finished?.succeeded == true ? (true, "OK, running") : (false, "FAIL, not running")
    }

    /// Any other action; throws the daemon's failure as a sentence.
    public func perform(_ action: String) async throws(LunaError) {
        let finished = try await ProgramRun(argv(action), timeout: .seconds(60)).run()
        guard finished.succeeded else {
            throw LunaError(.unavailable, "Service \(name) is Failed to \(action): \(finished.tail)")
        }
    }

    /// What the stream says once `action` went well: luna2's `Service dhcp is restarted.`
    public func done(_ action: String) -> String {
        "Service \(name) is \(action == "stop" ? "stopped" : "\(action)ed")."
    }

    func argv(_ action: String) -> [String] {
        command.map { $0 == "{action}" ? action : $0 }
    }
}
