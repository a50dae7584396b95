import LunaModel

/// What the master's SNMP scan of one switch found: the MAC addresses on each of its
/// ports (uplinks left out). Recorded only when it changed; it replaces that switch's
/// earlier findings on every controller, where boot discovery reads them.
enum SwitchPortIntents {
    static let all: [IntentHandler] = [seen]

    static let seen = IntentHandler(
        name: "Switch.portsSeen",
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["ports"], kind: "switch scan")
            guard case .object(let ports)? = body["ports"], ports.count <= 100_000 else {
                throw .invalid("Invalid request: a switch scan names the port of each MAC address (ports)")
            }
            var normalized: [String: JSONValue] = [:]
            for (mac, port) in ports {
                guard let text = port.stringValue, !text.isEmpty, text.utf8.count <= 64 else {
                    throw .invalid("Invalid request: the port of \(mac) must be text")
                }
                normalized[try MACAddress.normalize(mac, field: "mac")] = .string(text)
            }
            return .object(["ports": .object(normalized)])
        },
        apply: { state, name, payload throws(LunaError) in
            _ = try ObjectRules.existing(.switch, name, in: state, missing: "Switch \(name) not present in database")
            // This switch's earlier findings, and those of switches since removed or renamed.
            for (mac, row) in state.rows(.switchport) {
                let owner = row["switch"]?.stringValue ?? ""
                if owner == name || state.row(.switch, owner) == nil { state.remove(.switchport, mac) }
            }
            let ports = payload["ports"]?.objectValue ?? [:]
            for (mac, port) in ports { state.put(.switchport, mac, ["switch": .string(name), "port": port]) }
            return .changed("switch \(name): \(ports.count) MAC addresses on its ports")
        })
}
