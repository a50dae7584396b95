import Foundation
import LunaModel

/// The admin token kept between invocations, one file per API (`token-<host>_<port>` in
/// $XDG_CACHE_HOME/luna), so a script of a hundred commands logs in once. The file is
/// mode 0600: whoever reads it acts as the admin until the token expires.
struct TokenCache {
    let path: String

    init(url: String, environment: [String: String]) {
        let components = URLComponents(string: url)
        let host = components?.host ?? "localhost"
        let port = components?.port ?? (components?.scheme == "https" ? 443 : 80)
        let safe = String("\(host)_\(port)".map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
        path = UserDirectories.cache(environment) + "/luna/token-" + safe
    }

    /// The cached token, unless it is missing, unreadable or past its `exp`: then the
    /// caller logs in rather than sending a token it knows the server refuses.
    func read(now: Date = Date()) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let expiry = Self.expiry(of: token), expiry > now.timeIntervalSince1970 else { return nil }
        return token
    }

    /// Written to a fresh 0600 file and renamed over the old one: a reader never sees half
    /// a token, and the token never sits in a file others may read.
    func write(_ token: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = path + ".\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw CommandFailure(description: "cannot write \(temporary): \(errnoText())") }
        let bytes = Array((token + "\n").utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CommandFailure(description: "cannot write \(path): \(errnoText())")
        }
    }

    func discard() {
        unlink(path)
    }

    /// The `exp` claim of a JWT, read without checking the signature: only the server
    /// holds the key, and it still checks every token it is sent.
    static func expiry(of token: String) -> Double? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var text = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let payload = Data(base64Encoded: text), let claims = try? JSONParser.parse([UInt8](payload)) else {
            return nil
        }
        switch claims["exp"] {
        case .int(let seconds)?: return Double(seconds)
        case .double(let seconds)?: return seconds
        default: return nil
        }
    }

    private func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
