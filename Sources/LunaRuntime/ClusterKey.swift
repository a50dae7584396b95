import Crypto
import Foundation
import LunaDomain

/// The cluster key: AES-256-GCM, one for the whole cluster, kept in the data directory
/// (mode 0600). Sealed values read `enc:v1:<base64 of nonce|ciphertext|tag>`.
public struct ClusterKey: SecretSealer {
    let key: SymmetricKey
    static let prefix = "enc:v1:"

    public init(key: SymmetricKey) {
        self.key = key
    }

    /// Loads the key file, creating it on first start.
    public static func loadOrCreate(path: String) throws -> ClusterKey {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else {
                throw ClusterKeyError(path: path, reason: "it must hold 32 bytes, it holds \(data.count)")
            }
            return ClusterKey(key: SymmetricKey(data: data))
        }
        let key = SymmetricKey(size: .bits256)
        let data = key.withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ClusterKeyError(path: path, reason: "it cannot be created")
        }
        return ClusterKey(key: key)
    }

    /// The key itself, to hand to a controller that joins.
    public var bytes: [UInt8] { key.withUnsafeBytes { Array($0) } }

    /// Writes a key received on joining; an existing different key is never replaced.
    public static func install(_ bytes: [UInt8], path: String) throws {
        guard bytes.count == 32 else { throw ClusterKeyError(path: path, reason: "the key received is not 32 bytes") }
        if let existing = FileManager.default.contents(atPath: path) {
            guard Array(existing) == bytes else {
                throw ClusterKeyError(path: path, reason: "it holds another cluster's key; move it aside to join this cluster")
            }
            return
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        else { throw ClusterKeyError(path: path, reason: "it cannot be created") }
    }

    public func seal(_ clear: String) -> String {
        let box = try! AES.GCM.seal(Data(clear.utf8), using: key)
        return Self.prefix + box.combined!.base64EncodedString()
    }

    public func open(_ sealed: String) -> String? {
        guard sealed.hasPrefix(Self.prefix), let data = Data(base64Encoded: String(sealed.dropFirst(Self.prefix.count))),
            let box = try? AES.GCM.SealedBox(combined: data), let clear = try? AES.GCM.open(box, using: key)
        else { return nil }
        return String(decoding: clear, as: UTF8.self)
    }
}

public struct ClusterKeyError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cluster key \(path): \(reason)" }
}
