import Glibc

/// Creates the folders a database file will live in, like `mkdir -p` of its parent.
enum DatabaseFolder {
    struct CannotCreate: Error, CustomStringConvertible {
        let path: String
        let code: Int32
        var description: String { "cannot create folder \(path): \(String(cString: strerror(code)))" }
    }

    static func create(for file: String) throws {
        let parts = file.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var path = ""
        for (index, part) in parts.enumerated() {
            path += index == 0 ? String(part) : "/" + part
            guard !path.isEmpty, !part.isEmpty, part != "." else { continue }
            if mkdir(path, 0o755) != 0 && errno != EEXIST { throw CannotCreate(path: path, code: errno) }
        }
    }
}
