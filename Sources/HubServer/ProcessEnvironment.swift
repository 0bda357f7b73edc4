import Glibc

enum ProcessEnvironment {
    /// The process environment as a dictionary (no Foundation).
    static func current() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}

/// Unbuffered lines to stdout and stderr: a supervisor reading the log sees each line as it happens.
enum Output {
    static func line(_ text: String) {
        write(to: 1, text)
    }

    static func error(_ text: String) {
        write(to: 2, text)
    }

    private static func write(to fd: Int32, _ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}
