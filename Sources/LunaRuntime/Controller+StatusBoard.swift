import LunaDomain
import LunaModel

extension Controller {
    /// Every node's install state (its `status`, empty when it reported none), for the
    /// status page's grid.
    public func nodeStates() -> [String: String] {
        var states: [String: String] = [:]
        for (name, row) in state.rows(.node) { states[name] = row["status"]?.stringValue ?? "" }
        return states
    }
}
