import ArgumentParser
import LunaModel

/// `luna cluster show`: the cluster-wide settings and the controllers.
struct ClusterShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the cluster's settings.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await Failures.report {
            let cluster = Resources.cluster
            let response = try await APIClient(connection).get(cluster.path()).expect(200)
            try output.emit(response) { value in
                ObjectTables.detail(value["config"]?["cluster"] ?? value, owner: "cluster", order: cluster.fields)
            }
        }
    }
}

/// `luna cluster change --field value…`.
struct ClusterChange: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "change", abstract: "Change the cluster's settings.",
        usage: "luna cluster change [--FIELD VALUE ...] [--set FIELD=VALUE ...]",
        discussion: FieldsHelp.discussion(Resources.cluster.fields))

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var fields: FieldOptions

    func run() async throws {
        try await Failures.report {
            let cluster = Resources.cluster
            var connection = self.connection
            let request = try fields.parse(fields: cluster.fields, usage: [], noun: "the cluster", connection: &connection)
            guard !request.fields.isEmpty else {
                throw CommandFailure(description: "nothing to change: give --FIELD VALUE or --set FIELD=VALUE")
            }
            let body: JSONValue = ["config": ["cluster": .object(request.fields)]]
            let response = try await APIClient(connection).post(cluster.path(), body).expect(200, 201, 204)
            print(response.status == 204 ? "cluster changed" : response.sentence)
        }
    }
}
