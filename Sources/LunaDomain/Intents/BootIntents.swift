import LunaModel

/// What a booting node tells the cluster, recorded so every controller knows it: a MAC
/// bound to the node by discovery, each install state it reaches, and the TPM hash it
/// registers on its first boot.
enum BootIntents {
    static let all: [IntentHandler] = [discover, installState, registerTPM]

    /// Binds a MAC to the node's provisioning interface, taking it from any other node
    /// that had it. Applied in one order everywhere, two controllers binding the same MAC
    /// at once end with the later binding only.
    static let discover = IntentHandler(
        name: "Node.discover",
        prepare: { name, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["mac", "time"], kind: "discovery")
            guard let text = body["mac"]?.stringValue else { throw .invalid("Invalid request: mac is required") }
            return .object(["mac": .string(try MACAddress.normalize(text, field: "mac")), "time": try time(body)])
        },
        apply: { state, name, payload throws(LunaError) in
            var node = try ObjectRules.existing(.node, name, in: state, missing: "Node \(name) not present in database")
            let mac = payload["mac"]!.stringValue!
            let interface = Inheritance(state: state).node("provision_interface", node: node).value?.stringValue ?? "BOOTIF"
            let key = RowKey.child(name, interface)
            if let holder = state.macs[mac], holder != key {
                guard !holder.contains(":"), var other = state.row(.nodeinterface, holder) else {
                    throw .invalid("Invalid request: MAC address \(mac) belongs to \(holder), not to a node")
                }
                other["macaddress"] = nil
                state.put(.nodeinterface, holder, other)
            }
            var row = state.row(.nodeinterface, key) ?? ["interface": .string(interface)]
            row["macaddress"] = .string(mac)
            state.put(.nodeinterface, key, row)
            node["status"] = "install.discovered"
            node["status_time"] = payload["time"]
            state.put(.node, name, node)
            return .changed("MAC address \(mac) bound to node \(name)")
        })

    /// A state the node's installer reached (`install.download`, …), or one the
    /// controller set for it (`install.rendered`, `install.refused`).
    static let installState = IntentHandler(
        name: "Node.installState",
        prepare: { name, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["state", "time"], kind: "install state")
            guard let text = body["state"]?.stringValue, !text.isEmpty, text.utf8.count <= 200,
                text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7f })
            else {
                throw .invalid("Invalid request: state must be printable text of at most 200 characters, like install.download")
            }
            return .object(["state": .string(text), "time": try time(body)])
        },
        apply: { state, name, payload throws(LunaError) in
            var node = try ObjectRules.existing(.node, name, in: state, missing: "\(name) not found")
            node["status"] = payload["state"]
            node["status_time"] = payload["time"]
            state.put(.node, name, node)
            return .changed("Node \(name) is at \(payload["state"]!.stringValue!)")
        })

    /// Records the TPM PCR hash a node presented on its first boot. A node that already
    /// has a different one keeps it: the newer claim is refused.
    static let registerTPM = IntentHandler(
        name: "Node.registerTPM",
        prepare: { name, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["tpm_sha256"], kind: "tpm")
            guard let hash = body["tpm_sha256"]?.stringValue, TPMHash.isValid(hash) else {
                throw .invalid("Invalid request: tpm_sha256 must be 64 hexadecimal digits")
            }
            return .object(["tpm_sha256": .string(hash.lowercased())])
        },
        apply: { state, name, payload throws(LunaError) in
            var node = try ObjectRules.existing(.node, name, in: state, missing: "Node \(name) not present in database")
            let hash = payload["tpm_sha256"]!
            if let registered = node["tpm_sha256"], !registered.isNull {
                guard registered == hash else {
                    throw LunaError(.forbidden, "invalid TPM information: node \(name) has another TPM registered")
                }
                return .changed("TPM of node \(name) already registered")
            }
            node["tpm_sha256"] = hash
            state.put(.node, name, node)
            return .changed("TPM of node \(name) registered")
        })

    /// The moment the controller saw it, in milliseconds; set by the controller, not the node.
    static func time(_ body: Row) throws(LunaError) -> JSONValue {
        guard case .int(let millis)? = body["time"], millis >= 0 else {
            throw .invalid("Invalid request: time must be milliseconds since 1970")
        }
        return .int(millis)
    }
}

/// A TPM PCR value as nodes send it: sha256 in hex.
public enum TPMHash {
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 64 && text.allSatisfy { $0.isASCII && $0.isHexDigit }
    }
}
