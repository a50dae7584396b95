import Foundation
import LunaModel

/// Follows a queued request (`/config/status/<request_id>`) until it ends, printing each
/// line as the controller hands it over. A line with a status other than 200 makes the
/// command fail with that line's words.
struct RequestFollower {
    let client: APIClient
    let request: String

    func follow() async throws {
        var failure: String?
        while true {
            let response = try await client.get("/config/status/\(request)")
            if response.status == 404 { break }
            let answer = try response.expect(200)
            let message = answer.json?["message"]?.stringValue ?? ""
            // "<time> :: <text>": the time is shown as the controller wrote it.
            let texts = message.split(separator: ";;").filter { !$0.isEmpty }.map {
                $0.components(separatedBy: " :: ").dropFirst().joined(separator: " :: ")
            }
            for line in message.split(separator: ";;") where !line.isEmpty {
                print(line.replacingOccurrences(of: " :: ", with: "  "))
            }
            // The status is the batch's: the failing line is the one that says error.
            if answer.json?["status"] != .int(200), failure == nil {
                failure = texts.last { $0.hasPrefix("error ") } ?? texts.last
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        if let failure { throw CommandFailure(description: failure) }
    }
}
