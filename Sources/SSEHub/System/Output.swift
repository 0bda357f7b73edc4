import Glibc

/// Unbuffered lines to stdout and stderr: a supervisor reading the log sees each line as it happens.
package enum Output {
    package static func line(_ text: String) {
        write(to: 1, text)
    }

    package static func error(_ text: String) {
        write(to: 2, text)
    }

    private static func write(to fd: Int32, _ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}
