import Foundation

/// Points in time on the command line: ISO 8601 (`2026-11-25T14:00:00Z`, or without the
/// zone for UTC) or milliseconds since the epoch, as hybrid times print.
enum TimeArgument {
    static func millis(_ text: String) -> Int64? {
        if let millis = Int64(text) { return millis }
        let withZone = ISO8601DateFormatter()
        withZone.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        var candidates = [text]
        if !text.hasSuffix("Z"), !text.contains("+") { candidates.append(text.replacingOccurrences(of: " ", with: "T") + "Z") }
        for candidate in candidates {
            if let date = withZone.date(from: candidate) ?? plain.date(from: candidate) {
                return Int64(date.timeIntervalSince1970 * 1000)
            }
        }
        return nil
    }

    static func format(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
