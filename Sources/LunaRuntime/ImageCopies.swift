import LunaDomain
import LunaModel
import LunaServices

/// Which controllers hold every file of each OS image, verified: this one from its own
/// store, the others by asking them over the replication port.
public struct ImageCopies: Sendable {
    public typealias Held = @Sendable (_ peer: String) async -> [String]?

    let controller: Controller
    let store: ImageFileStore
    let held: Held?

    public init(controller: Controller, store: ImageFileStore, held: Held?) {
        self.controller = controller
        self.store = store
        self.held = held
    }

    public enum Copy: String, Sendable {
        case complete
        case incomplete
        case unreachable = "not answering"
    }

    /// Per image with packed files: per controller, whether it holds them all.
    public func report() async -> [String: [String: Copy]] {
        let me = controller.name
        let (state, peers) = await controller.read { ($0, $0.keys(.controller).filter { $0 != me }) }
        var byController: [String: Set<String>?] = [me: await store.held()]
        for peer in peers { byController[peer] = await held?(peer).map(Set.init) }
        var out: [String: [String: Copy]] = [:]
        for (name, controllerHeld) in byController {
            guard let files = controllerHeld else {
                for image in ImageFileRef.complete(in: state, held: []).keys { out[image, default: [:]][name] = .unreachable }
                continue
            }
            for (image, complete) in ImageFileRef.complete(in: state, held: files) {
                out[image, default: [:]][name] = complete ? .complete : .incomplete
            }
        }
        return out
    }
}
