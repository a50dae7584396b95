import Foundation
import LunaModel
import Testing

/// Where the CLI connects and as whom, and the token it keeps between invocations.
@Suite(.serialized)
struct ConnectionTests {
    @Test func theTokenIsCachedPrivatelyAndReused() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }

        #expect(try await cli.luna(["node", "list"]).exit == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.tokenFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let token = try String(contentsOfFile: cli.tokenFile, encoding: .utf8)
        #expect(token.split(separator: ".").count == 3, "a JWT")

        // While the cached token is good, no login happens: a wrong password goes unused.
        let reused = try await cli.luna(["node", "list", "--password", "wrong"])
        #expect(reused.exit == 0, "\(reused.err)")
        #expect(try String(contentsOfFile: cli.tokenFile, encoding: .utf8) == token)
    }

    @Test func aRefusedOrExpiredTokenIsRenewedOnce() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        #expect(try await cli.luna(["node", "list"]).exit == 0)

        // A token the server refuses (401 Token is invalid): one new login, with its answer.
        let forged = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDAsImlkIjowfQ.bm90IGEgc2lnbmF0dXJl"
        try forged.write(toFile: cli.tokenFile, atomically: true, encoding: .utf8)
        let refused = try await cli.luna(["node", "list", "--password", "wrong"])
        #expect(refused.exit == 1)
        #expect(refused.err == "luna: Incorrect password ******, check luna.ini\n")
        #expect(!FileManager.default.fileExists(atPath: cli.tokenFile), "a refused token is not kept")
        try forged.write(toFile: cli.tokenFile, atomically: true, encoding: .utf8)
        #expect(try await cli.luna(["node", "list"]).exit == 0)
        let renewed = try String(contentsOfFile: cli.tokenFile, encoding: .utf8)
        #expect(renewed.split(separator: ".").count == 3 && !renewed.hasPrefix(forged))

        // One whose exp claim has passed (1970) is not even sent.
        let expired = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjEsImlkIjowfQ.c2ln"
        try expired.write(toFile: cli.tokenFile, atomically: true, encoding: .utf8)
        #expect(try await cli.luna(["node", "show", "node001"]).exit == 0)
        #expect(try String(contentsOfFile: cli.tokenFile, encoding: .utf8) != expired)
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.tokenFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    /// Option over environment over cli.ini over the defaults.
    @Test func settingsFromOptionsEnvironmentAndTheConfigFile() async throws {
        let cli = try await CLIHarness()
        defer { cli.stop() }
        let noURL = ["LUNA_URL": ""]

        try FileManager.default.createDirectory(atPath: cli.configHome + "/luna", withIntermediateDirectories: true)
        let file = cli.configHome + "/luna/cli.ini"
        try "[API]\nURL = \(cli.url)\nUSERNAME = luna\nPASSWORD = wrong\n".write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try await cli.luna(["node", "list"], environment: noURL)
        #expect(fromFile.exit == 1, "the file's URL is used, and its password")
        #expect(fromFile.err == "luna: Incorrect password ******, check luna.ini\n")
        #expect(try await cli.luna(["node", "list"], environment: noURL.merging(["LUNA_PASSWORD": "luna"]) { $1 }).exit == 0)
        try? FileManager.default.removeItem(atPath: cli.tokenFile)
        #expect(try await cli.luna(["node", "list", "--password", "luna"], environment: noURL).exit == 0)
        try? FileManager.default.removeItem(atPath: cli.tokenFile)
        let user = try await cli.luna(["node", "list", "--username", "root"], environment: ["LUNA_PASSWORD": "luna"])
        #expect(user.err == "luna: User root does not exist\n")

        let other = cli.folder + "/other.ini"
        try "[API]\nURL = \(cli.url)\n".write(toFile: other, atomically: true, encoding: .utf8)
        #expect(try await cli.luna(["node", "list", "--cli-config", other], environment: noURL).exit == 0)
        let absent = try await cli.luna(["node", "list", "--cli-config", cli.folder + "/absent.ini"])
        #expect(absent.err == "luna: cannot read the CLI configuration \(cli.folder)/absent.ini\n")

    }
}
