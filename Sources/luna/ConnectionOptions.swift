import ArgumentParser
import Foundation

/// Where the API is and who logs in. Each setting comes from its option, else from the
/// environment (LUNA_URL, LUNA_USERNAME, LUNA_PASSWORD), else from the [API] section of
/// cli.ini, else luna2's defaults: scripts set the environment once, people keep a file.
struct ConnectionOptions: ParsableArguments {
    @Option(help: "The API of any controller (else LUNA_URL, cli.ini [API] URL, http://127.0.0.1:7050).")
    var url: String?

    @Option(help: "The admin login (else LUNA_USERNAME, cli.ini [API] USERNAME, luna).")
    var username: String?

    @Option(help: "The admin password (else LUNA_PASSWORD, cli.ini [API] PASSWORD, luna).")
    var password: String?

    @Option(
        name: .customLong("cli-config"),
        help: "The CLI's ini file (default $XDG_CONFIG_HOME/luna/cli.ini or ~/.config/luna/cli.ini).")
    var cliConfig: String?

    func settings(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ConnectionSettings {
        let file = try CLIConfigFile.load(explicit: cliConfig, environment: environment)
        func pick(_ option: String?, _ variable: String, _ key: String, _ fallback: String) -> String {
            option ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? file?.value("API", key) ?? fallback
        }
        let url = pick(self.url, "LUNA_URL", "URL", "http://127.0.0.1:7050")
        guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""),
            components.host?.isEmpty == false
        else {
            throw CommandFailure(description: "the API URL '\(url)' is not an http:// or https:// URL with a host")
        }
        return ConnectionSettings(
            url: url.hasSuffix("/") ? String(url.dropLast()) : url,
            username: pick(username, "LUNA_USERNAME", "USERNAME", "luna"),
            password: pick(password, "LUNA_PASSWORD", "PASSWORD", "luna"))
    }
}

/// The resolved connection: one API and one login.
struct ConnectionSettings: Sendable {
    var url: String
    var username: String
    var password: String
}
