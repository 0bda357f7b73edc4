import CLinuxSys
import Glibc

/// An eventfd that another thread writes to wake a loop blocked in `epoll_wait`.
/// The descriptor is created once and closed by the loop; writing and reading it are thread-safe.
struct Wakeup: Sendable {
    let fd: Int32

    init() throws(SystemError) {
        fd = try syscallBlocking("eventfd") { eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)) }
    }

    func signal() {
        var one: UInt64 = 1
        _ = withUnsafePointer(to: &one) { Glibc.write(fd, $0, 8) }
    }

    /// Resets the counter so the next `signal` wakes the loop again.
    func drain() {
        var value: UInt64 = 0
        _ = withUnsafeMutablePointer(to: &value) { Glibc.read(fd, $0, 8) }
    }
}
