import Foundation
import LunaModel
import LunaServices
import Testing

@Suite("Program runs")
struct ProgramRunTests {
    @Test func bothOutputsAndTheExitCodeAreKept() async throws {
        let finished = try await ProgramRun(["sh", "-c", "echo out; echo err >&2; exit 3"]).run()
        #expect(finished.status == .exited(3))
        #expect(finished.output == "out\nerr\n")
        #expect(!finished.succeeded)
    }

    @Test func aLongOutputKeepsItsEnd() async throws {
        let finished = try await ProgramRun(["sh", "-c", "head -c 300000 /dev/zero | tr '\\0' a; echo; echo the reason"]).run()
        #expect(finished.succeeded)
        #expect(finished.output.hasSuffix("a\nthe reason\n"))
        #expect(finished.output.utf8.count == 1 << 16)
    }

    @Test func aProgramOutlivingItsLimitIsKilledWithWhatItStarted() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("programrun-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pids = folder.appendingPathComponent("pids").path
        // The background sleep does not hold the output: killing the shell alone would leave it.
        let script = "sleep 300 >/dev/null 2>&1 & echo $! > \"$0\"; echo $$ >> \"$0\"; wait"
        await #expect(throws: LunaError.self) {
            try await ProgramRun(["sh", "-c", script, pids], timeout: .seconds(1)).run()
        }
        let started = try String(contentsOfFile: pids, encoding: .utf8).split(separator: "\n").compactMap { pid_t($0) }
        #expect(started.count == 2)
        // One left running fails the test and is killed, so a failure leaves nothing behind.
        for pid in started where await Self.stillRunning(pid) {
            Issue.record("process \(pid) is still running")
            kill(pid, SIGKILL)
        }
        do {
            _ = try await ProgramRun(["sh", "-c", "sleep 300"], timeout: .milliseconds(200)).run()
            Issue.record("a run past its limit was reported finished")
        } catch {
            #expect(error.message == "sh did not finish within 0.2 seconds")
        }
    }

    /// A process sent SIGKILL dies when the kernel next runs it, and may linger as a zombie
    /// until its new parent reaps it: running means neither within 10 s.
    private static func stillRunning(_ pid: pid_t) async -> Bool {
        for _ in 0..<100 {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), !stat.contains(") Z ")
            else { return false }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return true
    }

    @Test func aProgramThatCannotBeStartedIsNamed() async throws {
        do {
            _ = try await ProgramRun(["/nonexistent/luna-tool"]).run()
            Issue.record("a missing program was reported run")
        } catch {
            #expect(error.message.hasPrefix("/nonexistent/luna-tool could not be run"))
        }
    }
}
