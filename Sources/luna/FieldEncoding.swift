import Foundation
import LunaModel

/// How the API wants a field's value. luna2's CLI sends comments, scripts and options
/// base64-encoded (they may hold quotes and newlines, which luna2's input filter would
/// strip), and booleans and numbers as JSON; every other field is the text typed.
/// Keyed by field name: a name means the same in every resource.
enum FieldEncoding {
    static let base64: Set<String> = [
        "comment", "options", "content", "prescript", "partscript", "postscript", "grab_filesystems", "grab_exclude",
        "kerneloptions", "ztpconfig",
    ]

    static let booleans: Set<String> = [
        "debug", "security", "createnode_ondemand", "createnode_macashost", "nextnode_discover", "packing_bootpause",
        "bind_legacy", "dnssec_enable", "dnssec_validation", "dhcp", "dhcp_nodes_in_pool", "dhcp_nodes_only",
        "non_authoritative", "setupbmc", "netboot", "bootmenu", "service", "force", "syncimages",
    ]

    static let integers: Set<String> = [
        "userid", "netchannel", "mgmtchannel", "gateway_metric", "mtu", "vlanid", "size", "metric",
    ]

    /// The JSON value sent for `text` typed as `field`; an empty text clears the field.
    static func value(_ text: String, for field: String) throws -> JSONValue {
        guard !text.isEmpty else { return .string("") }
        if booleans.contains(field) {
            switch text.lowercased() {
            case "yes", "y", "true": return .bool(true)
            case "no", "n", "false": return .bool(false)
            default: throw CommandFailure(description: "\(field) takes yes or no (or true or false), not '\(text)'")
            }
        }
        if integers.contains(field) {
            guard let number = Int(text) else {
                throw CommandFailure(description: "\(field) takes a whole number, not '\(text)'")
            }
            return .int(number)
        }
        if base64.contains(field) { return .string(Data(text.utf8).base64EncodedString()) }
        return .string(text)
    }

    /// A base64 field as text again, for people; values that do not decode to printable
    /// text (set by other clients, or plain text like the bootstrap's) are shown as stored.
    static func display(_ text: String, for field: String) -> String {
        guard base64.contains(field), let data = Data(base64Encoded: text), !data.isEmpty,
            let decoded = String(data: data, encoding: .utf8),
            decoded.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F || $0 == "\n" || $0 == "\t" })
        else { return text }
        return decoded
    }
}
