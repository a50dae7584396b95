import Foundation
import Hummingbird
import LunaDomain
import LunaModel

extension LunaRequestContext {
    /// A path parameter as the client meant it: percent-decoded (clients encode `[`, `]`
    /// and spaces), then checked against `pattern` with luna2's sentence on failure.
    func checked(_ parameter: String, as pattern: NamePattern) throws(LunaError) -> String {
        let value = decoded(parameter)
        do {
            try pattern.check(value, field: parameter)
        } catch {
            throw .invalid("Incorrect Naming convention with \(parameter) \(value): \(error.message)")
        }
        return value
    }

}

extension RequestContext {
    /// A path parameter percent-decoded, for values the domain checks itself (addresses).
    func decoded(_ parameter: String) -> String {
        let raw = parameters.get(parameter) ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}
