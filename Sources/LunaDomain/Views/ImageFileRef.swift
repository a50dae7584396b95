import LunaModel

/// One content-addressed image file as a pack records it: its name in the files folder,
/// its size and its sha256. The bytes never travel in an event; controllers fetch them.
public struct ImageFileRef: Sendable, Equatable, Hashable {
    public let name: String
    public let size: Int
    public let sha256: String

    public init(name: String, size: Int, sha256: String) {
        self.name = name
        self.size = size
        self.sha256 = sha256
    }

    /// The fields of an image (and of a tag) that name its boot files.
    public static let fields = ["kernelfile", "initrdfile", "imagefile"]

    /// The key of the archive's `.torrent` in a pack's files: a file to hold and serve,
    /// named after the archive (`<imagefile>.torrent`), with no field of its own.
    public static let torrentKey = "torrentfile"

    public var json: JSONValue {
        ["name": .string(name), "size": .int(size), "sha256": .string(sha256)]
    }

    /// Nil unless `value` is a well-formed record: a plain file name, a size, 64 hex digits.
    public init?(_ value: JSONValue?) {
        guard let name = value?["name"]?.stringValue, Self.isPlainName(name), case .int(let size)? = value?["size"],
            size >= 0, let sha = value?["sha256"]?.stringValue, Self.isDigest(sha)
        else { return nil }
        self.init(name: name, size: size, sha256: sha)
    }

    /// The records of a row's `files` object, by field.
    public static func of(_ row: Row) -> [String: ImageFileRef] {
        guard case .object(let files)? = row["files"] else { return [:] }
        return files.compactMapValues { ImageFileRef($0) }
    }

    /// Every file an image or a tag of the cluster names with its hash: what each
    /// controller must hold, verified. A name two rows share is the same bytes.
    public static func wanted(in state: ClusterState) -> [String: ImageFileRef] {
        var out: [String: ImageFileRef] = [:]
        for table in [Table.osimage, .osimagetag] {
            for row in state.rows(table).values {
                for ref in of(row).values { out[ref.name] = ref }
            }
        }
        return out
    }

    /// The OS images (by name) whose every recorded file is in `held`.
    public static func complete(in state: ClusterState, held: Set<String>) -> [String: Bool] {
        var out: [String: Bool] = [:]
        for (name, row) in state.rows(.osimage) {
            let refs = of(row)
            guard !refs.isEmpty else { continue }
            out[name] = refs.values.allSatisfy { held.contains($0.name) }
        }
        return out
    }

    /// A name in one folder: no `/`, no leading dot, printable, at most 255 bytes.
    public static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && name.utf8.count <= 255
            && name.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F }
    }

    public static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
