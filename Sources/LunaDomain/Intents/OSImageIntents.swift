import LunaModel

/// OS images and their tags. A tag freezes the image's current boot files under a name
/// that nodes and groups can pin (`osimagetag`).
enum OSImageIntents {
    static let schema = FieldSchema(
        kind: "osimage",
        fields: [
            "grab_filesystems": .text, "grab_exclude": .text, "initrdfile": .text, "kernelfile": .text,
            "kernelmodules": .text, "kerneloptions": .text, "kernelversion": .text, "path": .text,
            "imagefile": .text, "distribution": .name(.host), "osrelease": .text, "comment": .text,
            "tag": .name(.object),
        ])

    static let object = SimpleObject(
        intentPrefix: "OSImage", table: .osimage, schema: schema, renameKey: "newosimage", label: "OS Image",
        users: { name, state in
            let groups = state.rows(.group).filter { $0.value["osimage"] == .string(name) }.keys.sorted()
            let nodes = state.rows(.node).filter { $0.value["osimage"] == .string(name) }.keys.sorted()
            return groups.map { "group \($0)" } + nodes
        },
        childTables: [.osimagetag],
        referrers: [(.group, "osimage"), (.node, "osimage")],
        // A clone copies the row only: image files arrive with the OS image work, so a
        // clone without copying or packing is what every clone is today.
        cloneFlags: ["nocopy", "bare"],
        // Version 2: `tag` may be set by an update, as luna2-cli's `osimage change -t` does.
        updateVersion: 2,
        afterChange: { state, name, row throws(LunaError) in
            let row = keepingFileRecordsInStep(state: &state, name, row)
            guard let tag = row["tag"]?.stringValue, state.row(.osimagetag, RowKey.child(name, tag)) == nil else { return }
            state.put(.osimagetag, RowKey.child(name, tag), tagRow(tag, of: row))
        })

    /// A boot file set by hand (not by a pack) has no recorded hash: the pack's record of
    /// the file it replaced is dropped, so no controller fetches or verifies a stale one.
    static func keepingFileRecordsInStep(state: inout ClusterState, _ name: String, _ row: Row) -> Row {
        guard case .object(var files)? = row["files"] else { return row }
        for field in ImageFileRef.fields where files[field] != nil && files[field]?["name"] != row[field] {
            files[field] = nil
        }
        // The torrent is the archive's: it goes with the archive's record.
        if files["imagefile"] == nil { files[ImageFileRef.torrentKey] = nil }
        guard files != row["files"]?.objectValue else { return row }
        let updated = ObjectRules.merge(row, ["files": files.isEmpty ? .null : .object(files)])
        state.put(.osimage, name, updated)
        return updated
    }

    static let all: [IntentHandler] = object.handlers + [tag, deleteTag]

    static let tag = IntentHandler(
        name: "OSImage.tag",
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["name", "tag"], kind: "osimage tag")
            guard let tag = body["tag"]?.stringValue else { throw .invalid("Invalid request: tag is required") }
            try NamePattern.object.check(tag, field: "tag")
            return .object(["tag": .string(tag)])
        },
        apply: { state, name, payload throws(LunaError) in
            let image = try ObjectRules.existing(.osimage, name, in: state, missing: "OS Image \(name) not present in database")
            let tag = payload["tag"]!.stringValue!
            state.put(.osimagetag, RowKey.child(name, tag), tagRow(tag, of: image))
            state.put(.osimage, name, ObjectRules.merge(image, ["tag": .string(tag)]))
            // luna2 answers 204 whether the tag is new or moved: the image changed either way.
            return .changed("OS Image \(name) tag \(tag) updated")
        })

    /// A tag freezes the image's boot files as they are now.
    static func tagRow(_ tag: String, of image: Row) -> Row {
        var row: Row = ["name": .string(tag)]
        for field in ["kernelfile", "initrdfile", "imagefile", "kerneloptions", "kernelversion", "files"] {
            row[field] = image[field]
        }
        return row
    }

    static let deleteTag = IntentHandler(
        name: "OSImage.tag.delete",
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["tag"], kind: "osimage tag")
            guard let tag = body["tag"]?.stringValue else { throw .invalid("Invalid request: tag is required") }
            return .object(["tag": .string(tag)])
        },
        apply: { state, name, payload throws(LunaError) in
            let tag = payload["tag"]!.stringValue!
            let key = RowKey.child(name, tag)
            guard state.row(.osimagetag, key) != nil else { throw .notFound("OS Image \(name) has no tag \(tag)") }
            // Pinned where the tag and the image are in effect, set there or inherited.
            let inheritance = Inheritance(state: state)
            let groups = state.rows(.group).filter {
                inheritance.group("osimagetag", group: $0.value).value == .string(tag)
                    && inheritance.group("osimage", group: $0.value).value == .string(name)
            }
            let nodes = state.rows(.node).filter {
                inheritance.node("osimagetag", node: $0.value).value == .string(tag)
                    && inheritance.node("osimage", node: $0.value).value == .string(name)
            }
            let users = groups.keys.sorted().map { "group \($0)" } + nodes.keys.sorted()
            if let first = users.first { throw .invalid("Invalid request: tag \(tag) of OS Image \(name) is in use by \(first)") }
            state.remove(.osimagetag, key)
            if let image = state.row(.osimage, name), image["tag"] == .string(tag) {
                state.put(.osimage, name, ObjectRules.merge(image, ["tag": .null]))
            }
            return .removed("OS Image \(name) tag \(tag) removed")
        })
}
