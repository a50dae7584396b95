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
