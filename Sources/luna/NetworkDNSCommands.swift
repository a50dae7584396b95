import ArgumentParser
import LunaModel

/// `luna network dns list|set|remove NETWORK …`: a network's extra host records.
struct NetworkDNSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns", abstract: "List, set and remove a network's extra DNS records (/config/dns).",
        subcommands: [DNSList.self, DNSSet.self, DNSRemove.self])
}

struct DNSList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List a network's extra DNS records.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: "The network.")
    var network: String

    func run() async throws {
        try await Failures.report {
            let response = try await APIClient(connection).get("/config/dns/\(network)").expect(200)
            try output.emit(response) { value in
                let rows = (value["config"]?["dns"]?[network]?.arrayValue ?? []).map { entry in
                    ["host", "ipaddress", "ipaddress_ipv6"].map { entry[$0]?.stringValue ?? "" }
                }
                return TextTable(header: ["HOST", "IPADDRESS", "IPADDRESS_IPV6"], rows: rows, overflow: .truncate)
            }
        }
    }
}

struct DNSSet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Add or change a host record.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The network.")
    var network: String

    @Argument(help: "The host name.")
    var host: String

    @Argument(help: "Its IPv4 or IPv6 address.")
    var address: String

    func run() async throws {
        try await Failures.report {
            let body: JSONValue = [
                "config": ["dns": .object([network: [["host": .string(host), "ipaddress": .string(address)]]])]
            ]
            let response = try await APIClient(connection).post("/config/dns/\(network)", body).expect(201)
            print(response.sentence)
        }
    }
}

struct DNSRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a host record.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The network.")
    var network: String

    @Argument(help: "The host name.")
    var host: String

    func run() async throws {
        try await Failures.report {
            try await APIClient(connection).get("/config/dns/\(network)/\(host)/_delete").expect(204)
            print("DNS record \(host) of network \(network) removed")
        }
    }
}
