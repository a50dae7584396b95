import LunaModel

/// What the master records about a pack: that one started (nodes of the image may be told
/// to wait, luna2's `packing_bootpause`), the files it made current, or that it failed.
/// The files are named with size and sha256; every controller then fetches the bytes.
enum OSImagePackIntents {
    static let all: [IntentHandler] = [packing, packed, failed]

    static let packing = IntentHandler(
        name: "OSImage.packing",
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["request", "controller"], kind: "pack start")
            return .object(["request": try text(body, "request"), "controller": try text(body, "controller")])
        },
        apply: { state, name, payload throws(LunaError) in
            let image = try ObjectRules.existing(.osimage, name, in: state, missing: "OS Image \(name) not present in database")
            state.put(.osimage, name, ObjectRules.merge(image, ["packing": .object(payload)]))
            return .changed("OS Image \(name) is being packed")
        })

    /// Version 2: `files` may hold the archive's torrent as well (`torrentfile`).
    static let packed = IntentHandler(
        name: "OSImage.packed", version: 2,
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["request", "kernelversion", "files"], kind: "pack result")
            let fields = Set(ImageFileRef.fields)
            guard case .object(let files)? = body["files"],
                Set(files.keys) == fields || Set(files.keys) == fields.union([ImageFileRef.torrentKey]),
                files.values.allSatisfy({ ImageFileRef($0) != nil })
            else {
                throw .invalid(
                    "Invalid request: a pack result names kernelfile, initrdfile and imagefile (and may name torrentfile), each with name, size and sha256"
                )
            }
            return .object([
                "request": try text(body, "request"), "kernelversion": try text(body, "kernelversion"), "files": .object(files),
            ])
        },
        apply: { state, name, payload throws(LunaError) in
            let image = try ObjectRules.existing(.osimage, name, in: state, missing: "OS Image \(name) not present in database")
            var change: Row = ["files": payload["files"]!, "kernelversion": payload["kernelversion"]!]
            for (field, ref) in ImageFileRef.of(payload) where ImageFileRef.fields.contains(field) {
                change[field] = .string(ref.name)
            }
            if image["packing"]?["request"] == payload["request"] { change["packing"] = .null }
            state.put(.osimage, name, ObjectRules.merge(image, change))
            return .changed("OS Image \(name) packed")
        })

    static let failed = IntentHandler(
        name: "OSImage.packFailed",
        prepare: { _, body, _ throws(LunaError) in
            try FieldSchema.refuseUnknown(body, allowed: ["request", "reason"], kind: "pack failure")
            return .object(["request": try text(body, "request"), "reason": try text(body, "reason")])
        },
        apply: { state, name, payload throws(LunaError) in
            let image = try ObjectRules.existing(.osimage, name, in: state, missing: "OS Image \(name) not present in database")
            // The files stay those of the last pack that finished.
            if image["packing"]?["request"] == payload["request"] {
                state.put(.osimage, name, ObjectRules.merge(image, ["packing": .null]))
            }
            return .changed("OS Image \(name) was not packed: \(payload["reason"]!.stringValue!)")
        })

    private static func text(_ body: Row, _ field: String) throws(LunaError) -> JSONValue {
        guard let value = body[field]?.stringValue, !value.isEmpty, value.utf8.count <= 2000 else {
            throw .invalid("Invalid request: \(field) is required")
        }
        return .string(value)
    }
}
