import LunaDomain
import LunaModel

/// This controller's part of a network's dynamic range. Every controller serves the same
/// fixed reservations, so a known node renews against whichever answers; the range for
/// nodes not known yet is cut into disjoint slices, one per full controller, so two
/// controllers can never lease one address to two machines. Chosen over Kea's HA hook:
/// no lease traffic between controllers, nothing to fail over, and a partitioned
/// controller keeps serving its own slice; what it costs is a slice's size (1/N of the range).
enum PoolSlice {
    /// The full (non-shadow) controllers, in name order: every controller counts the same.
    static func members(in state: ClusterState) -> [String] {
        state.keys(.controller).filter { !ControllerRoles.isShadow($0, in: state) }
    }

    /// `controller`'s slice of `first...last`, or nil when it serves none (a shadow, or a
    /// range smaller than the number of controllers).
    static func slice(_ first: IPAddress, _ last: IPAddress, for controller: String, in state: ClusterState)
        -> ClosedRange<IPAddress>?
    {
        let members = members(in: state)
        guard let index = members.firstIndex(of: controller), first.family == last.family, first <= last else { return nil }
        let size = last.value - first.value + 1
        let count = UInt128(members.count)
        guard size >= count else { return index == 0 ? first...last : nil }
        let share = size / count
        let start = first.value + share * UInt128(index)
        let end = index == members.count - 1 ? last.value : start + share - 1
        return IPAddress(family: first.family, value: start)...IPAddress(family: first.family, value: end)
    }
}
