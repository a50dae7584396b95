import LunaModel

/// OS image tags as luna2 shows them: keyed by tag name, each naming its image and the
/// groups and nodes pinned to it.
public struct OSImageTagView {
    let state: ClusterState

    public init(state: ClusterState) {
        self.state = state
    }

    /// The tags of `image`, or of every image; a tag name two images share is keyed
    /// `<image>/<tag>` so neither hides the other.
    public func tags(of image: String?) -> [String: JSONValue] {
        let keys = state.keys(.osimagetag).filter { image == nil || RowKey.split($0).owner == image }
        var counts: [String: Int] = [:]
        for key in keys { counts[RowKey.split(key).name, default: 0] += 1 }
        var out: [String: JSONValue] = [:]
        for key in keys {
            let (owner, tag) = RowKey.split(key)
            var row = state.row(.osimagetag, key)!
            row["name"] = .string(tag)
            row["osimage"] = .string(owner)
            row["files"] = nil
            // luna2 shows where the tagged image's tree is: the files are pinned, the tree is the image's.
            row["path"] = state.row(.osimage, owner)?["path"] ?? row["path"]
            let pinned = pinnedTo(owner, tag)
            if !pinned.groups.isEmpty { row["groups"] = .string(pinned.groups.joined(separator: ", ")) }
            if !pinned.nodes.isEmpty { row["nodes"] = .string(pinned.nodes.joined(separator: ", ")) }
            out[counts[tag]! > 1 ? key : tag] = .object(row)
        }
        return out
    }

    /// Groups and nodes that set this tag of this image themselves.
    private func pinnedTo(_ image: String, _ tag: String) -> (groups: [String], nodes: [String]) {
        let inheritance = Inheritance(state: state)
        let groups = state.keys(.group).filter { name in
            let row = state.row(.group, name)!
            return row["osimagetag"] == .string(tag) && inheritance.group("osimage", group: row).value == .string(image)
        }
        let nodes = state.keys(.node).filter { name in
            let row = state.row(.node, name)!
            return row["osimagetag"] == .string(tag) && inheritance.node("osimage", node: row).value == .string(image)
        }
        return (groups, nodes)
    }
}
