import LunaModel

/// A site's own plugins, carried whole in the event that adds or changes one, so every
/// controller holds the same files and the log says who changed which. Keyed by the
/// plugin's path under Plugins/.
enum SitePluginIntents {
    static let all: [IntentHandler] = [put, delete]

    /// A plugin file is small bash; a megabyte is far beyond any real one.
    static let maximumSize = 1 << 20

    static let put = IntentHandler(
        name: "Plugin.put",
        prepare: { path, body, _ throws(LunaError) in
            try PluginPath.check(path)
            try FieldSchema.refuseUnknown(body, allowed: ["content", "executable"], kind: "plugin")
            guard let content = body["content"]?.stringValue else {
                throw .invalid("Invalid request: content is required: the plugin file's text")
            }
            guard content.utf8.count <= maximumSize else {
                throw .invalid("Invalid request: plugin \(path) is larger than 1 MiB")
            }
            guard content.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F || $0 == "\n" || $0 == "\t" })
            else {
                throw .invalid("Invalid request: plugin \(path) holds control characters; it must be text")
            }
            let executable = body["executable"] ?? .bool(false)
            guard case .bool = executable else { throw .invalid("Invalid request: executable must be true or false") }
            return .object(["content": .string(content), "executable": executable])
        },
        apply: { state, path, payload throws(LunaError) in
            let existed = state.row(.plugin, path) != nil
            state.put(.plugin, path, ["content": payload["content"]!, "executable": payload["executable"]!])
            return existed ? .changed("Plugin \(path) changed") : .created("Plugin \(path) added")
        })

    static let delete = IntentHandler(
        name: "Plugin.delete",
        prepare: { path, _, _ throws(LunaError) in
            try PluginPath.check(path)
            return .object([:])
        },
        apply: { state, path, _ throws(LunaError) in
            _ = try ObjectRules.existing(.plugin, path, in: state, missing: "Plugin \(path) is not a site plugin")
            state.remove(.plugin, path)
            return .removed("Plugin \(path) removed")
        })
}

/// A plugin's path under Plugins/: `category/…/name.sh`, lowercase words, no `..`.
public enum PluginPath {
    public static func check(_ path: String) throws(LunaError) {
        let steps = path.split(separator: "/", omittingEmptySubsequences: false)
        let valid =
            steps.count >= 2 && path.utf8.count <= 255
            && steps.allSatisfy { step in
                !step.isEmpty && !step.hasPrefix(".")
                    && step.unicodeScalars.allSatisfy {
                        ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                            || "._-".unicodeScalars.contains($0)
                    }
            }
        guard valid else {
            throw .invalid(
                "Invalid request: plugin path '\(path)' must be a category and a file under Plugins/, like boot/network/redhat9.sh, without '..'"
            )
        }
    }
}
