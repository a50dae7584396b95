import Foundation

/// A benchmark script of Deploy/ run in the foreground on the lunad and luna built beside
/// this benchmark (release or debug alike): it prints its own figures.
enum DeployScript {
    static func run(_ name: String, _ arguments: [String] = []) throws {
        fflush(nil)
        let script = Process()
        script.executableURL = BenchController.root.appendingPathComponent("Deploy/\(name)")
        var all = arguments
        if let folder = Bundle.main.executableURL?.deletingLastPathComponent().path { all += ["--bin", folder] }
        script.arguments = all
        try script.run()
        script.waitUntilExit()
        guard script.terminationStatus == 0 else {
            throw BenchFailure(description: "Deploy/\(name) failed (status \(script.terminationStatus))")
        }
    }
}
