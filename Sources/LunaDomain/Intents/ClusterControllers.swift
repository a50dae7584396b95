import LunaModel

/// The controllers inside a cluster request, in the three forms clients send:
/// Luna's `"controller": {"<name>": {fields}}`; luna2's answer echoed back, the beacon
/// controller flat under `"controller"`; and luna2-cli's address changes,
/// `"controller": "<ip>"` for the beacon and `"<hostname>": "<ip>"` for the others
/// (with `-` written `_`, as its argument parser does), in `controller_network` if given.
enum ClusterControllers {
    /// Keys of the payload that are not cluster fields.
    static let payloadKeys: Set<String> = ["controller", "beacon", "addresses", "controller_network"]
    /// Fields of luna2's answer that are shown, not set.
    static let shownOnly: Set<String> = ["hostname", "name", "luna_config"]

    /// Moves the controller parts of `body` into `payload`, checked; `clusterFields` are
    /// the keys that belong to the cluster itself.
    static func prepare(_ body: Row, clusterFields: Set<String>, into payload: inout Row) throws(LunaError) {
        var addresses: Row = [:]
        switch body["controller"] {
        case nil: break
        case .string(let text)?:
            addresses["controller"] = .string(try address(text, for: "controller"))
        case .object(let entries)? where !entries.isEmpty && entries.values.allSatisfy({ $0.objectValue != nil }):
            var controllers: Row = [:]
            for (name, fields) in entries {
                try NamePattern.host.check(name, field: "hostname")
                controllers[name] = .object(
                    try ClusterIntents.controllerSchema.normalize(fields.objectValue!, ignoring: shownOnly))
            }
            payload["controller"] = .object(controllers)
        case .object(let fields)?:
            payload["beacon"] = .object(try ClusterIntents.controllerSchema.normalize(fields, ignoring: shownOnly))
        case let other?:
            throw .invalid(
                "Invalid request: controller must be the beacon controller's new address or an object of controllers, not \(other.canonicalText)"
            )
        }
        if let network = body["controller_network"] {
            guard let name = network.stringValue else {
                throw .invalid("Invalid request: controller_network must be the name of a network")
            }
            try NamePattern.domain.check(name, field: "controller_network")
            payload["controller_network"] = .string(name)
        }
        addresses.merge(
            try hostAddresses(body, kind: "cluster", known: clusterFields.union(payloadKeys).union(["name"])),
            uniquingKeysWith: { $1 })
        if !addresses.isEmpty { payload["addresses"] = .object(addresses) }
    }

    /// luna2-cli's `--<hostname> IP` keys: every key of `body` not `known` must be a host
    /// name (with `_` for `-`) holding an address, or the request is refused.
    static func hostAddresses(_ body: Row, kind: String, known: Set<String>) throws(LunaError) -> Row {
        var addresses: Row = [:]
        for key in body.keys.sorted() where !known.contains(key) {
            guard case .string(let text) = body[key]!, IPAddress(text) != nil,
                key.unicodeScalars.allSatisfy({
                    ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
                })
            else {
                throw .invalid("Invalid request: Columns are incorrect: \(kind) has no field '\(key)'")
            }
            addresses[key] = .string(try address(text, for: key))
        }
        return addresses
    }

    /// Gives each controller named in `addresses` its new address.
    static func readdress(_ addresses: Row, on network: String?, in state: inout ClusterState) throws(LunaError) {
        for (key, value) in addresses.sorted(by: { $0.key < $1.key }) {
            try readdress(&state, try controller(named: key, in: state), to: IPAddress(value.stringValue ?? "")!, on: network)
        }
    }

    private static func address(_ text: String, for key: String) throws(LunaError) -> String {
        guard let address = IPAddress(text) else {
            throw .invalid("Invalid request: \(text) given for controller \(key) is not an IP address")
        }
        return address.description
    }

    /// Applies the controller parts of a prepared payload; true if any was present.
    static func apply(_ payload: Row, to state: inout ClusterState) throws(LunaError) -> Bool {
        let controllers = payload["controller"]?.objectValue ?? [:]
        for (name, entry) in controllers.sorted(by: { $0.key < $1.key }) {
            _ = try ClusterIntents.applyController(&state, name, entry.objectValue ?? [:])
        }
        if let fields = payload["beacon"]?.objectValue {
            _ = try ClusterIntents.applyController(&state, try beacon(in: state), fields)
        }
        let network = payload["controller_network"]?.stringValue
        if let network, state.row(.network, network) == nil {
            throw .invalid("Invalid request: Network \(network) does not exist")
        }
        let addresses = payload["addresses"]?.objectValue ?? [:]
        try readdress(addresses, on: network, in: &state)
        return !controllers.isEmpty || payload["beacon"] != nil || !addresses.isEmpty
    }

    /// The controller that holds the beacon, or the master when none is marked.
    static func beacon(in state: ClusterState) throws(LunaError) -> String {
        let marked = state.keys(.controller).first { state.row(.controller, $0)?["beacon"] == .bool(true) }
        guard let name = marked ?? ControllerRoles.master(in: state) else {
            throw .invalid("Invalid request: the cluster has no controller")
        }
        return name
    }

    /// `controller` is the beacon controller; other keys name a controller, `_` for `-`.
    static func controller(named key: String, in state: ClusterState) throws(LunaError) -> String {
        if key == "controller" { return try beacon(in: state) }
        guard let name = state.keys(.controller).first(where: { String($0.map { $0 == "-" ? "_" : $0 }) == key || $0 == key })
        else {
            throw .invalid("Invalid request: Columns are incorrect: cluster has no field or controller '\(key)'")
        }
        return name
    }

    /// Gives a controller a new address, on its own network or on `network`.
    static func readdress(_ state: inout ClusterState, _ name: String, to address: IPAddress, on network: String?)
        throws(LunaError)
    {
        var row = state.row(.controller, name)!
        let field = address.family == .v4 ? "ipaddress" : "ipaddress_ipv6"
        guard row[field]?.stringValue != address.description || (network != nil && row["network"]?.stringValue != network) else {
            return
        }
        guard let target = network ?? row["network"]?.stringValue else {
            throw .invalid("Invalid request: controller \(name) has no network; give controller_network")
        }
        row[field] = nil
        try AddressPool.assign(&row, network: target, requested: address, holder: "controller:\(name)", force: true, in: &state)
        state.put(.controller, name, row)
    }
}
