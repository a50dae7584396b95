import Foundation
import LunaDomain
import LunaModel

/// The plugins chosen for one node's installer (luna2's hierarchy, spec §6.4) and the
/// values rendered into it.
struct InstallerPlan {
    var assembly = InstallerAssembly()
    var context: [String: any Sendable] = [:]

    init(node: NodeFacts, state: ClusterState, plugins: PluginLibrary, unseal: (JSONValue) -> String?) throws(BootFailure) {
        let site = state.rows(.plugin)
        guard !node.isKickstart else {
            throw BootFailure(
                "OS image \(node.image) is installed by kickstart: node \(node.name) boots the OS installer instead")
        }
        guard let imageFile = node.imageFile else {
            throw BootFailure(
                "imagefile has no value: make sure OS image \(node.image) is packed (luna osimage pack \(node.image)). Node \(node.name) cannot boot"
            )
        }
        func plugin(_ category: String, _ levels: [String?], release: String? = nil) throws(BootFailure) -> PluginFile {
            guard let found = plugins.find(category, levels: levels, release: release, site: site) else {
                throw BootFailure("no \(category) plugin for node \(node.name), not even \(category)/default.sh")
            }
            assembly.sources.append(found.identity)
            return found
        }
        // Provision methods: primary then fallback, each once.
        var methods: [String] = []
        for field in ["provision_method", "provision_fallback"] {
            if let method = node.setting(field)?.stringValue, PluginLibrary.isWord(method), !methods.contains(method) {
                methods.append(method)
            }
        }
        guard !methods.isEmpty else { throw BootFailure("provision_method has no value. Node \(node.name) cannot boot") }
        for method in methods {
            assembly.sources.append(method)
            let provision = try plugin("boot/provision", [method])
            assembly.fetchers.append((method.replacingDashes, provision.segment("fetch") ?? "return 1"))
        }
        let network = try plugin("boot/network", [node.distribution], release: node.release)
        for (marker, segment) in [("NETWORK INIT", "init"), ("NETWORK INTERFACE", "interface"), ("NETWORK FINISH", "finish")] {
            assembly.segments[marker] = network.segment(segment)
        }
        let scripts = try plugin("boot/scripts", [node.name, node.group, node.distribution])
        for part in ["prescript", "partscript", "postscript"] {
            assembly.segments["SCRIPT \(part.uppercased())"] = scripts.segment(part)
        }
        let setupBMC = node.flag("setupbmc")
        if setupBMC {
            assembly.segments["BMC"] = try plugin("boot/bmc", [node.name, node.group]).segment("config")
            context["BMC"] = try BMCFacts(node: node, state: state, unseal: unseal).context
        }
        let roles = Self.words(node.setting("roles"))
        var roleFiles: [TemplateRecord] = []
        for role in roles {
            let found = try plugin("boot/roles", [role])
            roleFiles.append(
                TemplateRecord([
                    "name": role, "unit": (found.segment("unit") ?? "").replacingOccurrences(of: "ROLE", with: role),
                    "script": found.segment("script") ?? "",
                ]))
        }
        var extraScripts: [TemplateRecord] = []
        for name in Self.words(node.setting("scripts")) {
            guard let found = plugins.find("boot/scripts", levels: [name], site: site), found.origin.hasSuffix("/\(name).sh")
            else {
                throw BootFailure("script \(name) of node \(node.name) has no plugin boot/scripts/\(name).sh")
            }
            var fields: [String: any Sendable] = ["name": name]
            for part in ["prescript", "partscript", "postscript"] { fields[part] = found.segment(part) ?? "" }
            extraScripts.append(TemplateRecord(fields))
        }
        let interfaces = InterfaceFacts.all(of: node, state: state)
        context.merge(
            [
                "NODE_NAME": node.name, "NODE_HOSTNAME": node.name, "LUNA_GROUP": node.group,
                "LUNA_DISTRIBUTION": node.distribution, "LUNA_OSRELEASE": node.release ?? "",
                "LUNA_IMAGEFILE": imageFile, "LUNA_SYSTEMROOT": "/sysroot",
                "PROVISION_METHODS": methods.map(\.replacingDashes).joined(separator: " "),
                "LUNA_PRESCRIPT": Base64Text.decode(node.setting("prescript")?.stringValue ?? ""),
                "LUNA_PARTSCRIPT": Base64Text.decode(node.setting("partscript")?.stringValue ?? ""),
                "LUNA_POSTSCRIPT": Base64Text.decode(node.setting("postscript")?.stringValue ?? ""),
                "LUNA_SETUPBMC": setupBMC, "ROLES": roleFiles, "SCRIPTS": extraScripts,
                "INTERFACES": interfaces.map(\.context),
                "PROVISION_INTERFACE": node.provisionInterface,
                "PROVISION_DHCP": interfaces.first(where: \.provisioning)?.dhcp ?? false,
            ],
            uniquingKeysWith: { $1 })
    }

    /// A list setting (`roles`, `scripts`): comma- or space-separated words.
    static func words(_ value: JSONValue?) -> [String] {
        (value?.stringValue ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            .filter(PluginLibrary.isWord)
    }
}

extension String {
    /// A method name as part of a bash function name.
    var replacingDashes: String { replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "_") }
}
