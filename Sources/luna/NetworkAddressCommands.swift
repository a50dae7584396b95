import ArgumentParser

/// `luna network nextip NAME`: the address the next node would get.
struct NextIPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nextip", abstract: "Show a network's next free address.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The network.")
    var name: String

    func run() async throws {
        try await Failures.report {
            let network = Resources.network
            let response = try await APIClient(connection).get(network.path(name, "_nextfreeip")).expect(200)
            try output.emit(response) { value in
                TextTable(
                    header: nil, rows: [[value["config"]?["network"]?[name]?["nextip"]?.stringValue ?? ""]], overflow: .wrap)
            }
        }
    }
}

/// `luna network ipinfo NAME ADDRESS`: whether an address of the network is taken.
struct IPInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ipinfo", abstract: "Show whether an address is taken or free.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The network.")
    var name: String

    @Argument(help: "The address.")
    var address: String

    func run() async throws {
        try await Failures.report {
            let network = Resources.network
            let response = try await APIClient(connection).get(network.path(name, address)).expect(200)
            try output.emit(response) { value in
                let status = value["config"]?["network"]?[address]?["status"]?.stringValue ?? ""
                return TextTable(header: nil, rows: [[address, status]], overflow: .wrap)
            }
        }
    }
}
