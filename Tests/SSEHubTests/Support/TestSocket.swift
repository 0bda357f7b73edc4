import Glibc

struct TestTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// A blocking-with-deadline TCP client for tests. Every wait is bounded by `poll`, so a test that does not
/// get what it expects fails instead of hanging.
final class TestSocket {
    let fd: Int32
    private(set) var buffer: [UInt8] = []
    private(set) var peerClosed = false
    /// The peer reset the connection (`ECONNRESET`) instead of ending it with a FIN.
    private(set) var wasReset = false

    init(port: Int, host: String = "127.0.0.1", receiveBuffer: Int32? = nil) throws {
        // Close-on-exec: hubs the tests spawn must not inherit (and hold open) other tests' sockets.
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestTimeout(what: "socket()") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // No close here: the object is fully initialised, so deinit closes the descriptor. Closing it here too
        // would close whatever another thread opened under the same number in between.
        guard result == 0 else { throw TestTimeout(what: "connect to port \(port) (errno \(errno))") }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// Half-closes: the peer reads EOF but may still write to us.
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Reads once, waiting up to `timeout` seconds; false when nothing arrived or the peer closed.
    @discardableResult
    func readSome(timeout: Double) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 {
            if count < 0 && errno == ECONNRESET { wasReset = true }
            peerClosed = true
            return false
        }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    /// Reads until `done(buffer)` holds, failing after `timeout` seconds in all.
    func read(until what: String, timeout: Double = 10, _ done: ([UInt8]) -> Bool) throws {
        let deadline = TestClock.now() + timeout
        while !done(buffer) {
            let left = deadline - TestClock.now()
            if left <= 0 || peerClosed { throw TestTimeout(what: what) }
            readSome(timeout: left)
        }
    }

    /// Waits for the peer to close; true if it did within `timeout`.
    func waitForClose(timeout: Double = 10) -> Bool {
        let deadline = TestClock.now() + timeout
        while !peerClosed {
            let left = deadline - TestClock.now()
            if left <= 0 { return false }
            readSome(timeout: left)
        }
        return true
    }

    func take(_ count: Int) -> [UInt8] {
        let taken = Array(buffer.prefix(count))
        buffer.removeFirst(min(count, buffer.count))
        return taken
    }
}

enum TestClock {
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
