import Foundation
import Logging
import LunaDomain
import LunaModel
import LunaServices

/// Reads each switch's forwarding table over SNMP (Debian's `snmpbulkwalk`; v2c with the
/// read community, v3 when the row names `snmp_user`): the `oid`
/// the switch row names (Q-BRIDGE-MIB's dot1qTpFdbPort by default, or BRIDGE-MIB's
/// dot1dTpFdbPort), whose last six index numbers are a MAC and whose value is the port,
/// without the row's `uplinkports`. Runs on the master only, so a cluster scans once;
/// what changed is recorded as `Switch.portsSeen`, which reaches every controller.
public actor SwitchPortScanner {
    let controller: Controller
    let unseal: @Sendable (JSONValue) -> String?
    let logger: Logger
    /// Why the last scan of each switch failed, until one succeeds.
    public private(set) var failures: [String: String] = [:]

    public static let defaultOID = ".1.3.6.1.2.1.17.7.1.2.2.1.2"

    public init(controller: Controller, logger: Logger) {
        self.controller = controller
        let key = controller.key
        unseal = { key.open($0.stringValue ?? "") }
        self.logger = logger
    }

    public func pass() async {
        guard await controller.replicationState.master == controller.name else { return }
        let switches = await controller.read { state in
            state.rows(.switch).compactMap { name, row -> (String, Row, [String: String])? in
                guard row["ipaddress"]?.stringValue != nil else { return nil }
                var seen: [String: String] = [:]
                for (mac, found) in state.rows(.switchport) where found["switch"]?.stringValue == name {
                    seen[mac] = found["port"]?.stringValue
                }
                return (name, row, seen)
            }
        }
        for (name, row, seen) in switches.sorted(by: { $0.0 < $1.0 }) {
            do throws(LunaError) {
                let ports = try await scan(row)
                failures[name] = nil
                guard ports != seen else { continue }
                _ = try await controller.submit(
                    "Switch.portsSeen", object: name, body: ["ports": .object(ports.mapValues { .string($0) })],
                    actor: "switch-scan", requestID: "switch-scan-\(name)-\(UUID().uuidString.prefix(8))")
                logger.notice("switch \(name): \(ports.count) MAC addresses on its ports")
            } catch {
                if failures[name] != error.message { logger.warning("switch \(name) was not scanned: \(error.message)") }
                failures[name] = error.message
            }
        }
    }

    /// MAC → port, from one walk of the switch's forwarding table.
    func scan(_ row: Row) async throws(LunaError) -> [String: String] {
        let address = row["ipaddress"]?.stringValue ?? ""
        let oid = row["oid"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultOID
        let uplinks = Set(
            (row["uplinkports"]?.stringValue ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init))
        // The community or the v3 login goes in a configuration file of the tools' own, not
        // the command line.
        let folder = try configFolder(Self.settings(row, unseal: unseal))
        let run = try await ProgramRun(
            ["snmpbulkwalk", "-On", "-Oq", "-t", "5", "-r", "1", address, oid], timeout: .seconds(60),
            environment: ["PATH": "/usr/bin:/bin", "SNMP_PERSISTENT_DIR": folder, "SNMPCONFPATH": folder]
        ).run()
        guard run.succeeded else { throw LunaError(.unavailable, "snmpbulkwalk \(address) \(oid) failed: \(run.tail)") }
        return Self.parse(run.output, oid: oid, uplinks: uplinks)
    }

    /// Lines `<oid>.<index…>.<6 MAC numbers> <port>`; anything else (end of the MIB view) is skipped.
    public static func parse(_ output: String, oid: String, uplinks: Set<String>) -> [String: String] {
        let prefix = (oid.hasPrefix(".") ? oid : "." + oid) + "."
        var ports: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].hasPrefix(prefix), let port = Int(parts[1]), port > 0,
                !uplinks.contains(String(port))
            else { continue }
            let numbers = parts[0].dropFirst(prefix.count).split(separator: ".").compactMap { UInt8($0) }
            guard numbers.count >= 6 else { continue }
            let mac = numbers.suffix(6).map { [$0].lowercaseHex }.joined(separator: ":")
            ports[mac] = String(port)
        }
        return ports
    }

    /// The client settings (`snmp.conf`) for one switch: v2c with its read community, or v3
    /// when it names a user. Each value must be one word: snmp.conf splits at spaces.
    public static func settings(_ row: Row, unseal: (JSONValue) -> String?) throws(LunaError) -> String {
        func word(_ value: String, _ what: String) throws(LunaError) -> String {
            guard !value.isEmpty, value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                throw LunaError(.invalid, "the switch's \(what) must be one word of printable characters")
            }
            return value
        }
        // Numeric OIDs need no MIB files, whose loading would fill stderr with complaints.
        guard let user = row["snmp_user"]?.stringValue, !user.isEmpty else {
            let community = row["read"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "public"
            return "mibs :\ndefVersion 2c\ndefCommunity \(try word(community, "read community"))\n"
        }
        var lines = ["mibs :", "defVersion 3", "defSecurityName \(try word(user, "snmp_user"))"]
        if let context = row["snmp_context"]?.stringValue, !context.isEmpty {
            lines.append("defContext \(try word(context, "snmp_context"))")
        }
        let auth = row["snmp_authpassword"].flatMap(unseal)
        let priv = auth == nil ? nil : row["snmp_privpassword"].flatMap(unseal)
        if let auth {
            lines.append("defAuthType \(row["snmp_authprotocol"]?.stringValue ?? "SHA")")
            lines.append("defAuthPassphrase \(try word(auth, "snmp_authpassword"))")
        }
        if let priv {
            lines.append("defPrivType \(row["snmp_privprotocol"]?.stringValue ?? "AES")")
            lines.append("defPrivPassphrase \(try word(priv, "snmp_privpassword"))")
        }
        lines.append("defSecurityLevel \(auth == nil ? "noAuthNoPriv" : priv == nil ? "authNoPriv" : "authPriv")")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Folders holding one `snmp.conf` each, by content, private to this user, kept for the
    /// process's life (net-snmp also keeps its engine state there).
    private var configFolders: [String: String] = [:]

    private func configFolder(_ settings: String) throws(LunaError) -> String {
        if let folder = configFolders[settings] { return folder }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("luna-snmp-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw LunaError(.unavailable, "the SNMP settings cannot be written in \(folder): \(error.localizedDescription)")
        }
        guard
            FileManager.default.createFile(
                atPath: folder + "/snmp.conf", contents: Data(settings.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw LunaError(.unavailable, "the SNMP settings cannot be written in \(folder)")
        }
        configFolders[settings] = folder
        return folder
    }
}
