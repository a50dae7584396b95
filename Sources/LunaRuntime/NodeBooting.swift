import Foundation
import LunaBoot
import LunaDomain
import LunaModel

/// What a booting node asks of a controller, answered from the views and recorded as
/// events: which node a MAC is (binding it by discovery when the cluster says so), its
/// boot script and installer, the states it reaches, its TPM registration.
public struct NodeBooting: Sendable {
    public let controller: Controller
    public let renderer: BootRenderer

    public init(controller: Controller, renderer: BootRenderer) {
        self.controller = controller
        self.renderer = renderer
    }

    /// Who asks: recorded as the actor of the events a boot request writes.
    public struct Asker: Sendable {
        public var actor: String
        public var requestID: String

        public init(actor: String, requestID: String) {
            self.actor = actor
            self.requestID = requestID
        }
    }

    public func menu(short: Bool) async throws(LunaError) -> String {
        let renderer = self.renderer
        return try await controller.read { state throws(LunaError) in try renderer.menu(state: state, short: short) }
    }

    public func disk() async throws(LunaError) -> String {
        let renderer = self.renderer
        return try await controller.read { state throws(LunaError) in try renderer.disk(state: state) }
    }

    /// `/boot/search/mac/<mac>`: the node that has the MAC, or the one discovery binds it
    /// to (next free node, a node made on demand), or the script that says there is none.
    public func search(mac text: String, by asker: Asker) async throws(LunaError) -> String {
        let mac = try MACAddress.normalize(text, field: "mac")
        let found = await controller.read { state in DiscoveryChoice.forMAC(mac, in: state) }
        return try await boot(found, mac: mac, by: asker)
    }

    /// `/boot/manual/group/<group>/<mac>`: the group's node with this MAC, else its next
    /// free node, else a new one.
    public func manual(group: String, mac text: String, by asker: Asker) async throws(LunaError) -> String {
        let mac = try MACAddress.normalize(text, field: "mac")
        let found = try await controller.read { state throws(LunaError) in try DiscoveryChoice.inGroup(group, mac: mac, in: state)
        }
        return try await boot(found, mac: mac, by: asker)
    }

    /// `/boot/manual/hostname/<node>/<mac>`: this node, with the MAC moved to it.
    public func manual(node: String, mac text: String, by asker: Asker) async throws(LunaError) -> String {
        let mac = try MACAddress.normalize(text, field: "mac")
        let found = try await controller.read { state throws(LunaError) -> DiscoveryChoice in
            guard state.row(.node, node) != nil else { throw .notFound("Node \(node) not present in database") }
            return DiscoveryChoice.forMAC(mac, in: state).node == node ? .known(node) : .bind(node)
        }
        return try await boot(found, mac: mac, by: asker)
    }

    private func boot(_ choice: DiscoveryChoice, mac: String, by asker: Asker) async throws(LunaError) -> String {
        let renderer = self.renderer
        let node: String
        switch choice {
        case .none:
            return try await controller.read { state throws(LunaError) in try renderer.unknownMAC(mac, state: state) }
        case .known(let name):
            node = name
            try await record("install.discovered", node: name, by: asker, onlyIfChanged: true)
        case .bind(let name):
            node = name
            try await submit("Node.discover", name, ["mac": .string(mac), "time": now], by: asker)
        case .create(let name, let group):
            node = name
            try await submit("Node.update", name, ["group": .string(group)], by: asker)
            try await submit("Node.discover", name, ["mac": .string(mac), "time": now], by: asker)
        }
        return try await controller.read { state throws(LunaError) in try renderer.nodeBoot(node, state: state) }
    }

    /// `/boot/install/<node>`: the installer, with `token` for the node to use. A rendered
    /// installer moves the node to `install.rendered`.
    public func installer(_ node: String, token: String, by asker: Asker) async throws(LunaError) -> String {
        let renderer = self.renderer
        let key = controller.key
        let rendered = try await controller.read { state throws(LunaError) in
            guard state.row(.node, node) != nil else { throw .notFound("This node does not seem to exist") }
            return try renderer.installer(node, token: token, state: state, unseal: { key.open($0.stringValue ?? "") })
        }
        switch rendered {
        case .success(let script):
            try await record("install.rendered", node: node, by: asker, onlyIfChanged: true)
            return script
        case .failure(let failure):
            return try renderer.failedInstaller(node, failure)
        }
    }

    /// A state a node reports, or one the controller sets for it. With `onlyIfChanged`, a
    /// node already in that state is left as it is: repeating a state is not a change.
    public func record(_ state: String, node: String, by asker: Asker, onlyIfChanged: Bool = false) async throws(LunaError) {
        if onlyIfChanged, await controller.read({ $0.row(.node, node)?["status"]?.stringValue }) == state { return }
        try await submit("Node.installState", node, ["state": .string(state), "time": now], by: asker)
    }

    /// `/tpm/<node>`: a node proves who it is. The first TPM hash a node presents is
    /// registered; a different one later is refused, recorded and reported. When the
    /// cluster's `security` flag is set, a node without a TPM must present its node secret.
    public func authenticate(node: String, tpmHash: String?, secret: String?, by asker: Asker) async throws(LunaError) {
        let key = controller.key
        let (registered, secure, expectedSecret) = try await controller.read { state throws(LunaError) in
            guard let row = state.row(.node, node) else { throw LunaError(.unauthorized, "invalid node") }
            let stored = state.row(.nodesecret, RowKey.child(node, NodeSecret.name))?["content"]?.stringValue.flatMap(key.open)
            return (row["tpm_sha256"]?.stringValue, state.row(.cluster, "cluster")?["security"] == .bool(true), stored)
        }
        if let tpmHash {
            guard TPMHash.isValid(tpmHash) else { throw .invalid("Invalid request: tpm_sha256 must be 64 hexadecimal digits") }
            if let registered, registered != tpmHash.lowercased() {
                try? await record("install.refused", node: node, by: asker)
                await controller.recordIncident(
                    "node \(node) presented TPM hash \(tpmHash.prefix(16))…, not the registered \(registered.prefix(16))…: refused"
                )
                throw LunaError(.forbidden, "invalid TPM information: node \(node) has another TPM registered")
            }
            if registered == nil { try await submit("Node.registerTPM", node, ["tpm_sha256": .string(tpmHash)], by: asker) }
            return
        }
        guard secure else { return }
        guard registered == nil else {
            try? await record("install.refused", node: node, by: asker)
            throw LunaError(.forbidden, "invalid TPM information: node \(node) has a TPM registered but presented none")
        }
        guard let expectedSecret else {
            throw LunaError(
                .forbidden,
                "node does not have TPM information: give node \(node) a TPM or a node secret named \(NodeSecret.name)")
        }
        guard secret == expectedSecret else {
            try? await record("install.refused", node: node, by: asker)
            await controller.recordIncident("node \(node) presented a wrong node secret: refused")
            throw LunaError(.forbidden, "invalid node secret for node \(node)")
        }
    }

    private func submit(_ intent: String, _ object: String, _ body: Row, by asker: Asker) async throws(LunaError) {
        _ = try await controller.submit(intent, object: object, body: body, actor: asker.actor, requestID: asker.requestID)
    }

    private var now: JSONValue { .int(Int(Date().timeIntervalSince1970 * 1000)) }
}

/// The per-node secret a node without a TPM proves itself with, when the cluster asks
/// for it: a node secret of this name, set like any other (`luna secrets`).
public enum NodeSecret {
    public static let name = "luna-node-secret"
}
