import LunaDomain
import LunaModel

/// One zone as BIND reads it: an SOA whose serial is a function of the records alone, so
/// every controller serves the same zone with the same serial for the same views. Luna's
/// zones are primary on every controller and never transferred, so the serial need not grow.
public struct DNSZone: Sendable, Equatable {
    public struct Record: Sendable, Equatable, Comparable {
        public var name: String
        public var type: String
        public var value: String

        public init(name: String, type: String, value: String) {
            self.name = name
            self.type = type
            self.value = value
        }

        public static func < (lhs: Record, rhs: Record) -> Bool {
            (lhs.name, lhs.type, lhs.value) < (rhs.name, rhs.type, rhs.value)
        }
    }

    public var name: String
    /// The name server, a full name with its final dot.
    public var server: String
    public var records: [Record]

    public init(name: String, server: String, records: [Record]) {
        self.name = name
        self.server = server
        self.records = records
    }

    public var serial: UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in body.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return hash % 2_000_000_000 + 1
    }

    /// The records, one a line, in a fixed order.
    var body: String {
        records.sorted().map { "\($0.name)\tIN \($0.type)\t\($0.value)" }.joined(separator: "\n")
    }

    /// The zone file.
    public var text: String {
        """
        ; Zone \(name), written by Luna from its views. Changes here are overwritten.
        $TTL 3600
        @\tIN SOA\t\(server) root.\(server) (\(serial) 86400 14400 3628800 3600)
        @\tIN NS\t\(server)
        \(body)

        """
    }
}
