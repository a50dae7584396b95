import Foundation
import LunaRuntime

/// The CLI's own ini file (`[API] URL, USERNAME, PASSWORD`), as luna2-cli keeps one.
enum CLIConfigFile {
    /// The file named by `--cli-config` must exist; the default one may be absent.
    static func load(explicit: String?, environment: [String: String]) throws -> IniFile? {
        let path = explicit ?? defaultPath(environment)
        guard let data = FileManager.default.contents(atPath: path) else {
            if explicit == nil { return nil }
            throw CommandFailure(description: "cannot read the CLI configuration \(path)")
        }
        return try IniFile(path: path, text: String(decoding: data, as: UTF8.self))
    }

    static func defaultPath(_ environment: [String: String]) -> String {
        UserDirectories.config(environment) + "/luna/cli.ini"
    }
}

/// The XDG base directories, with their documented fallbacks under the home directory.
enum UserDirectories {
    static func config(_ environment: [String: String]) -> String {
        base(environment, "XDG_CONFIG_HOME", fallback: ".config")
    }

    static func cache(_ environment: [String: String]) -> String {
        base(environment, "XDG_CACHE_HOME", fallback: ".cache")
    }

    private static func base(_ environment: [String: String], _ variable: String, fallback: String) -> String {
        if let path = environment[variable], path.hasPrefix("/") { return path }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/" + fallback
    }
}
