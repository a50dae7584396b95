import Hummingbird
import NIOCore
import NIOSSL
import X509

/// A request on the replication listener, with the connection it came on: the controller
/// speaking is the one named in the certificate it presented, not the one a body claims.
struct PeerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The common name of the peer's certificate (the controller name `luna cluster certs` puts there).
    func peerName() async -> String? {
        guard let presented = try? await channel.nioSSL_peerCertificate().get(),
            let certificate = try? Certificate(derEncoded: presented.toDERBytes())
        else { return nil }
        for name in certificate.subject {
            for attribute in name where attribute.type == .RDNAttributeType.commonName {
                return String(describing: attribute.value)
            }
        }
        return nil
    }
}
