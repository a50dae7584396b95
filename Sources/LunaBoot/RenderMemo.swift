import LunaModel
import Synchronization

/// Rendered texts by everything they were rendered from. Every booting machine asks for
/// the menu (which lists every node and group) and its boot script; both change only when
/// the values they show do, and Stencil takes far longer to render them than to look them up.
final class RenderMemo: Sendable {
    private let texts = Mutex<[String: String]>([:])
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func text(for key: String, render: () throws(LunaError) -> String) throws(LunaError) -> String {
        if let known = texts.withLock({ $0[key] }) { return known }
        let text = try render()
        texts.withLock { texts in
            if texts.count >= capacity { texts.removeAll() }
            texts[key] = text
        }
        return text
    }
}
