/// A random number drawn when this data directory was created (`incarnation`): a controller
/// whose data was wiped starts again as a new incarnation, and its peers stop counting on
/// what the old one reported (see `PeerMessage.incarnation`). Random, not a time: a clock
/// set wrong after a disk change must not make the new one look older.
enum Incarnation {
    static func path(_ directory: DataDirectory) -> String { directory.path + "/incarnation" }

    /// The directory's incarnation, drawn now if it has none yet.
    static func loadOrCreate(_ directory: DataDirectory) throws -> Int64 {
        if let value = try MillisFile.read(path(directory)) { return value }
        let drawn = Int64.random(in: 1...Int64.max)
        try MillisFile.write(drawn, to: path(directory))
        return drawn
    }
}
