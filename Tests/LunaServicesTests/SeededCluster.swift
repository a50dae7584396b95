import Foundation
import LunaDomain
import LunaModel
import LunaRuntime

/// A controller seeded from the shipped bootstrap.ini in a temporary folder, for rendering
/// service configurations from real views.
struct SeededCluster {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let controller: Controller
    let directory: String

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("luna-services-\(UUID())").path
        controller = try Controller(directory: DataDirectory(directory), name: "controller", fsync: false)
        try await Bootstrap(path: Self.root.appendingPathComponent("Config/bootstrap.ini").path).seed(controller)
    }

    func change(_ intent: String, _ object: String, _ body: Row) async throws {
        _ = try await controller.submit(intent, object: object, body: body, actor: "test", requestID: "test", requireSync: false)
    }

    func remove() async {
        await controller.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
