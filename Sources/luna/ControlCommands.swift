import ArgumentParser

/// `luna power|sel|chassis ACTION NODES`: BMC requests, one command per subsystem.
struct ControlCommand<Subsystem: ControlSubsystem>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: Subsystem.name, abstract: Subsystem.abstract)
    }

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: ArgumentHelp(Subsystem.actionHelp)) var action: String
    @OptionGroup var targets: ControlTargets

    func run() async throws {
        try await Failures.report {
            try await ControlRun(subsystem: Subsystem.name, action: action, targets: targets).run(connection)
        }
    }
}

protocol ControlSubsystem {
    static var name: String { get }
    static var abstract: String { get }
    static var actionHelp: String { get }
}

enum PowerSubsystem: ControlSubsystem {
    static let name = "power"
    static let abstract = "Power nodes on, off, reset or cycle them, or read their power status, through their BMCs."
    static let actionHelp = "on, off, status, reset or cycle."
}

enum SelSubsystem: ControlSubsystem {
    static let name = "sel"
    static let abstract = "List or clear the system event log of nodes' BMCs."
    static let actionHelp = "list or clear."
}

enum ChassisSubsystem: ControlSubsystem {
    static let name = "chassis"
    static let abstract = "Turn the identify (locator) light of nodes on or off."
    static let actionHelp = "identify or noidentify."
}

/// Which nodes a control command acts on: nothing acts on every node unless each is
/// named or its group is.
struct ControlTargets: ParsableArguments {
    @Argument(help: "A node or a host list (node[001-004],gpu[01-08]).") var nodes: String?
    @Option(help: "Also every node of these groups (comma-separated).") var group: String?
}
