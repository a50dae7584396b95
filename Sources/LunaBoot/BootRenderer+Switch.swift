import LunaDomain
import LunaModel

/// Zero-touch provisioning of switches (`/boot/switch/<name>`): the recipe a switch's
/// ZTP agent fetches, and the commands it applies.
extension BootRenderer {
    public func switchRecipe(_ name: String, state: ClusterState) throws(LunaError) -> String {
        guard let row = state.row(.switch, name) else { throw .notFound("switch \(name) does not exist") }
        let endpoint: ControllerEndpoint
        do {
            endpoint = try ControllerEndpoint(state: state, scheme: scheme)
        } catch {
            throw LunaError(.unavailable, "Service unavailable: \(error.message)")
        }
        let image = row["default_url"]?.stringValue.flatMap { $0.isEmpty ? nil : "\(endpoint.url)/\($0)" } ?? ""
        let yaml = row["ztpconfig"]?.stringValue != nil && row["ztpformat"]?.stringValue?.lowercased() == "yaml"
        return try templates.render(
            "switch-ztp.json",
            [
                "SWITCH_NAME": name, "IMAGE_URL": image, "ZTP_FORMAT": yaml ? "yaml" : "commands",
                "COMMANDS_URL": "\(endpoint.url)/boot/switch/\(name)/commands", "CONNECTIVITY_HOST": endpoint.address,
            ])
    }

    /// The admin's own `ztpconfig` (base64 or text) when set, else a minimal default.
    public func switchCommands(_ name: String, state: ClusterState) throws(LunaError) -> String {
        guard let row = state.row(.switch, name) else { throw .notFound("switch \(name) does not exist") }
        if let config = row["ztpconfig"]?.stringValue, !config.isEmpty { return Base64Text.decode(config) }
        return try templates.render("switch-commands.cfg", ["SWITCH_NAME": name])
    }
}
