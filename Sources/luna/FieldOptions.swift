import ArgumentParser

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
