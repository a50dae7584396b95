import LunaModel

/// The words after a write command: positional names, `--field value` (or
/// `--field=value`) for the fields the resource table knows, and `--set field=value`
/// for any other (sent as typed: the server says whether it takes it).
struct FieldArguments {
    var names: [String] = []
    var fields: [String: JSONValue] = [:]

    /// `usage` names the positionals expected (e.g. ["NAME", "NEW"]), for the message
    /// when their count is wrong.
    static func parse(_ words: [String], sets: [String], fields known: [String], usage: [String], noun: String) throws
        -> FieldArguments
    {
        var result = FieldArguments()
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("-"), word.count > 1 else {
                result.names.append(word)
                continue
            }
            guard word.hasPrefix("--") else { throw CommandFailure(description: "unknown option '\(word)'") }
            let option = word.dropFirst(2)
            let equals = option.firstIndex(of: "=")
            let field = String(option[..<(equals ?? option.endIndex)]).replacingOccurrences(of: "-", with: "_")
            guard known.contains(field) else {
                throw CommandFailure(
                    description: "\(noun) has no field '\(field)' (fields: \(known.joined(separator: ", "))); "
                        + "--set \(field)=VALUE sends it anyway")
            }
            let value: String
            if let equals {
                value = String(option[option.index(after: equals)...])
            } else {
                guard index < words.count else { throw CommandFailure(description: "--\(field) needs a value") }
                value = words[index]
                index += 1
            }
            result.fields[field] = try FieldEncoding.value(value, for: field)
        }
        for assignment in sets {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw CommandFailure(description: "--set takes field=value, not '\(assignment)'")
            }
            let field = String(assignment[..<equals])
            result.fields[field] = try FieldEncoding.value(String(assignment[assignment.index(after: equals)...]), for: field)
        }
        guard result.names.count == usage.count else {
            throw CommandFailure(
                description: "expected \(usage.joined(separator: " ")) before the fields, got "
                    + (result.names.isEmpty ? "nothing" : "'\(result.names.joined(separator: " "))'"))
        }
        return result
    }
}
