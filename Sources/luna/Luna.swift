import ArgumentParser
import LunaModel

/// The operator's command line for a Luna controller.
@main
struct Luna: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "luna", abstract: "Operate a Luna cluster controller.", version: LunaVersion.description,
        subcommands: [
            ResourceCommand<NodeKind>.self, ResourceCommand<GroupKind>.self, ResourceCommand<NetworkKind>.self,
            ResourceCommand<OSImageKind>.self, ResourceCommand<BMCSetupKind>.self, ResourceCommand<SwitchKind>.self,
            ResourceCommand<OtherDevKind>.self, ResourceCommand<RackKind>.self, ResourceCommand<CloudKind>.self,
            ResourceCommand<RouteKind>.self, ResourceCommand<OSUserKind>.self, ResourceCommand<OSGroupKind>.self,
            SecretsCommand.self, ResourceCommand<OSImageTagKind>.self,
            ControlCommand<PowerSubsystem>.self, ControlCommand<SelSubsystem>.self, ControlCommand<ChassisSubsystem>.self,
            ClusterCommand.self, LogCommand.self, BackupCommand.self, RestoreCommand.self,
        ])
}

struct LogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Inspect and replay a controller's event log.",
        subcommands: [LogInspect.self, LogReplay.self])
}

/// Where the controller's files are; works while lunad runs.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "The controller's data directory ([DATA] DIRECTORY in luna.ini).")
    var path: String
}

/// A failure the operator reads: one sentence, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
}
