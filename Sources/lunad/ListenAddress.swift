import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A listening address lunad needs, with the setting that chose it, checked before the
/// services start: "address in use" then names the address, the port and the setting,
/// where the server would only report errno 98.
struct ListenAddress {
    var host: String
    var port: Int
    /// Where it came from, e.g. "[API] PORT in /etc/luna/luna.ini or --port".
    var setting: String

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    func checkFree() throws(Unavailable) {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found else {
            throw Unavailable(
                description: "cannot listen on \(host):\(port) (\(setting)): \(host) is not an address of this machine")
        }
        defer { freeaddrinfo(found) }
        let descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var on: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let reason = errno == EADDRINUSE ? "another process listens there already" : String(cString: strerror(errno))
            throw Unavailable(description: "cannot listen on \(host):\(port) (\(setting)): \(reason)")
        }
    }
}
