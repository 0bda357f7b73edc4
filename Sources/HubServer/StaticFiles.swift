import Glibc
import SSEHub

/// The demo's static files, read once at start-up into memory: the loops serve them without touching the
/// disk, so a slow disk never blocks a loop. Only files under the root are reachable; `..` never resolves.
struct StaticFiles: Sendable {
    private let files: [String: HTTPResponse]

    /// Loads every regular file under `root` (recursively, at most `limit` bytes in all).
    init(root: String, limit: Int = 64 * 1024 * 1024) {
        var files: [String: HTTPResponse] = [:]
        var total = 0
        Self.walk(root, relative: "") { relative, bytes in
            total += bytes.count
            guard total <= limit else { return }
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

    private static func walk(_ directory: String, relative: String, _ visit: (String, [UInt8]) -> Void) {
        guard let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(".") { continue }
            let path = directory + "/" + name
            let relativePath = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                walk(path, relative: relativePath, visit)
            } else if info.st_mode & S_IFMT == S_IFREG, let bytes = readFile(path) {
                visit(relativePath, bytes)
            }
        }
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
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
