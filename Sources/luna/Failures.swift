import ArgumentParser
import Foundation
import LunaRuntime

/// How a command fails: one line, `luna: <sentence>`, on stderr, and exit status 1. The
/// sentence is the server's own when the server refused.
enum Failures {
    static func report(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            say("\(error)")
            throw ExitCode(1)
        }
    }

    static func say(_ sentence: String) {
        FileHandle.standardError.write(Data("luna: \(sentence)\n".utf8))
    }

    /// Runs `action` for each name of a host list (`node[001-004]`), going on after a
    /// failure: each is reported with the name it concerns, and any failure makes the
    /// exit status 1 once every name was tried.
    static func forEach(_ hostList: String, _ action: (String) async throws -> Void) async throws {
        let names: [String]
        do {
            names = try HostList.expand(hostList)
        } catch {
            throw CommandFailure(description: error.description)
        }
        guard !names.isEmpty else { throw CommandFailure(description: "'\(hostList)' names nothing") }
        var failed = false
        for name in names {
            do {
                try await action(name)
            } catch let failure as CommandFailure {
                say(names.count == 1 ? failure.description : "\(name): \(failure.description)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
