import CLinuxSys
import Glibc

/// Thin wrappers over the socket calls the hub makes. Each descriptor is non-blocking and close-on-exec.
enum Socket {
    /// Opens a listening TCP socket on an IPv4 or IPv6 literal address. One listener serves every loop (each
    /// registers it with `EPOLLEXCLUSIVE`); `SO_REUSEPORT` is deliberately not set, so a second hub started on
    /// the same port fails with "address in use" instead of silently taking half the connections.
    static func listen(host: String, port: Int, backlog: Int32) throws(SystemError) -> Int32 {
        var storage = sockaddr_storage()
        let length = try SocketAddress.fill(&storage, host: host, port: port)
        let family = Int32(storage.ss_family)
        let fd = try syscallBlocking("socket") {
            Glibc.socket(
                family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        do {
            var one: Int32 = 1
            let size = socklen_t(MemoryLayout<Int32>.size)
            _ = try syscallBlocking("setsockopt(SO_REUSEADDR)") { setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size) }
            _ = try syscallBlocking("bind") {
                withUnsafePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
                }
            }
            _ = try syscallBlocking("listen") { Glibc.listen(fd, backlog) }
        } catch {
            Glibc.close(fd)
            throw error
        }
        return fd
    }

    /// The port a socket is bound to (after binding port 0).
    static func localPort(_ fd: Int32) throws(SystemError) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try syscallBlocking("getsockname") {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
        }
        return SocketAddress.port(of: storage)
    }

    static func accept(_ fd: Int32) throws(SystemError) -> IOResult<Int32> {
        try syscall("accept4") {
            accept4(fd, nil, nil, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
        }
    }

    /// Disables Nagle: SSE frames are small and must leave at once.
    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try syscall("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    static func writev(_ fd: Int32, _ vectors: UnsafeBufferPointer<iovec>) throws(SystemError) -> IOResult<Int> {
        try syscall("writev") { Glibc.writev(fd, vectors.baseAddress, Int32(vectors.count)) }
    }

    static func close(_ fd: Int32) {
        // Linux releases the descriptor even when close reports EINTR, so it is never retried.
        _ = Glibc.close(fd)
    }
}
