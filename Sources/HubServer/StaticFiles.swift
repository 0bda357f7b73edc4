import Broadcast
import DemoApp

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
            // A strong validator (RFC 9110 §8.8.3) from the content: the same bytes, the same tag, across restarts.
            let tag = "\"" + Digest.sha256(bytes).prefix(12).map { Self.hex($0) }.joined() + "\""
            files[relative] = HTTPResponse(
                status: .ok,
                headers: [
                    ("Content-Type", Self.contentType(relative)), ("ETag", tag),
                    // Names are not versioned, so caches revalidate after five minutes (a 304 is cheap).
                    ("Cache-Control", "public, max-age=300"),
                ]
                    + (relative.hasSuffix(".html")
                        ? PageRenderer.securityHeaders.filter { $0.0 != "Cache-Control" } : []),
                body: bytes)
        }
        self.files = files
    }

    var count: Int { files.count }

    func response(for path: String) -> HTTPResponse? {
        files[path]
    }

    /// The file, or 304 Not Modified when `If-None-Match` names its tag (RFC 9110 §13.1.2: a list, `*`, weak
    /// comparison).
    func response(for path: String, request: HTTPRequest) -> HTTPResponse? {
        guard let file = files[path] else { return nil }
        guard let condition = request.headers["If-None-Match"], let tag = file.header("ETag") else { return file }
        let opaque = { (candidate: Substring) in candidate.hasPrefix("W/") ? candidate.dropFirst(2) : candidate }
        let matches = condition.split(separator: ",").contains { candidate in
            let value = Substring(candidate.trimmingSpaces())
            return value == "*" || opaque(value) == opaque(Substring(tag))
        }
        guard matches else { return file }
        var notModified = HTTPResponse(status: .notModified, headers: file.headers.filter { $0.0 != "Content-Type" })
        // §15.4.5: a 304 has no content; a Content-Length would have to be the 200's, so none is sent.
        notModified.declaresLength = false
        return notModified
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    func register(in router: inout RouterBuilder) {
        let files = self
        router.add("GET", "/") { _, _ in
            .response(files.response(for: "index.html") ?? HTTPError(.notFound, "no demo page installed").response)
        }
        router.add("GET", "/static/{path*}") { request, context in
            let path = context.pathParameter ?? ""
            guard let response = files.response(for: path, request: request) else {
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
