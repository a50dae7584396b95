import Foundation
import HTTPTypes
import Hummingbird
import LunaDomain
import LunaModel
import LunaRuntime
import LunaServices

/// `/files`: the boot and image files in `[FILES] IMAGE_FILES`, streamed from disk, with
/// Range requests for resumed downloads. Kernels and initrds are public (iPXE fetches
/// them); image archives need a token, admin or any node's, as luna2's `/filesauth`.
enum FileRoutes {
    /// Archives by luna2's rule, plus the compressions Luna packs with.
    static let guarded = [".gz", ".tar", ".bz", ".bz2", ".torrent", ".zst", ".xz", ".lz4"]

    /// `store`: a file a pack recorded with its hash is served only once verified there.
    static func add(
        to groups: RouteGroups, controller: Controller, directory: String, tokens: TokenAuthority, store: ImageFileStore?
    ) {
        let files = FileIO()
        groups.open.get("/files") { _, _ in
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .filter { isServable($0) && isRegularFile("\(directory)/\($0)") }.sorted()
            guard !names.isEmpty else { return Responses.message("No tar file is present in \(directory).", status: .notFound) }
            return Responses.json(.array(names.map { .string($0) }))
        }
        groups.open.get("/files/:file") { request, context in
            let name = context.decoded("file")
            guard isServable(name) else {
                return Responses.message(
                    "Invalid request: '\(name)' is not the name of a file in \(directory)", status: .badRequest)
            }
            if guarded.contains(where: name.hasSuffix) {
                let header = request.headers[HTTPField.Name("x-access-tokens")!]
                if case .failure(let refusal) = await tokens.check(header, node: TokenAuthority.anyNode) {
                    return Responses.message(refusal.message, status: refusal.status)
                }
            }
            let path = "\(directory)/\(name)"
            let hashed = await controller.read { state in ImageFileRef.wanted(in: state)[name] != nil }
            if hashed, let store, !(await store.isVerified(name)) {
                // A node waits (its download retries a 503) while this controller fetches the file.
                var waiting = Responses.message(
                    "\(name) is not yet held verified on this controller: it is being fetched from a peer; try again shortly",
                    status: .serviceUnavailable)
                waiting.headers[.retryAfter] = "10"
                return waiting
            }
            guard let size = regularFileSize(path) else {
                let referenced = await controller.read { state in isReferenced(name, in: state) }
                let reason = referenced ? ": an OS image names it: pack the image, or put the file there" : ""
                return Responses.message("\(name) is not present in \(directory)\(reason)", status: .notFound)
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/octet-stream"
            headers[.acceptRanges] = "bytes"
            switch ByteRange(header: request.headers[.range], size: size) {
            case .unsatisfiable:
                headers[.contentRange] = "bytes */\(size)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            case .part(let range):
                headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
                let body = try await files.loadFile(path: path, range: range, context: context, chunkLength: chunkLength)
                return Response(status: .partialContent, headers: headers, body: body)
            case .whole:
                guard size > 0 else { return Response(status: .ok, headers: headers) }
                let body = try await files.loadFile(path: path, context: context, chunkLength: chunkLength)
                return Response(status: .ok, headers: headers, body: body)
            }
        }
    }

    /// Large reads keep the disk and the socket busy with few wake-ups.
    static let chunkLength = 4 << 20

    /// One plain name in the folder: no `/`, no leading dot (so never `..`).
    static func isServable(_ name: String) -> Bool { ImageFileRef.isPlainName(name) }

    static func regularFileSize(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    static func isRegularFile(_ path: String) -> Bool { regularFileSize(path) != nil }

    /// Named by an OS image or tag as its kernel, initrd or archive.
    static func isReferenced(_ name: String, in state: ClusterState) -> Bool {
        let fields = ImageFileRef.fields
        return [Table.osimage, .osimagetag].contains { table in
            state.rows(table).values.contains { row in fields.contains { row[$0]?.stringValue == name } }
        }
    }
}
