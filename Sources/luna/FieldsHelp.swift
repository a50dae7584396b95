import ArgumentParser

/// The help text of a command that sets fields: which `--field` options it takes and
/// how values are typed.
enum FieldsHelp {
    static func discussion(_ fields: [String]) -> String {
        let booleans = fields.filter(FieldEncoding.booleans.contains)
        let encoded = fields.filter(FieldEncoding.base64.contains)
        var text = "Fields, each as --FIELD VALUE: \(fields.joined(separator: ", ")).\n"
        text += "An empty VALUE ('') clears a field. --set FIELD=VALUE sends a field this list lacks."
        if !booleans.isEmpty { text += "\n\(booleans.joined(separator: ", ")) take yes or no." }
        if !encoded.isEmpty { text += "\n\(encoded.joined(separator: ", ")) are sent base64-encoded, as the API expects." }
        if fields.contains("username") || fields.contains("password") {
            text += "\nHere --username and --password set these fields, as in luna2-cli; the API login then comes from "
            text += "LUNA_USERNAME, LUNA_PASSWORD or cli.ini."
        }
        return text
    }
}

/// The arguments every field-setting command shares: the words (names and `--field
/// value` pairs, parsed by `FieldArguments`) and `--set`.
struct FieldOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Set any field, as FIELD=VALUE (repeatable).", valueName: "field=value"))
    var sets: [String] = []

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp(
            "The names the usage line shows (NAME may be a host list like node[001-004]), then --FIELD VALUE for each field.",
            valueName: "names-and-fields"))
    var words: [String] = []

    /// A BMC setup has fields named like the login options; ArgumentParser hands their
    /// values to `connection`, from which they are taken back as fields.
    func parse(fields: [String], usage: [String], noun: String, connection: inout ConnectionOptions) throws
        -> FieldArguments
    {
        var result = try FieldArguments.parse(words, sets: sets, fields: fields, usage: usage, noun: noun)
        if fields.contains("username"), let username = connection.username {
            result.fields["username"] = try FieldEncoding.value(username, for: "username")
            connection.username = nil
        }
        if fields.contains("password"), let password = connection.password {
            result.fields["password"] = try FieldEncoding.value(password, for: "password")
            connection.password = nil
        }
        return result
    }
}
