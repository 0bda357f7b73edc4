import Broadcast

/// The demo's static files, read once at start-up into memory: the loops serve them without touching the
/// disk, so a slow disk never blocks a loop. Only files under the root are reachable; `..` never resolves.
struct StaticFiles: Sendable {
    private let files: [String: HTTPResponse]

    /// Loads every regular file under `root` (recursively, at most `limit` bytes in all).
    init(root: String, limit: Int = 64 * 1024 * 1024) {
        var files: [String: HTTPResponse] = [:]
        var total = 0
        for file in FileSystem.files(under: root) {
            guard let bytes = FileSystem.read(file.path) else { continue }
            let relative = file.relative
            total += bytes.count
            guard total <= limit else { break }
            files[relative] = HTTPResponse(
                status: .ok,
                headers: [("Content-Type", Self.contentType(relative)), ("Cache-Control", "public, max-age=300")],
                body: bytes)
        }
        self.files = files
    }

    var count: Int { files.count }

    func response(for path: String) -> HTTPResponse? {
        files[path]
    }

    func register(in router: inout RouterBuilder) {
        let files = self
        router.add("GET", "/") { _, _ in
            .response(files.response(for: "index.html") ?? HTTPError(.notFound, "no demo page installed").response)
        }
        router.add("GET", "/static/{path*}") { _, context in
            let path = context.pathParameter ?? ""
            guard let response = files.response(for: path) else {
                throw HTTPError(.notFound, "no static file \(path)")
            }
            return .response(response)
        }
    }

    static func contentType(_ path: String) -> String {
        switch path.split(separator: ".").last ?? "" {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "json": "application/json"
        default: "application/octet-stream"
        }
    }
}
