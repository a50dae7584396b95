import LunaModel

/// One event as `luna log inspect` prints it. Sealed secrets never appear: they read
/// `<encrypted>` in lines and in JSON alike.
enum EventSummary {
    static func line(_ event: Event, rejection: String?) -> String {
        var text = "\(event.id)  \(TimeArgument.format(event.time.millis))  \(event.actor)  \(event.intent)  \(event.object)"
        let changes = describe(event.payload)
        if !changes.isEmpty { text += "  " + changes }
        if let rejection { text += "  REJECTED: \(rejection)" }
        return text
    }

    static func json(_ event: Event, rejection: String?) -> JSONValue {
        var fields = event.jsonValue().objectValue!
        fields["id"] = .string(event.id.description)
        fields["time"] = .string(TimeArgument.format(event.time.millis))
        fields["payload"] = masked(event.payload)
        fields["outcome"] = rejection.map { .string("rejected: \($0)") } ?? .string("applied")
        return .object(fields)
    }

    /// `key=value` pairs, nested lists and objects kept short.
    static func describe(_ payload: JSONValue) -> String {
        guard let fields = payload.objectValue else { return "" }
        return fields.keys.sorted().map { key in "\(key)=\(short(masked(fields[key]!)))" }.joined(separator: ", ")
    }

    static func short(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text.count > 40 ? String(text.prefix(37)) + "..." : text
        case .null: return "(cleared)"
        case .array(let items): return "[" + items.map(short).joined(separator: "; ") + "]"
        case .object(let fields):
            return "{" + fields.keys.sorted().map { "\($0)=\(short(fields[$0]!))" }.joined(separator: ", ") + "}"
        default: return value.canonicalText
        }
    }

    static func masked(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text) where text.hasPrefix("enc:v1:"): return .string("<encrypted>")
        case .array(let items): return .array(items.map(masked))
        case .object(let fields): return .object(fields.mapValues(masked))
        default: return value
        }
    }
}
