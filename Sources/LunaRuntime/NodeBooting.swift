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
    let hooks: InstallHooks?

    public init(controller: Controller, renderer: BootRenderer, hooks: InstallHooks? = nil) {
        self.controller = controller
        self.renderer = renderer
        self.hooks = hooks
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

    /// The views as they are now. Rendering happens on this copy, outside the controller's
    /// actor, so renders run side by side and never hold up writes.
    public func state() async -> ClusterState {
        await controller.read { $0 }
    }

    public func menu(short: Bool) async throws(LunaError) -> String {
        try renderer.menu(state: await state(), short: short)
    }

    public func disk() async throws(LunaError) -> String {
        try renderer.disk(state: await state())
    }

    /// `/boot/search/mac/<mac>`: the node that has the MAC, or the one discovery binds it
    /// to (next free node, a node made on demand), or the script that says there is none.
    public func search(mac text: String, by asker: Asker) async throws(LunaError) -> String {
        let mac = try MACAddress.normalize(text, field: "mac")
        let current = await state()
        return try await boot(DiscoveryChoice.forMAC(mac, in: current), mac: mac, in: current, by: asker)
    }

    /// `/boot/manual/group/<group>/<mac>`: the group's node with this MAC, else its next
    /// free node, else a new one.
    public func manual(group: String, mac text: String, by asker: Asker) async throws(LunaError) -> String {
        let mac = try MACAddress.normalize(text, field: "mac")
        let current = await state()
        return try await boot(DiscoveryChoice.inGroup(group, mac: mac, in: current), mac: mac, in: current, by: asker)
    }

    /// `/boot/manual/hostname/<node>/<mac>`: this node, with the MAC moved to it.
    public func manual(node: String, mac text: String, by asker: Asker) async throws(LunaError) -> String {
        let mac = try MACAddress.normalize(text, field: "mac")
        let current = await state()
        guard current.row(.node, node) != nil else { throw .notFound("Node \(node) not present in database") }
        let found: DiscoveryChoice = DiscoveryChoice.forMAC(mac, in: current).node == node ? .known(node) : .bind(node)
        return try await boot(found, mac: mac, in: current, by: asker)
    }

    /// Records what the choice says (a binding, a new node, a state) and renders the node's
    /// boot script; `current` is the state the choice was made on.
    private func boot(_ choice: DiscoveryChoice, mac: String, in current: ClusterState, by asker: Asker) async throws(LunaError)
        -> String
    {
        let node: String
        switch choice {
        case .none:
            return try renderer.unknownMAC(mac, state: current)
        case .known(let name):
            // Nothing changes for a node that is already at discovered: the script comes from the same state.
            guard current.row(.node, name)?["status"]?.stringValue != "install.discovered" else {
                return try renderer.nodeBoot(name, state: current)
            }
            node = name
            try await record("install.discovered", node: name, by: asker)
        case .bind(let name):
            node = name
            try await submit("Node.discover", name, ["mac": .string(mac), "time": now], by: asker)
            hooks?.stateChanged(node: name, group: current.row(.node, name)?["group"]?.stringValue, state: "install.discovered")
        case .create(let name, let group):
            node = name
            try await submit("Node.update", name, ["group": .string(group)], by: asker)
            try await submit("Node.discover", name, ["mac": .string(mac), "time": now], by: asker)
            hooks?.stateChanged(node: name, group: group, state: "install.discovered")
        }
        return try renderer.nodeBoot(node, state: await state())
    }

    /// `/boot/install/<node>`: the installer, with `token` for the node to use. A rendered
    /// installer moves the node to `install.rendered`.
    public func installer(_ node: String, token: String, by asker: Asker) async throws(LunaError) -> String {
        let key = controller.key
        let current = await state()
        guard current.row(.node, node) != nil else { throw .notFound("This node does not seem to exist") }
        let rendered = try renderer.installer(node, token: token, state: current, unseal: { key.open($0.stringValue ?? "") })
        switch rendered {
        case .success(let script):
            if current.row(.node, node)?["status"]?.stringValue != "install.rendered" {
                try await record("install.rendered", node: node, by: asker)
            }
            return script
        case .failure(let failure):
            return try renderer.failedInstaller(node, failure)
        }
    }

    /// A state a node reports, or one the controller sets for it.
    public func record(_ state: String, node: String, by asker: Asker) async throws(LunaError) {
        let row = await controller.read { $0.row(.node, node) }
        try await submit("Node.installState", node, ["state": .string(state), "time": now], by: asker)
        hooks?.stateChanged(node: node, group: row?["group"]?.stringValue, state: state)
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
