import CLinuxSys
import Glibc

/// Client sockets for the load generator: non-blocking connects from a chosen loopback source address.
enum Net {
    /// Linux's IP_BIND_ADDRESS_NO_PORT: bind the source address now but pick the port at connect time, so one
    /// source address is not limited to one set of ephemeral ports for all destinations.
    static let bindAddressNoPort: Int32 = 24

    /// Only loopback targets: load is never sent anywhere else.
    static func requireLoopback(_ host: String) {
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1, UInt32(bigEndian: address.s_addr) >> 24 == 127 else {
            fatalError("loadgen: refusing target \(host): only 127.0.0.0/8 addresses may be loaded")
        }
    }

    /// Starts a non-blocking connect from `source` to `host:port`; returns the fd (connect in progress).
    static func connect(host: String, port: Int, source: String) -> Int32? {
        let fd = socket(
            AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_IP), bindAddressNoPort, &one, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, source, &local.sin_addr)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &remote.sin_addr)
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) }
        }
        let started = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, size) }
        }
        guard bound == 0, started == 0 || errno == EINPROGRESS else {
            close(fd)
            return nil
        }
        return fd
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EAGAIN {
                var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&poller, 1, 1000)
            } else {
                return false
            }
        }
        return true
    }
}

/// A minimal epoll wrapper; the data word is the caller's index.
final class Poller {
    let fd: Int32
    private var events = [epoll_event](repeating: epoll_event(), count: 1024)

    init() { fd = epoll_create1(0) }
    deinit { close(fd) }

    func add(_ socket: Int32, index: Int, events mask: UInt32) {
        var event = clinux_epoll_event(mask, UInt64(index))
        epoll_ctl(fd, EPOLL_CTL_ADD, socket, &event)
    }

    func modify(_ socket: Int32, index: Int, events mask: UInt32) {
        var event = clinux_epoll_event(mask, UInt64(index))
        epoll_ctl(fd, EPOLL_CTL_MOD, socket, &event)
    }

    func remove(_ socket: Int32) { epoll_ctl(fd, EPOLL_CTL_DEL, socket, nil) }

    /// Waits up to `milliseconds` and calls `body(index, flags)` for each ready socket.
    func wait(milliseconds: Int32, _ body: (Int, UInt32) -> Void) {
        let count = events.withUnsafeMutableBufferPointer {
            epoll_wait(fd, $0.baseAddress, Int32($0.count), milliseconds)
        }
        guard count > 0 else { return }
        for index in 0..<Int(count) {
            let (data, flags) = withUnsafePointer(to: &events[index]) {
                (clinux_epoll_data($0), clinux_epoll_events($0))
            }
            body(Int(data), flags)
        }
    }
}
