import ArgumentParser

/// `luna route couple|decouple ROUTE network|group|node TARGET`.
struct RouteCoupling: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "couple", abstract: "Give a network, group or node a route (decouple takes it away).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var coupling: RouteTarget

    func run() async throws {
        try await coupling.send("_couple", connection)
    }
}

struct RouteDecoupling: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decouple", abstract: "Take a route from a network, group or node.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var coupling: RouteTarget

    func run() async throws {
        try await coupling.send("_decouple", connection)
    }
}

/// The route and what it is coupled to.
struct RouteTarget: ParsableArguments {
    @Argument(help: "The route.")
    var route: String

    @Argument(help: "network, group or node.")
    var kind: String

    @Argument(help: "Its name.")
    var target: String

    func send(_ action: String, _ connection: ConnectionOptions) async throws {
        try await Failures.report {
            let response = try await APIClient(connection).get("/config/route/\(route)/\(kind)/\(target)/\(action)")
            print(try response.expect(201).sentence)
        }
    }
}
