/// The stable state of the cluster at a per-origin prefix of the log: what compaction folds
/// old events into, and what a controller that lacks them starts from. The stable part of
/// the one order is a prefix per origin (an origin's times grow with its seqs), so the
/// prefix is named by each origin's chain head there.
public struct Snapshot: Sendable, Equatable {
    /// Per origin, the last event folded in: the log goes on from there.
    public var heads: [String: ChainHead]
    /// The place of the last event folded in: every event kept sorts after it.
    public var last: EventPlace?
    /// Every row, by table name and key.
    public var tables: [String: [String: [String: JSONValue]]]

    public init(
        heads: [String: ChainHead] = [:], last: EventPlace? = nil, tables: [String: [String: [String: JSONValue]]] = [:]
    ) {
        self.heads = heads
        self.last = last
        self.tables = tables
    }

    /// What the snapshot holds, per origin.
    public var clock: VectorClock { VectorClock(heads.mapValues(\.seq)) }

    public var isEmpty: Bool { heads.isEmpty }
}

extension Snapshot {
    public var jsonValue: JSONValue {
        var fields: [String: JSONValue] = [
            "heads": .object(heads.mapValues { .array([.int(Int($0.seq)), .string($0.checksum)]) }),
            "tables": .object(tables.mapValues { rows in .object(rows.mapValues(JSONValue.object)) }),
        ]
        if let last {
            fields["last"] = .array([
                .int(Int(last.time.millis)), .int(Int(last.time.counter)), .string(last.origin), .int(Int(last.seq)),
            ])
        }
        return .object(fields)
    }

    /// Reads a snapshot back; `nil` when the value is not one.
    public init?(json: JSONValue) {
        guard let heads = json["heads"]?.objectValue, let tables = json["tables"]?.objectValue else { return nil }
        self.init()
        for (origin, value) in heads {
            guard let pair = value.arrayValue, pair.count == 2, case .int(let seq) = pair[0], seq > 0,
                let checksum = pair[1].stringValue
            else { return nil }
            self.heads[origin] = ChainHead(seq: UInt64(seq), checksum: checksum)
        }
        for (table, rows) in tables {
            guard let rows = rows.objectValue else { return nil }
            var decoded: [String: [String: JSONValue]] = [:]
            for (key, row) in rows {
                guard let fields = row.objectValue else { return nil }
                decoded[key] = fields
            }
            self.tables[table] = decoded
        }
        if let value = json["last"] {
            guard let parts = value.arrayValue, parts.count == 4, case .int(let millis) = parts[0],
                case .int(let counter) = parts[1], counter >= 0, counter <= Int(UInt32.max),
                let origin = parts[2].stringValue, case .int(let seq) = parts[3], seq > 0
            else { return nil }
            last = EventPlace(
                time: HybridTime(millis: Int64(millis), counter: UInt32(counter)), origin: origin, seq: UInt64(seq))
        }
    }
}
