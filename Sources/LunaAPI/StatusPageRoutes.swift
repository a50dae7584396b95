import HTTPTypes
import Hummingbird
import LunaModel
import LunaRuntime
import ServiceLifecycle

/// The status page: `GET /status` is the page itself (a login form and a script, nothing
/// else, so it is open); everything it shows comes from `GET /status/stream`, behind the
/// admin token, as server-sent events read with fetch (EventSource cannot send a token).
enum StatusPageRoutes {
    /// A stream ends after this long; the page opens the next one at once.
    static let streamLifetime: Duration = .seconds(600)

    static func add(to groups: RouteGroups, controller: Controller, beacon: BeaconKeeper?) {
        groups.open.get("/status") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: StatusPage.html)))
        }
        groups.admin.get("/status/stream") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-store"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    var feed = StatusFeed()
                    let end = ContinuousClock.now + streamLifetime
                    var quiet = 0
                    while !Task.isCancelled && !Task.isShuttingDownGracefully && ContinuousClock.now < end {
                        var cluster = await controller.clusterStatus().json.objectValue ?? [:]
                        if let beacon { cluster["beacon"] = await beacon.status }
                        if let text = feed.frames(cluster: .object(cluster), nodes: await controller.nodeStates()) {
                            try await writer.write(ByteBuffer(string: text))
                            quiet = 0
                        } else if quiet >= 15 {
                            // A comment now and then finds a reader that went away.
                            try await writer.write(ByteBuffer(string: ": still here\n\n"))
                            quiet = 0
                        } else {
                            quiet += 1
                        }
                        try? await Task.sleep(for: .seconds(1))
                    }
                    try await writer.finish(nil)
                })
        }
    }
}
