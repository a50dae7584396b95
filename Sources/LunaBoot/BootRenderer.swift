import Foundation
import LunaDomain
import LunaModel

/// Everything a booting node is sent, rendered from the views at request time: iPXE
/// scripts for the firmware, the installer for the initramfs, kickstart files, roles
/// and scripts. A node that cannot boot is sent the failure script with the reason.
public struct BootRenderer: Sendable {
    public let templates: TemplateLibrary
    public let plugins: PluginLibrary
    /// This controller's API protocol (`http` or `https`) and whether nodes check its certificate.
    public let scheme: String
    public let verifyCertificate: Bool
    let menus = RenderMemo(capacity: 8)
    /// Boot scripts are a few hundred bytes: one for every node of a large cluster fits.
    let nodeBoots = RenderMemo(capacity: 16384)

    public init(templates: TemplateLibrary, plugins: PluginLibrary, scheme: String = "http", verifyCertificate: Bool = false) {
        self.templates = templates
        self.plugins = plugins
        self.scheme = scheme
        self.verifyCertificate = verifyCertificate
    }

    /// `/boot` (the menu) and `/boot/short` (no node or group menus).
    public func menu(state: ClusterState, short: Bool) throws(LunaError) -> String {
        let endpoint: ControllerEndpoint
        do {
            endpoint = try ControllerEndpoint(state: state, scheme: scheme)
        } catch {
            return try templates.render("boot-failed.ipxe", ["REASON": error.message, "LUNA_URL": ""])
        }
        var context: [String: any Sendable] = [
            "LUNA_URL": endpoint.url, "CLUSTER": clusterName(state), "NICS": (0..<8).map(String.init),
        ]
        let name = short ? "boot-menu-short.ipxe" : "boot-menu.ipxe"
        guard !short else { return try templates.render(name, context) }
        let nodes = state.keys(.node)
        let unassigned = nodes.filter { !hasMAC($0, state: state) }
        let groups = state.keys(.group)
        context["NODES"] = nodes
        context["UNASSIGNED"] = unassigned
        context["GROUPS"] = groups
        let source = try templates.source(name).key
        let key = [
            source, endpoint.url, clusterName(state), nodes.joined(separator: " "), unassigned.joined(separator: " "),
            groups.joined(separator: " "),
        ].joined(separator: "\u{0}")
        return try menus.text(for: key) { () throws(LunaError) in try templates.render(name, context) }
    }

    /// `/boot/disk`: boot the local disk.
    public func disk(state: ClusterState) throws(LunaError) -> String {
        let url = (try? ControllerEndpoint(state: state, scheme: scheme).url) ?? ""
        return try templates.render("boot-disk.ipxe", ["LUNA_URL": url])
    }

    /// The iPXE script for a MAC that belongs to no node and could not be bound to one.
    public func unknownMAC(_ mac: String, state: ClusterState) throws(LunaError) -> String {
        try failed("No config or autodetect available for node with MAC address \(mac)", state: state)
    }

    /// The iPXE script that says why this machine cannot boot, then starts over.
    public func failed(_ reason: String, state: ClusterState) throws(LunaError) -> String {
        let url = (try? ControllerEndpoint(state: state, scheme: scheme).url) ?? ""
        return try templates.render("boot-failed.ipxe", ["REASON": reason, "LUNA_URL": url])
    }

    /// The node boot script: kernel, initrd and luna2's kernel command line; the local
    /// disk when the node does not netboot; the failure script when a value is missing.
    public func nodeBoot(_ name: String, state: ClusterState) throws(LunaError) -> String {
        switch Result(catching: { () throws(BootFailure) in try nodeBootContext(name, state: state) }) {
        case .success(let (template, context)):
            let key = try templates.source(template).key + context.keys.sorted().map { "\u{0}\($0)=\(context[$0]!)" }.joined()
            return try nodeBoots.text(for: key) { () throws(LunaError) in try templates.render(template, context) }
        case .failure(let failure): return try failed(failure.reason, state: state)
        }
    }

    func nodeBootContext(_ name: String, state: ClusterState) throws(BootFailure) -> (String, [String: any Sendable]) {
        let node = try NodeFacts(state: state, node: name)
        let endpoint = try ControllerEndpoint.forBoot(state: state, scheme: scheme)
        if !node.flag("netboot") { return ("boot-disk.ipxe", ["LUNA_URL": endpoint.url]) }
        let interface = InterfaceFacts(name: node.provisionInterface, row: node.interfaceRow, provisioning: true, state: state)
        let (ip, gateway) = try interface.kernelAddress(node: name)
        guard !interface.mac.isEmpty else {
            throw BootFailure("interface \(interface.name) of node \(name) has no MAC address. Node \(name) cannot boot")
        }
        let context: [String: any Sendable] = [
            "LUNA_URL": endpoint.url, "FILES_URL": "\(endpoint.url)/files", "NODE_NAME": name, "NODE_HOSTNAME": name,
            "MAC": interface.mac, "IP": ip, "GATEWAY": gateway, "IPV4": interface.ipv4, "IPV6": interface.ipv6,
            "NETMASK": interface.netmask4, "KERNEL_FILE": node.kernelFile, "INITRD_FILE": node.initrdFile,
            "KERNEL_OPTIONS": node.kernelOptions, "VERIFYCERT": verifyCertificate ? "yes" : "no",
            "LOGHOST": endpoint.address, "SERVICE": node.row["service"] == .bool(true) ? "1" : "0",
        ]
        return (node.isKickstart ? "node-boot-kickstart.ipxe" : "node-boot.ipxe", context)
    }

    /// The installer for `name` with `token` embedded, or why it cannot be rendered.
    public func installer(
        _ name: String, token: String, state: ClusterState, unseal: (JSONValue) -> String?
    ) throws(LunaError) -> Result<String, BootFailure> {
        let template = try templates.source("install.sh")
        let planned = Result { () throws(BootFailure) in
            let node = try NodeFacts(state: state, node: name)
            let endpoint = try ControllerEndpoint.forBoot(state: state, scheme: scheme)
            let plan = try InstallerPlan(node: node, state: state, plugins: plugins, unseal: unseal)
            var context = plan.context
            context["LUNA_URL"] = endpoint.url
            context["LUNA_FILES_URL"] = "\(endpoint.url)/files"
            context["LUNA_TOKEN"] = token
            context["LUNA_VERIFYCERT"] = verifyCertificate ? "yes" : "no"
            return (plan.assembly, context)
        }
        switch planned {
        case .success(let (assembly, context)):
            let key = ([template.key] + assembly.sources).joined(separator: "|")
            return .success(
                try templates.render(key: key, name: "install.sh", source: { assembly.assemble(template.text) }, context))
        case .failure(let failure): return .failure(failure)
        }
    }

    /// Sent instead of the installer: prints the reason and exits 1, so the node's
    /// initramfs tries again later.
    public func failedInstaller(_ name: String, _ failure: BootFailure) throws(LunaError) -> String {
        try templates.render("install-failed.sh", ["REASON": failure.reason, "NODE_NAME": name])
    }

    /// `/kickstart/install/<node>`: the kickstart file for an image installed by anaconda.
    public func kickstart(_ name: String, state: ClusterState) throws(LunaError) -> Result<String, BootFailure> {
        let planned = Result { () throws(BootFailure) -> [String: any Sendable] in
            let node = try NodeFacts(state: state, node: name)
            let endpoint = try ControllerEndpoint.forBoot(state: state, scheme: scheme)
            return [
                "NODE_NAME": name, "LUNA_URL": endpoint.url, "IMAGE_PATH": node.imageRow["path"]?.stringValue ?? "",
                "INTERFACES": InterfaceFacts.all(of: node, state: state).map(\.context),
                "LUNA_PARTSCRIPT": Base64Text.decode(node.setting("partscript")?.stringValue ?? ""),
                "LUNA_POSTSCRIPT": Base64Text.decode(node.setting("postscript")?.stringValue ?? ""),
            ]
        }
        switch planned {
        case .success(let context): return .success(try templates.render("kickstart.cfg", context))
        case .failure(let failure): return .failure(failure)
        }
    }

    /// `/boot/roles/<role>`: the role's systemd unit and script (the default plugin's for
    /// a role without one, as luna2 answers).
    public func role(_ role: String, state: ClusterState) -> (unit: String, script: String)? {
        guard let plugin = plugins.find("boot/roles", levels: [role], site: state.rows(.plugin)) else { return nil }
        return (
            (plugin.segment("unit") ?? "").replacingOccurrences(of: "ROLE", with: role),
            plugin.segment("script") ?? ""
        )
    }

    /// `/boot/scripts/<script>`: its pre-, part- and postscript.
    public func script(_ name: String, state: ClusterState) -> [String: String]? {
        guard let plugin = plugins.find("boot/scripts", levels: [name], site: state.rows(.plugin)) else { return nil }
        return ["prescript", "partscript", "postscript"].reduce(into: [:]) { $0[$1] = plugin.segment($1) ?? "" }
    }

    func hasMAC(_ node: String, state: ClusterState) -> Bool {
        state.childKeys(.nodeinterface, of: node).contains { state.row(.nodeinterface, $0)?["macaddress"] != nil }
    }

    func clusterName(_ state: ClusterState) -> String {
        state.row(.cluster, "cluster")?["name"]?.stringValue ?? "cluster"
    }
}
