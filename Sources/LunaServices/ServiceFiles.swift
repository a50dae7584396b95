import LunaDomain
import LunaModel

/// The files each service needs for the views at hand, with their checkers.
public enum ServiceFiles {
    public static func dhcp(_ state: ClusterState, controller: String, settings: ServiceSettings.DHCP, scheme: String)
        throws(LunaError) -> ServiceConfig
    {
        let site = site(settings, controller: controller, scheme: scheme)
        return kea(try KeaDHCP4(state: state, site: site).configuration(), settings, checker: "kea-dhcp4")
    }

    public static func dhcp6(_ state: ClusterState, controller: String, settings: ServiceSettings.DHCP, scheme: String)
        throws(LunaError) -> ServiceConfig
    {
        let site = site(settings, controller: controller, scheme: scheme)
        return kea(try KeaDHCP6(state: state, site: site).configuration(), settings, checker: "kea-dhcp6")
    }

    static func site(_ settings: ServiceSettings.DHCP, controller: String, scheme: String) -> KeaDHCP4.Site {
        KeaDHCP4.Site(
            controller: controller, interfaces: settings.interfaces, controlSocket: settings.controlSocket,
            leaseFile: settings.leaseFile, scheme: scheme)
    }

    /// One Kea configuration file, checked by the daemon that runs it (`kea-dhcp4 -t`).
    static func kea(_ configuration: JSONValue, _ settings: ServiceSettings.DHCP, checker: String) -> ServiceConfig {
        ServiceConfig(files: [
            .init(
                path: settings.config, content: configuration.canonicalText + "\n",
                check: ConfigCheck(tool: checker, arguments: ["-t"]))
        ])
    }

    public static func keepalived(_ state: ClusterState, controller: String, settings: ServiceSettings.Keepalived)
        throws(LunaError) -> ServiceConfig
    {
        let text = try KeepalivedConfig(state: state, controller: controller, interface: settings.interface).text()
        return ServiceConfig(files: [
            .init(
                path: settings.config, content: text, check: ConfigCheck(tool: "keepalived", arguments: ["--config-test", "-f"]))
        ])
    }

    public static func dns(_ state: ClusterState, settings: ServiceSettings.DNS) throws(LunaError) -> ServiceConfig {
        let bind = BINDZones(state: state)
        let zones = try bind.zones()
        let folder = settings.directory
        var files = zones.map { zone in
            ServiceConfig.File(
                path: "\(folder)/\(zone.name).luna.zone", content: zone.text,
                check: ConfigCheck(tool: "named-checkzone", arguments: [zone.name]))
        }
        files.append(
            .init(
                path: "\(folder)/zones.conf", content: bind.zonesConf(zones, directory: folder),
                check: ConfigCheck(tool: "named-checkconf", arguments: [])))
        files.append(
            .init(
                path: "\(folder)/options.conf", content: bind.optionsConf(directory: folder),
                check: ConfigCheck(tool: "named-checkconf", arguments: [])))
        return ServiceConfig(files: files, owned: (folder, ".luna.zone"))
    }
}
