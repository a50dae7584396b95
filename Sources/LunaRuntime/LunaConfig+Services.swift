import LunaServices

extension LunaConfig {
    /// `[BEACON] MODE`: Luna's own leases among the controllers, or keepalived's VRRP with
    /// a configuration Luna renders.
    public enum Beacon: Sendable {
        case luna(BeaconKeeper.Settings)
        case keepalived(interface: String, config: String, reload: [String])
    }

    /// `[SERVICES]`: DHCP (Kea, v4 and v6), DNS (BIND) and TFTP, each off unless set to yes,
    /// and the commands that start and stop each (`*_CONTROL`, `{action}` the action).
    static func readServices(_ ini: IniFile, resolve: (String) -> String) throws -> ServiceSettings {
        func flag(_ key: String) throws -> Bool {
            let text = ini.value("SERVICES", key) ?? "no"
            guard let value = ["yes": true, "true": true, "no": false, "false": false][text.lowercased()] else {
                throw ini.failure("SERVICES", key, "= \(text) must be yes or no")
            }
            return value
        }
        func words(_ key: String, _ fallback: String) -> [String] {
            (ini.value("SERVICES", key) ?? fallback).split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        }
        func path(_ key: String, _ fallback: String) -> String {
            resolve(ini.value("SERVICES", key).flatMap { $0.isEmpty ? nil : $0 } ?? fallback)
        }
        func dhcp(_ key: String, version: String) throws -> ServiceSettings.DHCP? {
            guard try flag(key) else { return nil }
            let interfaces = words("\(key)_INTERFACES", "")
            guard !interfaces.isEmpty else {
                throw ini.failure("SERVICES", "\(key)_INTERFACES", "is missing; Kea needs the interfaces it serves nodes on")
            }
            return ServiceSettings.DHCP(
                config: path("\(key)_CONFIG", "/etc/kea/kea-dhcp\(version).conf"), interfaces: interfaces,
                controlSocket: path("\(key)_SOCKET", "/run/kea/kea\(version)-ctrl-socket"),
                leaseFile: path("\(key)_LEASES", "/var/lib/kea/kea-leases\(version).csv"),
                reload: words("\(key)_RELOAD", "pkill -HUP -x kea-dhcp\(version)"))
        }
        var settings = ServiceSettings(dhcp: try dhcp("DHCP", version: "4"), dhcp6: try dhcp("DHCP6", version: "6"))
        if try flag("DNS") {
            settings.dns = ServiceSettings.DNS(
                directory: path("DNS_DIRECTORY", "/etc/bind/luna"), reload: words("DNS_RELOAD", "rndc reload"))
        }
        if try flag("TFTP") {
            settings.tftp = ServiceSettings.TFTP(
                directory: path("TFTP_DIRECTORY", "/srv/tftp"), ipxe: path("IPXE_DIRECTORY", "/usr/lib/ipxe"))
        }
        // Debian's unit names; a site with others (or no systemd) says so.
        let units = ["dhcp": "kea-dhcp4-server", "dhcp6": "kea-dhcp6-server", "dns": "named", "tftp": "tftpd-hpa"]
        let enabled = [
            "dhcp": settings.dhcp != nil, "dhcp6": settings.dhcp6 != nil, "dns": settings.dns != nil,
            "tftp": settings.tftp != nil,
        ]
        for (name, unit) in units {
            let key = "\(name.uppercased())_CONTROL"
            guard enabled[name] == true || ini.value("SERVICES", key) != nil else { continue }
            let command = words(key, "systemctl {action} \(unit)")
            guard command.contains("{action}") else {
                throw ini.failure("SERVICES", key, "= \(command.joined(separator: " ")) must have the argument {action}")
            }
            settings.controls[name] = ServiceControl(name: name, command: command)
        }
        return settings
    }

    /// `[BEACON]`: off without an INTERFACE; LEASE a duration (default 2400ms, at least 600ms):
    /// a dead holder is replaced within about one lease and a half.
    static func readBeacon(_ ini: IniFile, resolve: (String) -> String) throws -> Beacon? {
        guard let interface = ini.value("BEACON", "INTERFACE").flatMap({ $0.isEmpty ? nil : $0 }) else {
            if let mode = ini.value("BEACON", "MODE"), mode != "no" {
                throw ini.failure("BEACON", "INTERFACE", "is missing; the beacon address needs the interface it goes on")
            }
            return nil
        }
        switch ini.value("BEACON", "MODE") ?? "luna" {
        case "luna":
            let leaseText = ini.value("BEACON", "LEASE") ?? "2400ms"
            guard let lease = parseMillis(leaseText), lease >= 600 else {
                throw ini.failure("BEACON", "LEASE", "= \(leaseText) is not a duration of at least 600ms, like 3s")
            }
            let tiebreaker = ini.value("BEACON", "TIEBREAKER").flatMap { $0.isEmpty ? nil : $0 }
            return .luna(.init(interface: interface, tiebreaker: tiebreaker, lease: lease))
        case "keepalived":
            return .keepalived(
                interface: interface,
                config: resolve(ini.value("BEACON", "KEEPALIVED_CONFIG") ?? "/etc/keepalived/keepalived.conf"),
                reload: (ini.value("BEACON", "KEEPALIVED_RELOAD") ?? "pkill -HUP -x keepalived").split(separator: " ").map(
                    String.init))
        case "no":
            return nil
        case let other:
            throw ini.failure("BEACON", "MODE", "= \(other) must be luna, keepalived or no")
        }
    }
}
