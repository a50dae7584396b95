import HTTPTypes
import Hummingbird
import LunaLog
import LunaModel
import LunaRuntime

/// `GET /cluster/backup`: this controller's snapshot and log tail with the cluster key,
/// taken while it runs (`luna backup`). Secret: it holds the key every secret is sealed with.
enum BackupRoutes {
    static func add(to groups: RouteGroups, controller: Controller) {
        groups.admin.get("/cluster/backup") { _, _ in
            await answer { () async throws(LunaError) -> Response in
                let backup = try await controller.backup()
                let bytes = backup.encoded()
                var headers = HTTPFields()
                headers[.contentType] = "application/octet-stream"
                headers[.contentDisposition] = "attachment; filename=\"luna-\(backup.controller)-\(backup.writtenAt).lunabackup\""
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
    }
}
