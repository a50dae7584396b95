import Crypto
import Foundation
import SwiftASN1
import X509

/// The cluster CA and one certificate per controller (P-256, ECDSA-SHA256), written as
/// PEM files into one folder: `ca.pem`, `ca.key`, `<controller>.pem`, `<controller>.key`.
/// Controllers accept peers only with a certificate from this CA.
public struct ClusterCertificates {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    public var caCertificate: String { folder + "/ca.pem" }
    /// The one cluster key that seals secret values, for every controller's data directory.
    public var clusterKey: String { folder + "/cluster.key" }
    var caKey: String { folder + "/ca.key" }
    public func certificate(_ name: String) -> String { folder + "/\(name).pem" }
    public func key(_ name: String) -> String { folder + "/\(name).key" }

    /// Creates the CA unless it exists, then a certificate for each controller that lacks one.
    /// Safe to run again: existing files are kept. Returns the files written.
    /// Certificates are valid from a day before they are made: a controller whose clock is
    /// behind by up to a day still accepts its peers (its events still order by hybrid time).
    static let skewAllowed: TimeInterval = 86400

    public func create(controllers: [String], addresses: [String], now: Date = Date()) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var written: [String] = []
        if !FileManager.default.fileExists(atPath: caCertificate) {
            let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
            let name = try DistinguishedName { CommonName("Luna cluster CA") }
            let ca = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: now.addingTimeInterval(-Self.skewAllowed),
                notValidAfter: now.addingTimeInterval(20 * 365 * 86400),
                issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                    Critical(KeyUsage(keyCertSign: true))
                },
                issuerPrivateKey: key)
            try write(try key.serializeAsPEM().pemString, to: caKey, mode: 0o600)
            try write(try ca.serializeAsPEM().pemString, to: caCertificate, mode: 0o644)
            written += [caCertificate, caKey]
        }
        if !FileManager.default.fileExists(atPath: clusterKey) {
            let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            guard FileManager.default.createFile(atPath: clusterKey, contents: key, attributes: [.posixPermissions: 0o600]) else {
                throw CertificateFailure(description: "cannot write \(clusterKey)")
            }
            written.append(clusterKey)
        }
        let caKeyPEM = try String(contentsOfFile: caKey, encoding: .utf8)
        let issuerKey = try Certificate.PrivateKey(pemEncoded: caKeyPEM)
        let issuer = try Certificate(pemEncoded: try String(contentsOfFile: caCertificate, encoding: .utf8)).subject
        var names: [GeneralName] = []
        for address in addresses {
            guard let bytes = Self.addressBytes(address) else {
                throw CertificateFailure(description: "\(address) is not an IPv4 or IPv6 address")
            }
            names.append(.ipAddress(ASN1OctetString(contentBytes: bytes[...])))
        }
        for controller in controllers where !FileManager.default.fileExists(atPath: certificate(controller)) {
            let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
            let subject = try DistinguishedName { CommonName(controller) }
            let leaf = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: now.addingTimeInterval(-Self.skewAllowed), notValidAfter: now.addingTimeInterval(5 * 365 * 86400),
                issuer: issuer, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth, .clientAuth])
                    SubjectAlternativeNames([.dnsName(controller)] + names)
                },
                issuerPrivateKey: issuerKey)
            try write(try key.serializeAsPEM().pemString, to: self.key(controller), mode: 0o600)
            try write(try leaf.serializeAsPEM().pemString, to: certificate(controller), mode: 0o644)
            written += [certificate(controller), self.key(controller)]
        }
        return written
    }

    private func write(_ text: String, to path: String, mode: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        else {
            throw CertificateFailure(description: "cannot write \(path)")
        }
    }

    static func addressBytes(_ text: String) -> [UInt8]? {
        if text.contains(":") {
            var raw = in6_addr()
            guard inet_pton(AF_INET6, text, &raw) == 1 else { return nil }
            return withUnsafeBytes(of: raw) { Array($0) }
        }
        var raw = in_addr()
        guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
        return withUnsafeBytes(of: raw) { Array($0) }
    }
}

public struct CertificateFailure: Error, CustomStringConvertible {
    public var description: String
}
