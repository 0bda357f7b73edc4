import Glibc

/// Blocking file reads for start-up and tools (templates, static files), never on a loop's hot path.
package enum FileSystem {
    /// The whole file, or nil if it cannot be opened.
    package static func read(_ path: String) -> [UInt8]? {
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

    package static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// Every regular file under `directory`, recursively, as (path relative to `directory`, full path).
    /// Hidden entries (names starting with a dot) are skipped.
    package static func files(under directory: String, prefix: String = "") -> [(relative: String, path: String)] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var result: [(relative: String, path: String)] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(".") { continue }
            let path = directory + "/" + name
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFDIR {
                result += files(under: path, prefix: prefix + name + "/")
            } else if info.st_mode & S_IFMT == S_IFREG {
                result.append((prefix + name, path))
            }
        }
        return result
    }
}
