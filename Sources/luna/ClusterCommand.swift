import ArgumentParser
import Foundation
import LunaTransport

struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Show and change the cluster's settings; set up and watch replication.",
        subcommands: [
            ClusterShow.self, ClusterChange.self, ClusterCerts.self, ClusterJoin.self, ClusterStatusCommand.self,
            ClusterRemove.self, ClusterLeave.self,
        ])
}

/// Creates the cluster CA and the controllers' certificates for mutual TLS.
struct ClusterCerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Create the cluster CA (once) and a certificate for each controller that lacks one.")

    @Option(help: "The folder for the PEM files ([REPLICATION] CERTIFICATES in luna.ini).")
    var out: String

    @Option(help: "Controller names, comma-separated (as in [CONTROLLER] NAME).")
    var controllers: String

    @Option(help: "Addresses the certificates name, comma-separated.")
    var addresses = "127.0.0.1,::1"

    func run() async throws {
        let names = controllers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let addresses = addresses.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        do {
            guard !names.isEmpty else { throw CommandFailure(description: "--controllers names no controller") }
            let written = try ClusterCertificates(folder: out).create(controllers: names, addresses: addresses)
            print(
                written.isEmpty
                    ? "every certificate exists already in \(out)" : written.map { "wrote \($0)" }.joined(separator: "\n"))
        } catch {
            FileHandle.standardError.write(Data("luna: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
