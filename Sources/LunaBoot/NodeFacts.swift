import LunaDomain
import LunaModel

/// One node's boot facts, read from the views: its effective settings, OS image (or
/// tag) files and provisioning interface. Every value a node needs to boot is checked
/// here; a missing one is a `BootFailure` that names it.
public struct NodeFacts {
    public let name: String
    public let group: String
    public let row: Row
    public let groupRow: Row
    public let image: String
    public let imageRow: Row
    /// The image's or its tag's files.
    public let kernelFile: String
    public let initrdFile: String
    public let imageFile: String?
    public let provisionInterface: String
    public let interfaceRow: Row
    let inheritance: Inheritance

    public init(state: ClusterState, node name: String) throws(BootFailure) {
        guard let row = state.row(.node, name) else { throw BootFailure("node \(name) does not exist") }
        self.name = name
        self.row = row
        inheritance = Inheritance(state: state)
        groupRow = inheritance.group(of: row)
        group = row["group"]?.stringValue ?? ""
        guard let image = inheritance.node("osimage", node: row, group: groupRow).value?.stringValue else {
            throw BootFailure(
                "osimage has no value: node \(name) and its group \(group) name no OS image. Node \(name) cannot boot")
        }
        guard let imageRow = state.row(.osimage, image) else {
            throw BootFailure("OS image \(image) of node \(name) does not exist. Node \(name) cannot boot")
        }
        self.image = image
        self.imageRow = imageRow
        var files = imageRow
        if let tag = inheritance.node("osimagetag", node: row, group: groupRow).value?.stringValue, tag != "default",
            let tagRow = state.row(.osimagetag, RowKey.child(image, tag))
        {
            files = tagRow
        } else if imageRow["packing"] != nil, state.row(.cluster, "cluster")?["packing_bootpause"] == .bool(true) {
            // luna2's packing_bootpause: a node of an image being packed waits for the new files.
            throw BootFailure("OS image \(image) is being packed; node \(name) waits until the pack is done")
        }
        func file(_ field: String) throws(BootFailure) -> String {
            guard let value = files[field]?.stringValue, !value.isEmpty else {
                throw BootFailure(
                    "\(field) has no value: make sure OS image \(image) is packed (luna osimage pack \(image)). Node \(name) cannot boot"
                )
            }
            return value
        }
        kernelFile = try file("kernelfile")
        initrdFile = try file("initrdfile")
        imageFile = files["imagefile"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        provisionInterface = inheritance.node("provision_interface", node: row, group: groupRow).value?.stringValue ?? "BOOTIF"
        interfaceRow = state.row(.nodeinterface, RowKey.child(name, provisionInterface)) ?? [:]
    }

    /// An effective setting: node, group, image, cluster, default.
    public func setting(_ field: String) -> JSONValue? {
        inheritance.node(field, node: row, group: groupRow).value
    }

    public func flag(_ field: String) -> Bool {
        setting(field) == .bool(true)
    }

    public var isKickstart: Bool { imageRow["imagefile"]?.stringValue == "kickstart" }

    public var distribution: String { imageRow["distribution"]?.stringValue ?? "redhat" }
    public var release: String? { imageRow["osrelease"]?.stringValue }

    /// The kernel options, decoded (luna2 stores them base64), one line.
    public var kernelOptions: String {
        Base64Text.decode(setting("kerneloptions")?.stringValue ?? "")
            .split(whereSeparator: { $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }
}
