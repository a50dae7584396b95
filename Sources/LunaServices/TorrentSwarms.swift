import LunaModel

/// A BitTorrent tracker's memory (BEP 3, compact peers of BEP 23 and BEP 7): who takes part
/// in each torrent, as they last announced. Peers that stop announcing are forgotten after
/// three intervals. Local to one controller and never replicated: clients announce again
/// every interval, so a tracker that restarts or moves with the beacon refills itself.
public struct TorrentSwarms: Sendable {
    /// How often clients are asked to announce, in seconds.
    public static let interval = 60
    /// A swarm holds at most this many peers; an announce past it is refused.
    public let maximumPeers: Int

    public struct Peer: Sendable, Equatable {
        /// 4 bytes for IPv4, 16 for IPv6.
        public var address: [UInt8]
        public var port: UInt16
        public var left: Int
        var seen: ContinuousClock.Instant
    }

    struct Swarm {
        var peers: [PeerKey: Peer] = [:]
        var completed = 0
    }

    struct PeerKey: Hashable {
        var address: [UInt8]
        var port: UInt16
    }

    public struct Announce: Sendable {
        public var infoHash: [UInt8]
        public var address: [UInt8]
        public var port: UInt16
        public var left: Int
        public var event: String?
        public var wanted: Int
        public var compact: Bool

        public init(
            infoHash: [UInt8], address: [UInt8], port: UInt16, left: Int, event: String?, wanted: Int, compact: Bool
        ) {
            self.infoHash = infoHash
            self.address = address
            self.port = port
            self.left = left
            self.event = event
            self.wanted = wanted
            self.compact = compact
        }
    }

    var swarms: [[UInt8]: Swarm] = [:]

    public init(maximumPeers: Int = 20_000) {
        self.maximumPeers = maximumPeers
    }

    /// Records the announce and answers with other peers of the torrent: seeders first,
    /// then the others, each group in random order, so no peer is everyone's first choice.
    public mutating func announce(_ announce: Announce, now: ContinuousClock.Instant) throws(LunaError) -> Bencode {
        var swarm = swarms[announce.infoHash] ?? Swarm()
        swarm.peers = swarm.peers.filter { now - $0.value.seen < .seconds(3 * Self.interval) }
        let key = PeerKey(address: announce.address, port: announce.port)
        // A download finished: the peer had bytes left and has none now (a client that stops
        // as soon as it is done may say `stopped`, not `completed`).
        let before = swarm.peers[key]
        if announce.left == 0, before.map({ $0.left > 0 }) ?? (announce.event == "completed") { swarm.completed += 1 }
        if announce.event == "stopped" {
            swarm.peers[key] = nil
        } else {
            guard before != nil || swarm.peers.count < maximumPeers else {
                throw LunaError(.unavailable, "this torrent has \(maximumPeers) peers already: try again later")
            }
            swarm.peers[key] = Peer(address: announce.address, port: announce.port, left: announce.left, seen: now)
        }
        swarms[announce.infoHash] = swarm
        let others = swarm.peers.filter { $0.key != key }.values
        let chosen = Array(
            (others.filter { $0.left == 0 }.shuffled() + others.filter { $0.left != 0 }.shuffled()).prefix(announce.wanted))
        var answer: [Bencode.Key: Bencode] = [
            "interval": .int(Self.interval), "min interval": .int(Self.interval / 4),
            "complete": .int(swarm.peers.values.filter { $0.left == 0 }.count),
            "incomplete": .int(swarm.peers.values.filter { $0.left != 0 }.count),
        ]
        if announce.compact {
            answer["peers"] = .bytes(chosen.filter { $0.address.count == 4 }.flatMap { $0.address + Self.bytes($0.port) })
            answer["peers6"] = .bytes(chosen.filter { $0.address.count == 16 }.flatMap { $0.address + Self.bytes($0.port) })
        } else {
            answer["peers"] = .list(
                chosen.map { .dict(["ip": .text(Self.text($0.address)), "port": .int(Int($0.port))]) })
        }
        return .dict(answer)
    }

    /// Seeders, downloads finished and peers still downloading, for each torrent asked.
    public func scrape(_ infoHashes: [[UInt8]], now: ContinuousClock.Instant) -> Bencode {
        var files: [Bencode.Key: Bencode] = [:]
        for hash in infoHashes {
            let live = (swarms[hash]?.peers.values ?? [:].values).filter { now - $0.seen < .seconds(3 * Self.interval) }
            files[Bencode.Key(bytes: hash)] = .dict([
                "complete": .int(live.filter { $0.left == 0 }.count), "downloaded": .int(swarms[hash]?.completed ?? 0),
                "incomplete": .int(live.filter { $0.left != 0 }.count),
            ])
        }
        return .dict(["files": .dict(files)])
    }

    /// Forgets the torrents not in `kept` (those no image names any more).
    public mutating func keep(only kept: Set<[UInt8]>) {
        swarms = swarms.filter { kept.contains($0.key) }
    }

    static func bytes(_ port: UInt16) -> [UInt8] { [UInt8(port >> 8), UInt8(port & 0xFF)] }

    static func text(_ address: [UInt8]) -> String {
        if address.count == 4 { return address.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: address.count, by: 2).map { String(Int(address[$0]) << 8 | Int(address[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}
