import ArgumentParser
import Foundation
import LunaLog
import LunaModel
import LunaRuntime
import LunaTransport

/// Joins a new controller to a running cluster, before its first start: a member admits it
/// (the controller row, with where to reach it) and hands over the cluster key and its
/// snapshot. lunad then starts from the snapshot and pulls the events after it.
struct ClusterJoin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Make this controller a member of a running cluster and fetch what it starts from.",
        discussion: """
            Run it on the new controller, with its luna.ini: [CONTROLLER] NAME, [DATA] DIRECTORY (empty), \
            [REPLICATION] PORT, PEERS (at least one member) and CERTIFICATES (the CA and this controller's \
            certificate, made with `luna cluster certs` where the CA is). Then start lunad.
            """)

    @Option(help: "This controller's luna.ini.")
    var config = "/etc/luna/luna.ini"

    @Option(help: "The member to ask, by its name in [REPLICATION] PEERS (default: each in turn).")
    var via: String?

    func run() async throws {
        do {
            try await join()
        } catch {
            FileHandle.standardError.write(Data("luna: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func join() async throws {
        let settings = try LunaConfig.load(path: config)
        guard let replication = settings.replication else {
            throw CommandFailure(description: "\(config) has no [REPLICATION] PORT: a controller joins over the replication port")
        }
        let directory = DataDirectory(settings.dataDirectory)
        // A lunad already on this directory would be writing what the join writes.
        let lock = try DirectoryLock(directory)
        defer { withExtendedLifetime(lock) {} }
        let scan = try? LogFile(directory: directory).read()
        guard scan?.events.isEmpty ?? true, !FileManager.default.fileExists(atPath: directory.snapshot) else {
            throw CommandFailure(
                description: "\(directory.path) holds a cluster already: a controller joins once, with an empty data "
                    + "directory. To rejoin, just start lunad: it pulls what it lacks")
        }
        var asked = replication.peers.sorted { $0.key < $1.key }
        if let via {
            asked = asked.filter { $0.key == via }
            guard !asked.isEmpty else {
                throw CommandFailure(description: "--via \(via) is not in [REPLICATION] PEERS of \(config)")
            }
        }
        guard !asked.isEmpty else {
            throw CommandFailure(description: "[REPLICATION] PEERS in \(config) names no member to ask")
        }
        let tls: PeerTLS
        do {
            tls = try PeerTLS(certificates: ClusterCertificates(folder: replication.certificates), controller: settings.name)
        } catch {
            throw CommandFailure(
                description: "no certificate for \(settings.name) in \(replication.certificates) (\(error)): create it with "
                    + "`luna cluster certs --out FOLDER --controllers \(settings.name)` where the cluster CA is, and copy the folder here"
            )
        }
        var refusals: [String] = []
        for (member, address) in asked {
            let answer: PeerJoin.Answer
            do {
                answer = try await PeerJoin.ask(address, name: settings.name, advertise: replication.advertise, tls: tls)
            } catch {
                refusals.append("\(member) at \(address): \(error)")
                continue
            }
            try FileManager.default.createDirectory(atPath: directory.path + "/log", withIntermediateDirectories: true)
            try ClusterKey.install(answer.key, path: directory.clusterKey)
            print("joined the cluster as \(settings.name) through \(member); peers reach it at \(replication.advertise)")
            print("wrote the cluster key to \(directory.clusterKey)")
            if !answer.snapshot.isEmpty {
                try SnapshotFile.write(answer.snapshot, path: directory.snapshot)
                let rows = answer.snapshot.tables.values.reduce(0) { $0 + $1.count }
                print(
                    "wrote \(member)'s snapshot to \(directory.snapshot): \(rows) rows, clock {\(answer.snapshot.clock.entries.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ", "))}"
                )
            }
            print("start lunad --config \(config): it pulls the events after the snapshot from its peers")
            return
        }
        throw CommandFailure(description: "no member admitted \(settings.name): " + refusals.joined(separator: "; "))
    }
}
