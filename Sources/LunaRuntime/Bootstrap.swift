import Foundation
import LunaDomain
import LunaModel

/// Seeds a new cluster from `bootstrap.ini`, luna2's format: the controllers, networks,
/// a group, an OS image, a BMC setup and the first nodes. Each object is one intent,
/// so the seeding is in the log like any other write.
public struct Bootstrap {
    public struct Step: Sendable {
        public var intent: String
        public var object: String
        public var body: Row
    }

    public let steps: [Step]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw IniFile.Failure(description: "\(path): the bootstrap file cannot be read")
        }
        steps = try Self.steps(from: IniFile(path: path, text: text))
    }

    static func steps(from ini: IniFile) throws -> [Step] {
        var steps: [Step] = []
        func required(_ section: String, _ key: String) throws -> String {
            guard let value = ini.value(section, key), !value.isEmpty else {
                throw ini.failure(section, key, "is missing; it is required")
            }
            return value
        }
        // [NETWORKS] name = function:type:cidr[:DHCP:begin-end]; the "default" one carries controllers and BOOTIF.
        var networkFor: [String: String] = [:]
        var networks: [(String, Row)] = []
        for (key, value) in ini.entries("NETWORKS") {
            let name = key.lowercased()
            let parts = value.split(separator: ":").map(String.init)
            guard parts.count >= 3 else {
                throw ini.failure("NETWORKS", key, "= \(value) must read function:type:cidr[:DHCP:begin-end]")
            }
            networkFor[parts[0]] = name
            var body: Row = ["type": .string(parts[1]), (parts[2].contains(":") ? "network_ipv6" : "network"): .string(parts[2])]
            if parts.count >= 5, parts[3].uppercased() == "DHCP" {
                let range = parts[4].split(separator: "-").map(String.init)
                guard range.count == 2 else { throw ini.failure("NETWORKS", key, "has a DHCP range that is not begin-end") }
                body["dhcp"] = .bool(true)
                body["dhcp_range_begin"] = .string(range[0])
                body["dhcp_range_end"] = .string(range[1])
            }
            networks.append((name, body))
        }
        guard let clusterNetwork = networkFor["default"] else {
            throw ini.failure("NETWORKS", "(default)", "is missing: one network must have the function 'default'")
        }
        // [HOSTS] CONTROLLER[n] = hostname:ip[:network[:SHADOW]]
        var controllers: [(String, Row)] = []
        for (key, value) in ini.entries("HOSTS") where key.hasPrefix("CONTROLLER") {
            let parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2 else { throw ini.failure("HOSTS", key, "= \(value) must read hostname:ip[:network[:SHADOW]]") }
            let network = parts.count > 2 && !parts[2].isEmpty ? parts[2] : clusterNetwork
            var body: Row = ["ipaddress": .string(parts[1]), "network": .string(network), "beacon": .bool(controllers.isEmpty)]
            body["shadow"] = .bool(parts.count > 3 && parts[3].uppercased() == "SHADOW")
            body["serverport"] = .string(ini.value("HOSTS", "SERVERPORT") ?? "7050")
            controllers.append((parts[0], body))
        }
        guard let first = controllers.first else {
            throw ini.failure("HOSTS", "CONTROLLER", "is missing; at least one controller is required")
        }
        // [HOSTS] BEACON = ip: the floating address nodes boot from, when several controllers share it.
        let beacon = ini.value("HOSTS", "BEACON").map(JSONValue.string)
        let controllerIP = beacon ?? first.1["ipaddress"]!
        var cluster: Row = [
            "name": .string(ini.value("CLUSTER", "NAME") ?? "mycluster"), "provision_method": .string("torrent"),
            "provision_fallback": .string("http"), "createnode_ondemand": .bool(true), "nameserver_ip": controllerIP,
            "ntp_server": .string(controllerIP.stringValue!), "technical_contacts": .string("root@localhost"),
        ]
        if let beacon { cluster["beacon_ip"] = beacon }
        for (key, field) in [
            ("DOMAIN_SEARCH", "domain_search"), ("FORWARDSERVER_IP", "forwardserver_ip"), ("BIND_LEGACY", "bind_legacy"),
        ] {
            if let value = ini.value("CLUSTER", key) { cluster[field] = .string(value) }
        }
        steps.append(Step(intent: "Cluster.update", object: "cluster", body: cluster))
        for (name, var body) in networks {
            if name == clusterNetwork { body["gateway"] = controllerIP }
            steps.append(Step(intent: "Network.update", object: name, body: body))
        }
        for (name, body) in controllers { steps.append(Step(intent: "Controller.update", object: name, body: body)) }
        let image = try required("OSIMAGE", "NAME")
        steps.append(
            Step(
                intent: "OSImage.update", object: image,
                body: [
                    "path": .string(ini.value("OSIMAGE", "PATH") ?? "/trinity/images/\(image)"),
                    "distribution": .string("redhat"),
                    "kernelmodules": .string("ipmi_devintf, ipmi_si, ipmi_msghandler"),
                    "kerneloptions": .string("_net.ifnames=0 _biosdevname=0"),
                ]))
        let bmcsetup = try required("BMCSETUP", "NAME")
        steps.append(
            Step(
                intent: "BMCSetup.update", object: bmcsetup,
                body: [
                    "userid": .int(2), "username": .string(try required("BMCSETUP", "USERNAME")),
                    "password": .string(try required("BMCSETUP", "PASSWORD")), "netchannel": .int(1), "mgmtchannel": .int(1),
                ]))
        let group = try required("GROUPS", "NAME")
        var interfaces: [JSONValue] = [.object(["interface": .string("BOOTIF"), "network": .string(clusterNetwork)])]
        if let bmc = networkFor["bmc"] { interfaces.append(.object(["interface": .string("BMC"), "network": .string(bmc)])) }
        var groupBody: Row = ["osimage": .string(image), "netboot": .bool(true), "interfaces": .array(interfaces)]
        // The group's install scripts as luna2 keeps them (base64); the shipped file's make
        // a diskless node: root on tmpfs.
        for key in ["PRESCRIPT", "PARTSCRIPT", "POSTSCRIPT"] {
            if let script = ini.value("GROUPS", key), !script.isEmpty { groupBody[key.lowercased()] = .string(script) }
        }
        if networkFor["bmc"] != nil {
            groupBody["bmcsetupname"] = .string(bmcsetup)
            groupBody["setupbmc"] = .bool(true)
        }
        steps.append(Step(intent: "Group.update", object: group, body: groupBody))
        let nodes = try HostList.expand(ini.value("HOSTS", "NODELIST") ?? "")
        for node in nodes { steps.append(Step(intent: "Node.update", object: node, body: ["group": .string(group)])) }
        return steps
    }

    /// Applies every step to an empty state first, so a file with a mistake in it
    /// stops start-up before anything is written, not half-way through.
    public func check() throws {
        var state = ClusterState()
        let context = PrepareContext(sealer: DryRunSealer())
        for (index, step) in steps.enumerated() {
            do {
                let handler = IntentRegistry.current.handlers[step.intent]!
                let payload = try handler.prepare(step.object, step.body, context)
                let event = Event(
                    origin: "bootstrap", seq: UInt64(index + 1), clock: VectorClock(), time: HybridTime(millis: Int64(index)),
                    intent: step.intent, intentVersion: handler.version, object: step.object, payload: payload,
                    actor: "bootstrap", requestID: "bootstrap", previousHash: "")
                if case .applied(.rejected(let error)) = IntentRegistry.current.apply(event, to: &state) { throw error }
            } catch let error as LunaError {
                throw IniFile.Failure(description: "bootstrap: \(step.intent) \(step.object) was refused: \(error.message)")
            }
        }
    }

    /// Writes the steps through the controller, after `check` has passed.
    /// The controller seeding must be one the file names: it would otherwise wait forever
    /// to be in sync with a member that never answers.
    public func seed(_ controller: Controller) async throws {
        try check()
        let named = steps.filter { $0.intent == "Controller.update" }.map(\.object)
        guard named.contains(controller.name) else {
            throw IniFile.Failure(
                description: "bootstrap: [HOSTS] names the controllers \(named.joined(separator: ", ")), not this one, "
                    + "\(controller.name) ([CONTROLLER] NAME in luna.ini): name it in [HOSTS] or set NAME to one of them")
        }
        for step in steps {
            do {
                _ = try await controller.submit(
                    step.intent, object: step.object, body: step.body, actor: "bootstrap", requestID: "bootstrap",
                    requireSync: false)
            } catch {
                throw IniFile.Failure(description: "bootstrap: \(step.intent) \(step.object) was refused: \(error.message)")
            }
        }
    }
}

/// Seals nothing for real: `check` never writes, and the key is not needed to apply.
private struct DryRunSealer: SecretSealer {
    func seal(_ clear: String) -> String { "enc:v1:" }
    func open(_ sealed: String) -> String? { nil }
}
