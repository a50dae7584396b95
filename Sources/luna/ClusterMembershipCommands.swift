import ArgumentParser
import LunaModel

/// `luna cluster remove NAME...`: takes dead controllers out of the cluster, asked of a
/// member that stays.
struct ClusterRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Take dead controllers out of the cluster.",
        discussion: """
            Ask a member that stays. Each controller named must have been stopped for 10 s; the members that \
            stay first confirm they hold every event of it that any of them holds. Name every dead member in \
            one command. A removed controller is refused if it comes back: to bring the host back, empty its \
            data directory and run `luna cluster join` there.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The controllers to remove, as in [CONTROLLER] NAME.")
    var names: [String]

    func run() async throws {
        try await Failures.report {
            let body: JSONValue = ["controllers": .array(names.map(JSONValue.string))]
            let response = try await APIClient(connection).post("/cluster/member/_remove", body).expect(200)
            print(try response.object()["message"]?.stringValue ?? "removed")
        }
    }
}

/// `luna cluster leave`: the controller the CLI talks to leaves the cluster.
struct ClusterLeave: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leave",
        abstract: "Take the controller asked (--url) out of the cluster while it runs.",
        discussion: """
            It stops taking writes, waits until every other member holds all its events, then writes its own \
            removal. Every other member must be running. Afterwards stop and disable lunad on it.
            """)

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await Failures.report {
            let response = try await APIClient(connection).post("/cluster/member/_leave", [:]).expect(200)
            print(try response.object()["message"]?.stringValue ?? "left")
        }
    }
}
