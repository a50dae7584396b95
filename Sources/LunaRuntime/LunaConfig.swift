import Foundation
import LunaServices

/// `luna.ini`, read once at start-up. Command-line options override single values for
/// one run, so tests and scripts can start controllers side by side.
public struct LunaConfig: Sendable {
    public var name: String
    public var bind: String
    public var port: Int
    public var dataDirectory: String
    public var bootstrap: String?
    public var fsync: Bool
    /// How old, in milliseconds, a stable event is before compaction folds it into the snapshot.
    public var compactAge: Int64
    public var username: String
    public var password: String
    /// The login a node's initrd carries: it gets a node's provision token at `/tpm`, never
    /// an admin token. Nil: nodes log in with the admin pair, as luna2's did.
    public var nodeLogin: (username: String, password: String)?
    public var secretKey: String
    public var tokenLifetime: Int
    /// HTTPS for the API: PEM certificate (chain) and key paths; nil serves plain HTTP.
    public var tls: (certificate: String, key: String)?
    /// Replication with peers; nil for a controller on its own.
    public var replication: Replication?
    /// Boot templates, shipped plugins, a site's own plugin folder (mirrored from the log
    /// and watched for the site's edits), and the image files `/files` serves.
    public var templates: String
    public var plugins: String
    public var sitePlugins: String?
    public var imageFiles: String
    /// How long an image file no image or tag names any more is kept before it is removed (ms).
    public var keepUnreferenced: Int64
    /// `[IMAGES]`: the private key for the nodes' root login (grab, push), and how many
    /// nodes a push copies to at once.
    public var sshKey: String?
    public var pushConcurrency: Int
    /// `[IMAGES] TREES`: where this controller keeps image trees (`<TREES>/<image>`); unset,
    /// at each image's path.
    public var trees: String?
    /// `[TORRENT] SEED_PORT`: where this controller seeds the image torrents; nil with `SEED = no`.
    public var seedPort: Int?
    /// `[CONTROL]`: how BMC requests run here.
    public var control: ControlSettings
    /// `[SWITCHES] SCAN_INTERVAL`: how often the master reads the switches' forwarding tables (ms).
    public var switchScanInterval: Int64
    /// The daemons this controller reconciles and controls, if any.
    public var services: ServiceSettings
    /// `[BEACON]`: how this controller takes part in holding the beacon address; nil for not at all.
    public var beacon: Beacon?

    public struct Replication: Sendable {
        public var bind: String
        public var port: Int
        public var certificates: String
        /// Peer controller names and the `host:port` of their replication listeners.
        public var peers: [String: String]
        public var pullInterval: Int64
        /// The host:port peers reach this controller's listener at (told them on joining).
        public var advertise: String
    }

    public struct Overrides: Sendable {
        public var dataDirectory: String?
        public var port: Int?
        public var bootstrap: String?
        public var name: String?

        public init(dataDirectory: String? = nil, port: Int? = nil, bootstrap: String? = nil, name: String? = nil) {
            self.dataDirectory = dataDirectory
            self.port = port
            self.bootstrap = bootstrap
            self.name = name
        }
    }

    /// Every section and key lunad reads; anything else in the file stops start-up.
    public static let knownKeys: [String: Set<String>] = [
        "CONTROLLER": ["NAME"],
        "API": [
            "BIND", "PORT", "USERNAME", "PASSWORD", "SECRET_KEY", "EXPIRY", "TLS_CERTIFICATE", "TLS_KEY", "NODE_USERNAME",
            "NODE_PASSWORD",
        ],
        "DATA": ["DIRECTORY", "BOOTSTRAP", "FSYNC", "COMPACT_AGE"],
        "REPLICATION": ["PORT", "CERTIFICATES", "PEERS", "PULL_INTERVAL", "BIND", "ADVERTISE"],
        "FILES": ["IMAGE_FILES", "KEEP_UNREFERENCED"],
        "IMAGES": ["SSH_KEY", "PUSH_CONCURRENCY", "TREES"],
        "TORRENT": ["SEED", "SEED_PORT"],
        "CONTROL": ["CONCURRENCY", "TIMEOUT", "RETRIES"],
        "SWITCHES": ["SCAN_INTERVAL"],
        "TEMPLATES": ["DIRECTORY"],
        "PLUGINS": ["DIRECTORY", "SITE_DIRECTORY"],
        "SERVICES": Set(
            ["DHCP", "DHCP6"].flatMap { prefix in
                ["", "_CONFIG", "_INTERFACES", "_SOCKET", "_LEASES", "_RELOAD", "_CONTROL"].map { prefix + $0 }
            } + ["DNS", "DNS_DIRECTORY", "DNS_RELOAD", "DNS_CONTROL", "TFTP", "TFTP_DIRECTORY", "TFTP_CONTROL", "IPXE_DIRECTORY"]),
        "BEACON": ["MODE", "INTERFACE", "TIEBREAKER", "LEASE", "KEEPALIVED_CONFIG", "KEEPALIVED_RELOAD"],
    ]

    /// Reads and checks the file; the error names the file, section and key at fault.
    public static func load(path: String, overrides: Overrides = Overrides()) throws -> LunaConfig {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw IniFile.Failure(description: "\(path): the configuration file cannot be read")
        }
        let ini = try IniFile(path: path, text: text)
        try ini.requireKnown(knownKeys)
        func required(_ section: String, _ key: String) throws -> String {
            guard let value = ini.value(section, key), !value.isEmpty else {
                throw ini.failure(section, key, "is missing; it is required")
            }
            return value
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ value: String) -> String {
            value.hasPrefix("/") ? value : base.appendingPathComponent(value).standardizedFileURL.path
        }
        let name = try overrides.name ?? required("CONTROLLER", "NAME")
        guard name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw ini.failure("CONTROLLER", "NAME", "= \(name) must be lowercase letters, digits and '-'")
        }
        let portText = try required("API", "PORT")
        guard let filePort = Int(portText), (1...65535).contains(filePort) else {
            throw ini.failure("API", "PORT", "= \(portText) is not a port number (1-65535)")
        }
        let fsyncText = ini.value("DATA", "FSYNC") ?? "yes"
        guard let fsync = ["yes": true, "true": true, "no": false, "false": false][fsyncText.lowercased()] else {
            throw ini.failure("DATA", "FSYNC", "= \(fsyncText) must be yes or no")
        }
        let ageText = ini.value("DATA", "COMPACT_AGE") ?? "1h"
        guard let compactAge = parseAge(ageText) else {
            throw ini.failure("DATA", "COMPACT_AGE", "= \(ageText) is not a duration like 1h, 30m, 90s or 0s")
        }
        let keepText = ini.value("FILES", "KEEP_UNREFERENCED") ?? "1h"
        guard let keepUnreferenced = parseAge(keepText) else {
            throw ini.failure("FILES", "KEEP_UNREFERENCED", "= \(keepText) is not a duration like 1h, 30m, 90s or 0s")
        }
        let sshKey = ini.value("IMAGES", "SSH_KEY").flatMap { $0.isEmpty ? nil : resolve($0) }
        if let sshKey {
            guard FileManager.default.isReadableFile(atPath: sshKey) else {
                throw ini.failure("IMAGES", "SSH_KEY", "= \(sshKey) is not a readable private key")
            }
            // rsync hands ssh's command line to a shell-like splitter.
            guard !sshKey.contains(where: { $0 == " " || $0 == "'" || $0 == "\"" || $0 == "\\" }) else {
                throw ini.failure("IMAGES", "SSH_KEY", "= \(sshKey) must be a path without spaces or quotes")
            }
        }
        let concurrencyText = ini.value("IMAGES", "PUSH_CONCURRENCY") ?? "16"
        guard let pushConcurrency = Int(concurrencyText), (1...1000).contains(pushConcurrency) else {
            throw ini.failure("IMAGES", "PUSH_CONCURRENCY", "= \(concurrencyText) must be a number of nodes from 1 to 1000")
        }
        let expiry = ini.value("API", "EXPIRY") ?? "24h"
        guard let lifetime = parseDuration(expiry) else {
            throw ini.failure("API", "EXPIRY", "= \(expiry) is not a duration like 24h, 30m or 3600s")
        }
        let secret = try required("API", "SECRET_KEY")
        guard secret.utf8.count >= 32 else { throw ini.failure("API", "SECRET_KEY", "must be at least 32 characters") }
        let replication = try readReplication(ini, resolve: resolve, bind: ini.value("API", "BIND") ?? "127.0.0.1")
        let tls = try readTLS(ini, resolve: resolve)
        let nodeLogin: (String, String)?
        switch (
            ini.value("API", "NODE_USERNAME").flatMap { $0.isEmpty ? nil : $0 },
            ini.value("API", "NODE_PASSWORD").flatMap { $0.isEmpty ? nil : $0 }
        ) {
        case (nil, nil): nodeLogin = nil
        case (let user?, let password?): nodeLogin = (user, password)
        case (nil, _): throw ini.failure("API", "NODE_USERNAME", "is missing; a node login needs NODE_USERNAME and NODE_PASSWORD")
        case (_, nil): throw ini.failure("API", "NODE_PASSWORD", "is missing; a node login needs NODE_USERNAME and NODE_PASSWORD")
        }
        let dataDirectory = try overrides.dataDirectory ?? resolve(required("DATA", "DIRECTORY"))
        func folder(_ section: String, _ key: String) throws -> String {
            let path = try resolve(required(section, key))
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ini.failure(section, key, "= \(path) is not a folder")
            }
            return path
        }
        return LunaConfig(
            name: name, bind: ini.value("API", "BIND") ?? "127.0.0.1", port: overrides.port ?? filePort,
            dataDirectory: dataDirectory,
            bootstrap: overrides.bootstrap ?? ini.value("DATA", "BOOTSTRAP").map(resolve), fsync: fsync,
            compactAge: compactAge,
            username: try required("API", "USERNAME"), password: try required("API", "PASSWORD"), nodeLogin: nodeLogin,
            secretKey: secret,
            tokenLifetime: lifetime, tls: tls, replication: replication,
            templates: try folder("TEMPLATES", "DIRECTORY"), plugins: try folder("PLUGINS", "DIRECTORY"),
            sitePlugins: ini.value("PLUGINS", "SITE_DIRECTORY").flatMap { $0.isEmpty ? nil : resolve($0) },
            imageFiles: ini.value("FILES", "IMAGE_FILES").flatMap { $0.isEmpty ? nil : resolve($0) } ?? dataDirectory + "/files",
            keepUnreferenced: keepUnreferenced, sshKey: sshKey, pushConcurrency: pushConcurrency,
            trees: ini.value("IMAGES", "TREES").flatMap { $0.isEmpty ? nil : resolve($0) },
            seedPort: try readSeedPort(ini),
            control: try ControlSettings(ini),
            switchScanInterval: try readScanInterval(ini),
            services: try readServices(ini, resolve: resolve),
            beacon: try readBeacon(ini, resolve: resolve))
    }

    /// `[SWITCHES] SCAN_INTERVAL`: 60 s unless set; at least a second.
    static func readScanInterval(_ ini: IniFile) throws -> Int64 {
        let text = ini.value("SWITCHES", "SCAN_INTERVAL") ?? "60s"
        guard let milliseconds = parseAge(text), milliseconds >= 1000 else {
            throw ini.failure("SWITCHES", "SCAN_INTERVAL", "= \(text) must be a duration of a second or more, like 60s")
        }
        return milliseconds
    }

    /// `[TORRENT]`: seeding is on unless `SEED = no`, on `SEED_PORT` (6881 by default).
    static func readSeedPort(_ ini: IniFile) throws -> Int? {
        let seed = ini.value("TORRENT", "SEED") ?? "yes"
        guard let seeding = ["yes": true, "true": true, "no": false, "false": false][seed.lowercased()] else {
            throw ini.failure("TORRENT", "SEED", "= \(seed) must be yes or no")
        }
        let portText = ini.value("TORRENT", "SEED_PORT") ?? "6881"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw ini.failure("TORRENT", "SEED_PORT", "= \(portText) is not a port number (1-65535)")
        }
        return seeding ? port : nil
    }

    /// `[API] TLS_CERTIFICATE` and `TLS_KEY`: both or neither, and both readable.
    static func readTLS(_ ini: IniFile, resolve: (String) -> String) throws -> (certificate: String, key: String)? {
        let certificate = ini.value("API", "TLS_CERTIFICATE").flatMap { $0.isEmpty ? nil : resolve($0) }
        let key = ini.value("API", "TLS_KEY").flatMap { $0.isEmpty ? nil : resolve($0) }
        switch (certificate, key) {
        case (nil, nil): return nil
        case (let certificate?, let key?):
            for (name, file) in [("TLS_CERTIFICATE", certificate), ("TLS_KEY", key)]
            where !FileManager.default.isReadableFile(atPath: file) {
                throw ini.failure("API", name, "= \(file) cannot be read")
            }
            return (certificate, key)
        case (nil, _): throw ini.failure("API", "TLS_CERTIFICATE", "is missing; HTTPS needs both TLS_CERTIFICATE and TLS_KEY")
        case (_, nil): throw ini.failure("API", "TLS_KEY", "is missing; HTTPS needs both TLS_CERTIFICATE and TLS_KEY")
        }
    }

    /// `[REPLICATION]`: PORT, CERTIFICATES, PEERS (`name=host:port, …`), PULL_INTERVAL, BIND, ADVERTISE.
    static func readReplication(_ ini: IniFile, resolve: (String) -> String, bind: String) throws -> Replication? {
        guard let portText = ini.value("REPLICATION", "PORT") else { return nil }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw ini.failure("REPLICATION", "PORT", "= \(portText) is not a port number (1-65535)")
        }
        guard let certificates = ini.value("REPLICATION", "CERTIFICATES"), !certificates.isEmpty else {
            throw ini.failure(
                "REPLICATION", "CERTIFICATES", "is missing; replication needs the folder `luna cluster certs` wrote")
        }
        var peers: [String: String] = [:]
        for entry in (ini.value("REPLICATION", "PEERS") ?? "").split(separator: ",") {
            let parts = entry.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains(":") else {
                throw ini.failure("REPLICATION", "PEERS", "has '\(entry)': each peer reads name=host:port")
            }
            peers[parts[0]] = parts[1]
        }
        let intervalText = ini.value("REPLICATION", "PULL_INTERVAL") ?? "1s"
        guard let interval = parseMillis(intervalText) else {
            throw ini.failure("REPLICATION", "PULL_INTERVAL", "= \(intervalText) is not a duration like 1s or 250ms")
        }
        let listenOn = ini.value("REPLICATION", "BIND") ?? bind
        let advertise = ini.value("REPLICATION", "ADVERTISE") ?? "\(listenOn):\(port)"
        guard !["0.0.0.0:", "[::]:", ":::"].contains(where: advertise.hasPrefix) else {
            throw ini.failure(
                "REPLICATION", "ADVERTISE",
                "is needed when BIND listens on every address: the host:port peers reach this controller at")
        }
        return Replication(
            bind: listenOn, port: port, certificates: resolve(certificates), peers: peers, pullInterval: interval,
            advertise: advertise)
    }

    /// A positive duration in milliseconds (`250ms`, `1s`, `2m`).
    static func parseMillis(_ text: String) -> Int64? {
        parseAge(text).flatMap { $0 > 0 ? $0 : nil }
    }

    /// An age in milliseconds: `1h`, `30m`, `90s`, `500ms`, or `0s` (fold every stable event).
    static func parseAge(_ text: String) -> Int64? {
        for (suffix, unit) in [("ms", Int64(1)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where text.hasSuffix(suffix) {
            guard let value = Int64(text.dropLast(suffix.count)), value >= 0, value <= Int64.max / unit else { return nil }
            return value * unit
        }
        return nil
    }

    /// luna2's durations: `24h`, `30m`, `90s`; a bare number is hours.
    static func parseDuration(_ text: String) -> Int? {
        let units: [Character: Int] = ["h": 3600, "m": 60, "s": 1]
        if let last = text.last, let unit = units[last], let value = Int(text.dropLast()), value > 0 { return value * unit }
        return Int(text).flatMap { $0 > 0 ? $0 * 3600 : nil }
    }
}
