import LunaModel

/// Extra host records in a network's zone (luna2's `/config/dns`): names that are not
/// nodes or devices, such as storage or a licence server. Keyed `network/host`.
enum DNSIntents {
    static let schema = FieldSchema(kind: "dns", fields: ["host": .name(.host), "ipaddress": .address])

    static let all: [IntentHandler] = [update, delete]

    /// Adds or changes hosts, by host name; an entry's address may be IPv4 or IPv6.
    static let update = IntentHandler(
        name: "DNS.update",
        prepare: { _, body, _ throws(LunaError) in
            var entries: [JSONValue] = []
            for fields in try FieldSchema.objects(body, at: "entries", kind: "dns", noun: "dns entry") {
                let entry = try schema.normalize(fields, ignoring: [])
                guard entry["host"] != nil, entry["ipaddress"] != nil else {
                    throw .invalid("Invalid request: each dns entry needs host and ipaddress")
                }
                entries.append(.object(entry))
            }
            return .object(["entries": .array(entries)])
        },
        apply: { state, network, payload throws(LunaError) in
            _ = try ObjectRules.existing(.network, network, in: state, missing: "Network \(network) not present in database")
            for entry in payload["entries"]?.arrayValue ?? [] {
                let fields = entry.objectValue!
                let host = fields["host"]!.stringValue!
                let address = IPAddress(fields["ipaddress"]!.stringValue!)!
                let key = RowKey.child(network, host)
                var row = state.row(.dns, key) ?? ["host": .string(host)]
                row[address.family == .v4 ? "ipaddress" : "ipaddress_ipv6"] = .string(address.description)
                state.put(.dns, key, row)
            }
            return .created("DNS entries added or changed")
        })

    /// As in luna2, removing a host that has no entry is not an error.
    static let delete = IntentHandler(
        name: "DNS.delete",
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["host"], kind: "dns")
            guard let host = body["host"]?.stringValue else { throw .invalid("Invalid request: host is required") }
            try NamePattern.host.check(host, field: "host")
            return .object(["host": .string(host)])
        },
        apply: { state, network, payload throws(LunaError) in
            _ = try ObjectRules.existing(.network, network, in: state, missing: "Network \(network) not present in database")
            let host = payload["host"]!.stringValue!
            state.remove(.dns, RowKey.child(network, host))
            return .removed("DNS entry \(host) of network \(network) removed")
        })
}
