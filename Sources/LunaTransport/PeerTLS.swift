import NIOSSL

/// Mutual TLS between controllers: each side presents its certificate from the cluster
/// CA and accepts only peers whose certificate that CA signed. Controllers are addressed
/// by IP, so the CA, not the host name, is what identifies a peer.
public struct PeerTLS: Sendable {
    public let server: TLSConfiguration
    public let client: TLSConfiguration

    public init(certificates: ClusterCertificates, controller: String) throws {
        let chain = try NIOSSLCertificate.fromPEMFile(certificates.certificate(controller)).map {
            NIOSSLCertificateSource.certificate($0)
        }
        let key = NIOSSLPrivateKeySource.privateKey(try NIOSSLPrivateKey(file: certificates.key(controller), format: .pem))
        let roots = NIOSSLTrustRoots.certificates(try NIOSSLCertificate.fromPEMFile(certificates.caCertificate))
        server = TLSConfiguration.makeServerConfigurationWithMTLS(certificateChain: chain, privateKey: key, trustRoots: roots)
        var client = TLSConfiguration.makeClientConfiguration()
        client.certificateChain = chain
        client.privateKey = key
        client.trustRoots = roots
        client.certificateVerification = .noHostnameVerification
        self.client = client
    }
}
