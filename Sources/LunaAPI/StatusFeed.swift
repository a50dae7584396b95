import LunaModel

/// What the status page's stream sends: server-sent events, each only when it changed
/// since the last one. `cluster` carries members, beacon, incidents and the log whole;
/// `nodes` carries the states of the nodes that changed (null for a node deleted), all of
/// them the first time. At 1,000 nodes a state change costs one small event.
struct StatusFeed {
    private var lastCluster: JSONValue?
    private var lastNodes: [String: String]?

    /// The events to send for this reading, as one chunk of `text/event-stream`; nil when
    /// nothing changed.
    mutating func frames(cluster: JSONValue, nodes: [String: String]) -> String? {
        var text = ""
        if cluster != lastCluster {
            text += Self.frame("cluster", cluster)
            lastCluster = cluster
        }
        var changed: [String: JSONValue] = [:]
        for (name, state) in nodes where lastNodes?[name] != state { changed[name] = .string(state) }
        for name in (lastNodes ?? [:]).keys where nodes[name] == nil { changed[name] = .null }
        if !changed.isEmpty || lastNodes == nil {
            text += Self.frame("nodes", .object(changed))
            lastNodes = nodes
        }
        return text.isEmpty ? nil : text
    }

    /// One event; canonical JSON holds no raw newline, so it fits one `data:` line.
    static func frame(_ event: String, _ value: JSONValue) -> String {
        "event: \(event)\ndata: \(value.canonicalText)\n\n"
    }
}
